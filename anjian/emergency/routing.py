"""The fastest road route for rescue help, as pure functions over numpy and scipy (no ORM).

Places are nodes, road segments are edges weighted by their driving minutes (rules.segment_minutes). Help travels
from its base to the incident, so one Dijkstra runs on the transposed graph from the incident's place: it gives the
minutes from every place to the incident at once, one-way roads included. Segments closed on the day
(rules.closed_on) are left out. A point off the network is snapped to the nearest place within a radius and the leg
to it is driven at a fallback speed over the great circle; where no road joins the two, the whole way is.
Nothing is rounded here: callers round.
"""

import datetime
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from anjian.emergency.rules import EARTH_RADIUS_KM, closed_on, great_circle_km, segment_minutes, segment_problem

ROAD = "road"
GREAT_CIRCLE = "great_circle"

_NO_PREDECESSOR = -9999  # scipy.sparse.csgraph's mark for "no predecessor"


def great_circle_km_array(lat1, lon1, lat2, lon2) -> np.ndarray:
    """rules.great_circle_km over numpy arrays (broadcast): the same haversine on the same mean radius."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(np.subtract(lon2, lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def _unit_vectors(lat, lon) -> np.ndarray:
    """Points on the unit sphere, (n, 3): the chord between two of them grows with their great-circle distance."""
    la, lo = np.radians(np.asarray(lat, dtype=float)), np.radians(np.asarray(lon, dtype=float))
    return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))


def _chord_for_km(km: float) -> float:
    """The chord on the unit sphere of a great-circle distance in km (infinite past half the circumference)."""
    angle = km / EARTH_RADIUS_KM
    return 2 * math.sin(angle / 2) if angle < math.pi else math.inf


@dataclass(frozen=True)
class Segment:
    """A road segment between two places, by their ids; `closure` is a seasonal closure as rules.closed_on reads it."""

    from_place: int
    to_place: int
    length_km: float
    speed_kmh: float
    two_way: bool = True
    closure: tuple[tuple[int, int], tuple[int, int]] | None = None
    approximate: bool = False


class RoadGraph:
    """The road network open on `day`: places (place_id, lat, lon) and the segments between them.

    Closed segments are left out (`closed_segments` counts them); of parallel segments between the same two places,
    in the same direction, the fastest is kept. `minutes` and `km` are CSR matrices indexed by place position
    (`place_ids[i]`); `km` holds the length of the segment kept. A segment naming an unknown place, or with a length
    or speed rules.segment_problem refuses, raises ValueError; so do duplicate place ids and non-finite coordinates.
    """

    def __init__(
        self, places: Sequence[tuple[int, float, float]], segments: Iterable[Segment], day: datetime.date
    ) -> None:
        self.day = day
        ids = [int(p[0]) for p in places]
        self.place_ids = np.array(ids, dtype=np.int64)
        self.lat = np.array([float(p[1]) for p in places], dtype=float)
        self.lon = np.array([float(p[2]) for p in places], dtype=float)
        self._index = {pid: i for i, pid in enumerate(ids)}
        if len(self._index) != len(ids):
            raise ValueError("duplicate place id")
        if not (np.isfinite(self.lat).all() and np.isfinite(self.lon).all()):
            raise ValueError("place coordinates must be finite")
        n = len(ids)
        self._tree = cKDTree(_unit_vectors(self.lat, self.lon)) if n else None

        tails, heads, minutes, km, approximate = [], [], [], [], []
        self.closed_segments = 0
        for seg in segments:
            try:
                u, v = self._index[seg.from_place], self._index[seg.to_place]
            except KeyError as exc:
                raise ValueError(f"segment names an unknown place: {exc.args[0]!r}") from None
            problem = segment_problem(seg.length_km, seg.speed_kmh)
            if problem:
                raise ValueError(f"{problem}: {seg!r}")
            if closed_on(day, seg.closure):
                self.closed_segments += 1
                continue
            if u == v:
                continue  # a loop never shortens a route
            length = float(seg.length_km)
            m = segment_minutes(length, float(seg.speed_kmh))
            tails.append(u)
            heads.append(v)
            minutes.append(m)
            km.append(length)
            approximate.append(bool(seg.approximate))
            if seg.two_way:
                tails.append(v)
                heads.append(u)
                minutes.append(m)
                km.append(length)
                approximate.append(bool(seg.approximate))

        tail = np.array(tails, dtype=np.int64)
        head = np.array(heads, dtype=np.int64)
        mins = np.array(minutes, dtype=float)
        kms = np.array(km, dtype=float)
        approx = np.array(approximate, dtype=bool)
        # Fastest first within each (tail, head), then shortest, then exact before approximate; keep the first.
        # (A CSR matrix built from duplicates would sum them.)
        order = np.lexsort((approx, kms, mins, head, tail))
        keys = tail[order] * n + head[order]
        first = np.ones(len(order), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        kept = order[first]
        self._keys = keys[first]  # sorted: edge e is (keys[e] // n, keys[e] % n), as in the CSR data below
        self._edge_km = kms[kept]
        self._edge_approximate = approx[kept]
        indptr = np.searchsorted(tail[kept], np.arange(n + 1))
        self.minutes = csr_matrix((mins[kept], head[kept], indptr), shape=(n, n))
        self.km = csr_matrix((self._edge_km, head[kept], indptr), shape=(n, n))
        self._minutes_transposed = self.minutes.T.tocsr()

    def __len__(self) -> int:
        return len(self.place_ids)

    def __contains__(self, place_id) -> bool:
        return place_id in self._index

    def index_of(self, place_id) -> int:
        """The position of a place in the matrices; KeyError for an unknown place."""
        return self._index[place_id]

    def _snap(self, lat, lon, max_km: float) -> tuple[np.ndarray, np.ndarray]:
        """The nearest place's position for each point (-1 when none lies within max_km) and its great-circle km."""
        lat, lon = np.atleast_1d(np.asarray(lat, dtype=float)), np.atleast_1d(np.asarray(lon, dtype=float))
        found = np.full(len(lat), -1, dtype=np.int64)
        km = np.full(len(lat), np.inf)
        if self._tree is None or not len(lat) or max_km < 0:
            return found, km
        # A hair wider than the radius, so rounding in the chord cannot lose a place right on it; km decides.
        bound = _chord_for_km(max_km) * (1 + 1e-9) + 1e-12
        chord, idx = self._tree.query(_unit_vectors(lat, lon), k=1, distance_upper_bound=bound)
        hit = np.isfinite(chord)
        km[hit] = great_circle_km_array(lat[hit], lon[hit], self.lat[idx[hit]], self.lon[idx[hit]])
        hit[hit] = km[hit] <= max_km + 1e-9  # within a micrometre: numpy's and math's sines differ in the last bit
        found[hit] = idx[hit]
        km[~hit] = np.inf
        return found, km

    def nearest_place(self, lat: float, lon: float, max_km: float) -> tuple[int, float] | None:
        """The nearest place within max_km (great circle) of a point, with its distance; None when there is none."""
        found, _ = self._snap(lat, lon, max_km)
        i = int(found[0])
        if i < 0:
            return None
        return int(self.place_ids[i]), great_circle_km(lat, lon, float(self.lat[i]), float(self.lon[i]))

    def towards(self, place_id) -> "Reach":
        """The fastest routes from every place to `place_id`: one Dijkstra on the transposed graph."""
        target = self._index[place_id]
        dist, pred = dijkstra(self._minutes_transposed, directed=True, indices=target, return_predecessors=True)
        return Reach(self, target, dist, pred)

    def _edges_km_and_approximate(self, tails: np.ndarray, heads: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Length and approximate flag of the kept segments tail → head (each must exist)."""
        e = np.searchsorted(self._keys, tails * len(self.place_ids) + heads)
        return self._edge_km[e], self._edge_approximate[e]


class Reach:
    """The fastest routes from every place of a RoadGraph to one target place (RoadGraph.towards)."""

    def __init__(self, graph: RoadGraph, target: int, dist: np.ndarray, pred: np.ndarray) -> None:
        self.graph = graph
        self.target = int(graph.place_ids[target])
        self._target = target
        self.minutes = dist  # by place position; inf where the target cannot be reached
        self._pred = pred  # the next place towards the target, by position
        self._km = None
        self._approximate = None
        self._pred_list = self._id_list = None  # plain lists walk faster than numpy arrays

    def _totals(self) -> tuple[np.ndarray, np.ndarray]:
        """Road km and any-approximate along every fastest path, by pointer jumping (log of the longest path)."""
        if self._km is None:
            nxt = self._pred.astype(np.int64)
            km = np.zeros(len(nxt))
            approx = np.zeros(len(nxt), dtype=bool)
            on = np.flatnonzero(nxt >= 0)
            km[on], approx[on] = self.graph._edges_km_and_approximate(on, nxt[on])
            while True:
                on = np.flatnonzero(nxt >= 0)
                if not len(on):
                    break
                ahead = nxt[on]
                km[on] = km[on] + km[ahead]
                approx[on] = approx[on] | approx[ahead]
                nxt[on] = nxt[ahead]
            self._km, self._approximate = km, approx
        return self._km, self._approximate

    def _position(self, place_id) -> int | None:
        i = self.graph.index_of(place_id)
        return i if np.isfinite(self.minutes[i]) else None

    def minutes_from(self, place_id) -> float | None:
        """Minutes by road from a place to the target; None when no road leads there."""
        i = self._position(place_id)
        return None if i is None else float(self.minutes[i])

    def km_from(self, place_id) -> float | None:
        """Road km along the fastest path from a place to the target; None when no road leads there."""
        i = self._position(place_id)
        return None if i is None else float(self._totals()[0][i])

    def approximate_from(self, place_id) -> bool:
        """Whether any segment of the fastest path from a place is approximate (False when there is no path)."""
        i = self._position(place_id)
        return False if i is None else bool(self._totals()[1][i])

    def path_from(self, place_id) -> list[int]:
        """The place ids from a place to the target along the fastest path; [] when no road leads there."""
        i = self._position(place_id)
        return [] if i is None else self._path(i)

    def _path(self, i: int) -> list[int]:
        if self._pred_list is None:
            self._pred_list, self._id_list = self._pred.tolist(), self.graph.place_ids.tolist()
        pred, ids, target = self._pred_list, self._id_list, self._target
        path = [ids[i]]
        while i != target:
            i = pred[i]
            path.append(ids[i])
        return path


@dataclass(frozen=True)
class Point:
    """Where the incident is; `place_id` when it is known to be at a place of the graph."""

    lat: float
    lon: float
    place_id: int | None = None


@dataclass(frozen=True)
class Candidate:
    """Help that could come (a team, a store of equipment), at its base; `key` is the caller's to identify it."""

    key: object
    lat: float
    lon: float
    place_id: int | None = None


@dataclass(frozen=True)
class Ranked:
    """A candidate with its travel: `route` is "road" (access legs and roads) or "great_circle" (no road joins)."""

    key: object
    travel_minutes: float
    distance_km: float
    route: str
    path: tuple[int, ...] = ()
    approximate: bool = False


def rank(
    graph: RoadGraph | None,
    origin: Point,
    candidates: Sequence[Candidate],
    *,
    fallback_kmh: float = 40.0,
    snap_km: float = 30.0,
    limit: int | None = None,
) -> list[Ranked]:
    """Candidates by how soon their help reaches the origin: (travel_minutes, distance_km, str(key)).

    Each point's node is its place_id when the graph has it, else the nearest place within snap_km; the access leg
    to the node is great-circle km at fallback_kmh. When both nodes exist and a road joins them the route is "road"
    (access legs plus the fastest road path), else "great_circle" (the whole way at fallback_kmh); so is a candidate
    snapped to the origin's own node when the straight line is sooner than its two access legs through that node.
    `limit` keeps the first N; paths are traced only for those kept.
    """
    if not fallback_kmh > 0:
        raise ValueError("fallback_kmh must be above zero")
    if limit is not None and limit < 0:
        raise ValueError("limit must not be negative")
    count = len(candidates)
    lat = np.fromiter((c.lat for c in candidates), dtype=float, count=count)
    lon = np.fromiter((c.lon for c in candidates), dtype=float, count=count)
    if not (
        math.isfinite(origin.lat) and math.isfinite(origin.lon) and np.isfinite(lat).all() and np.isfinite(lon).all()
    ):
        raise ValueError("coordinates must be finite")
    direct_km = great_circle_km_array(lat, lon, origin.lat, origin.lon)
    minutes = segment_minutes(direct_km, fallback_kmh)
    km = direct_km.copy()
    road = np.zeros(count, dtype=bool)
    node = np.full(count, -1, dtype=np.int64)
    reach = None

    origin_node = -1
    if graph is not None and len(graph):
        if origin.place_id is not None and origin.place_id in graph:
            origin_node = graph.index_of(origin.place_id)
        else:
            origin_node = int(graph._snap(origin.lat, origin.lon, snap_km)[0][0])
    if origin_node >= 0 and count:
        reach = graph.towards(int(graph.place_ids[origin_node]))
        index = graph._index
        node = np.fromiter((index.get(c.place_id, -1) for c in candidates), dtype=np.int64, count=count)
        loose = np.flatnonzero(node < 0)
        if len(loose):
            node[loose] = graph._snap(lat[loose], lon[loose], snap_km)[0]
        road = node >= 0
        road[road] = np.isfinite(reach.minutes[node[road]])
        on = np.flatnonzero(road)
        if len(on):
            origin_access_km = great_circle_km(
                origin.lat, origin.lon, float(graph.lat[origin_node]), float(graph.lon[origin_node])
            )
            access_km = origin_access_km + great_circle_km_array(
                lat[on], lon[on], graph.lat[node[on]], graph.lon[node[on]]
            )
            road_km, _ = reach._totals()
            by_road = segment_minutes(access_km, fallback_kmh) + reach.minutes[node[on]]
            # Snapped to the incident's own node, the way "by road" is only the two access legs through that node:
            # the straight line is taken when sooner (a team next door is not sent to the county seat and back).
            direct = (node[on] == origin_node) & (minutes[on] < by_road)
            keep = on[~direct]
            minutes[keep] = by_road[~direct]
            km[keep] = access_km[~direct] + road_km[node[keep]]
            road[on[direct]] = False

    minutes_list, km_list = minutes.tolist(), km.tolist()
    order = sorted(range(count), key=lambda i: (minutes_list[i], km_list[i], str(candidates[i].key)))
    if limit is not None:
        order = order[:limit]
    ranked = []
    for i in order:
        if road[i]:
            j = int(node[i])
            ranked.append(
                Ranked(
                    candidates[i].key,
                    minutes_list[i],
                    km_list[i],
                    ROAD,
                    tuple(reach._path(j)),
                    bool(reach._totals()[1][j]),
                )
            )
        else:
            ranked.append(Ranked(candidates[i].key, minutes_list[i], km_list[i], GREAT_CIRCLE))
    return ranked
