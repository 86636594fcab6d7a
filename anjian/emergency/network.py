"""The road network as the routing module sees it: the graph is built once per network version and day (seasonal
closures change with the day) and kept in the process; an import raises the version, so every process rebuilds."""

import datetime
import threading

from django.conf import settings
from django.utils import timezone

from anjian.emergency import routing, rules
from anjian.emergency.models import Place, RoadNetwork, RoadSegment

_lock = threading.Lock()
_cache: dict = {}


def network_row() -> RoadNetwork:
    row, _ = RoadNetwork.objects.get_or_create(pk=1)
    return row


def _segments():
    for s in RoadSegment.objects.values_list(
        "from_place_id", "to_place_id", "length_km", "speed_kmh", "two_way", "closed_from", "closed_to", "approximate"
    ).iterator(chunk_size=10_000):
        closure = rules.closure_of(s[5], s[6])
        yield routing.Segment(s[0], s[1], s[2], s[3], two_way=s[4], closure=closure, approximate=s[7])


def graph_for(day: datetime.date | None = None) -> routing.RoadGraph | None:
    """The graph of the current network on `day` (today in Asia/Shanghai by default), or None with no places."""
    day = day or timezone.localdate()
    version = RoadNetwork.objects.filter(pk=1).values_list("version", flat=True).first() or 0
    key = (version, day)
    with _lock:
        graph = _cache.get(key)
        if graph is not None:
            return graph
        for attempt in range(3):
            places = list(Place.objects.values_list("id", "lat", "lon").iterator(chunk_size=10_000))
            try:
                graph = routing.RoadGraph(places, _segments(), day) if places else None
                break
            except ValueError:
                # An import committed between reading the places and the segments: read both again.
                if attempt == 2:
                    raise
        _cache.clear()  # one graph per process: the newest version and day
        _cache[key] = graph
        return graph


def forget() -> None:
    with _lock:
        _cache.clear()


def fallback_kmh() -> float:
    return float(getattr(settings, "EMERGENCY_OFF_ROAD_KMH", 40))


def snap_km() -> float:
    return float(getattr(settings, "EMERGENCY_SNAP_KM", 30))


def rank(origin: routing.Point, candidates, limit=None, day=None) -> list[routing.Ranked]:
    return routing.rank(graph_for(day), origin, candidates, fallback_kmh=fallback_kmh(), snap_km=snap_km(), limit=limit)


def places_named(ids) -> dict[int, Place]:
    return {p.pk: p for p in Place.objects.filter(pk__in=list(ids))}
