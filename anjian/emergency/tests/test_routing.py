"""The road routing on small graphs worked out by hand: the fastest path is not the shortest, seasonal closures
reroute (over the new year too), one-way roads, parallel segments, unreachable places fall back to the great
circle, snapping, ordering and limits; and, on a random graph, the same minutes as networkx."""

import datetime
import math
import random

import networkx as nx
import numpy as np
import pytest

from anjian.emergency import routing, rules
from anjian.emergency.routing import Candidate, Point, RoadGraph, Segment, rank

D = datetime.date
SUMMER = D(2026, 7, 1)

# Around Lhasa. Road lengths are given, not derived from the coordinates (roads wind).
PLACES = [
    (1, 29.65, 91.10),  # the town: incidents happen here
    (2, 29.90, 91.60),  # a junction on the highway
    (3, 29.40, 91.40),  # the mountain village
    (4, 30.50, 92.50),  # a place of its own: no road joins it
]
MOUNTAIN = Segment(3, 1, length_km=50, speed_kmh=25)  # 50 km at 25 km/h = 120 min
HIGHWAY_A = Segment(3, 2, length_km=60, speed_kmh=100)  # 60 km at 100 km/h = 36 min
HIGHWAY_B = Segment(2, 1, length_km=60, speed_kmh=100)  # 36 min


def test_the_fastest_path_is_not_the_shortest():
    graph = RoadGraph(PLACES, [MOUNTAIN, HIGHWAY_A, HIGHWAY_B], SUMMER)
    reach = graph.towards(1)
    # mountain road: 50 km, 120 min; highway via 2: 60 + 60 = 120 km, 36 + 36 = 72 min
    assert reach.minutes_from(3) == pytest.approx(72)
    assert reach.km_from(3) == pytest.approx(120)
    assert reach.path_from(3) == [3, 2, 1]
    assert reach.minutes_from(1) == 0 and reach.km_from(1) == 0 and reach.path_from(1) == [1]
    assert reach.minutes_from(4) is None and reach.km_from(4) is None and reach.path_from(4) == []
    assert graph.closed_segments == 0


@pytest.mark.parametrize(
    ("day", "minutes", "path"),
    [
        (D(2026, 12, 31), 120, [3, 1]),  # the highway is closed 15 November to 15 April: the mountain road
        (D(2027, 1, 1), 120, [3, 1]),  # over the new year
        (D(2027, 4, 15), 120, [3, 1]),  # its last day, inclusive
        (D(2027, 4, 16), 72, [3, 2, 1]),  # open again
        (D(2026, 11, 14), 72, [3, 2, 1]),
    ],
)
def test_a_seasonal_closure_reroutes(day, minutes, path):
    winter = ((11, 15), (4, 15))
    closed = Segment(2, 1, length_km=60, speed_kmh=100, closure=winter)
    graph = RoadGraph(PLACES, [MOUNTAIN, HIGHWAY_A, closed], day)
    assert graph.closed_segments == (1 if rules.closed_on(day, winter) else 0)
    reach = graph.towards(1)
    assert reach.minutes_from(3) == pytest.approx(minutes)
    assert reach.path_from(3) == path


def test_a_one_way_road_brings_help_down_not_up():
    # 3 → 1 only: 30 km at 60 km/h = 30 min down; nothing goes up
    graph = RoadGraph(PLACES, [Segment(3, 1, 30, 60, two_way=False)], SUMMER)
    assert graph.towards(1).minutes_from(3) == pytest.approx(30)
    assert graph.towards(3).minutes_from(1) is None
    assert graph.towards(3).path_from(1) == []
    # help based at 1 cannot reach an incident at 3 by road: the great circle
    (up,) = rank(graph, Point(29.40, 91.40, 3), [Candidate("up", 29.65, 91.10, 1)])
    assert up.route == routing.GREAT_CIRCLE


def test_parallel_segments_keep_the_fastest():
    segments = [
        Segment(1, 2, 10, 20),  # 30 min, the shortest
        Segment(2, 1, 12, 60),  # 12 min, the fastest: kept, with its 12 km
        Segment(1, 2, 15, 45),  # 20 min
        Segment(1, 2, 5, 60, two_way=False),  # 5 min, but only from 1 to 2
    ]
    graph = RoadGraph(PLACES, segments, SUMMER)
    one, two = graph.index_of(1), graph.index_of(2)
    # a CSR matrix built naively would sum the parallels (67 min); the fastest alone is kept
    assert graph.minutes[two, one] == pytest.approx(12) and graph.km[two, one] == pytest.approx(12)
    assert graph.minutes[one, two] == pytest.approx(5) and graph.km[one, two] == pytest.approx(5)
    assert graph.minutes.nnz == 2
    assert graph.towards(1).minutes_from(2) == pytest.approx(12)
    assert graph.towards(1).km_from(2) == pytest.approx(12)
    assert graph.towards(2).minutes_from(1) == pytest.approx(5)


def test_approximate_segments_mark_the_path():
    segments = [MOUNTAIN, Segment(3, 2, 60, 100, approximate=True), HIGHWAY_B, Segment(4, 1, 10, 60)]
    graph = RoadGraph(PLACES, segments, SUMMER)
    reach = graph.towards(1)
    assert reach.approximate_from(3) and reach.approximate_from(2) is False and not reach.approximate_from(4)
    ranked = {r.key: r for r in rank(graph, Point(29.65, 91.10, 1), [Candidate("v", 29.40, 91.40, 3)])}
    assert ranked["v"].approximate and ranked["v"].path == (3, 2, 1)


def test_rank_by_road_with_access_legs():
    graph = RoadGraph(PLACES, [MOUNTAIN, HIGHWAY_A, HIGHWAY_B], SUMMER)
    # the incident lies off the town, the team exactly at the village
    origin = Point(29.66, 91.10, 1)
    access = rules.great_circle_km(29.66, 91.10, 29.65, 91.10)  # about 1.11 km, at 40 km/h
    (team,) = rank(graph, origin, [Candidate("team", 29.40, 91.40, 3)])
    assert team.route == routing.ROAD and team.path == (3, 2, 1) and not team.approximate
    assert team.travel_minutes == pytest.approx(72 + access / 40 * 60)
    assert team.distance_km == pytest.approx(120 + access)


def test_unreachable_falls_back_to_the_great_circle():
    graph = RoadGraph(PLACES, [MOUNTAIN, HIGHWAY_A, HIGHWAY_B], SUMMER)
    (far,) = rank(graph, Point(29.65, 91.10, 1), [Candidate("far", 30.50, 92.50, 4)], fallback_kmh=50)
    km = rules.great_circle_km(29.65, 91.10, 30.50, 92.50)
    assert far.route == routing.GREAT_CIRCLE and far.path == () and not far.approximate
    assert far.distance_km == pytest.approx(km) and far.travel_minutes == pytest.approx(km / 50 * 60)


def test_without_a_graph_everything_is_great_circle():
    candidates = [Candidate("a", 29.40, 91.40, 3), Candidate("b", 29.90, 91.60)]
    ranked = rank(None, Point(29.65, 91.10, 1), candidates)
    assert [r.route for r in ranked] == [routing.GREAT_CIRCLE] * 2
    by_key = {r.key: r for r in ranked}
    assert by_key["b"].distance_km == pytest.approx(rules.great_circle_km(29.65, 91.10, 29.90, 91.60))


def test_snapping_within_and_outside_the_radius():
    graph = RoadGraph(PLACES, [MOUNTAIN, HIGHWAY_A, HIGHWAY_B], SUMMER)
    near = rules.great_circle_km(29.45, 91.40, 29.40, 91.40)  # 0.05° of latitude: about 5.56 km from the village
    assert graph.nearest_place(29.45, 91.40, 30) == (3, pytest.approx(near))
    assert graph.nearest_place(29.45, 91.40, near) == (3, pytest.approx(near))  # the radius is inclusive
    assert graph.nearest_place(29.45, 91.40, near - 1e-6) is None
    assert graph.nearest_place(28.90, 91.40, 30) is None  # about 56 km from the village
    # the incident and a team both without place: snapped to the town and the village
    origin = Point(29.66, 91.10)
    origin_access = rules.great_circle_km(29.66, 91.10, 29.65, 91.10)
    snapped, far = rank(graph, origin, [Candidate("snapped", 29.45, 91.40), Candidate("far", 28.90, 91.40)])
    assert snapped.key == "snapped" and snapped.route == routing.ROAD and snapped.path == (3, 2, 1)
    assert snapped.distance_km == pytest.approx(near + 120 + origin_access)
    assert snapped.travel_minutes == pytest.approx((near + origin_access) / 40 * 60 + 72)
    assert far.route == routing.GREAT_CIRCLE
    assert far.distance_km == pytest.approx(rules.great_circle_km(29.66, 91.10, 28.90, 91.40))
    # a smaller radius leaves the team off the network
    (alone,) = rank(graph, origin, [Candidate("snapped", 29.45, 91.40)], snap_km=5)
    assert alone.route == routing.GREAT_CIRCLE
    # an incident too far from any place: everything is great circle
    (lost,) = rank(graph, Point(28.0, 88.0), [Candidate("team", 29.40, 91.40, 3)])
    assert lost.route == routing.GREAT_CIRCLE
    # a place id the graph does not know is snapped like a point without one
    (unknown,) = rank(graph, Point(29.65, 91.10, 99), [Candidate("team", 29.40, 91.40, 98)])
    assert unknown.route == routing.ROAD and unknown.path == (3, 2, 1)


def test_the_same_node_costs_only_the_access_legs():
    graph = RoadGraph(PLACES, [MOUNTAIN], SUMMER)
    # incident 0.01° north of the town, team 0.02° south of it, both snapped to the town
    (team,) = rank(graph, Point(29.66, 91.10), [Candidate("team", 29.63, 91.10)])
    legs = rules.great_circle_km(29.66, 91.10, 29.65, 91.10) + rules.great_circle_km(29.63, 91.10, 29.65, 91.10)
    assert team.route == routing.ROAD and team.path == (1,)
    assert team.distance_km == pytest.approx(legs) and team.travel_minutes == pytest.approx(legs / 40 * 60)


def test_ordering_ties_and_limit(monkeypatch):
    places = [(1, 29.65, 91.10), (2, 29.70, 91.20), (3, 29.60, 91.00)]
    # 30 km at 60 km/h and 20 km at 40 km/h: both exactly 30 min; the shorter comes first
    graph = RoadGraph(places, [Segment(2, 1, 30, 60), Segment(3, 1, 20, 40)], SUMMER)
    origin = Point(29.65, 91.10, 1)
    candidates = [
        Candidate("b", 29.70, 91.20, 2),
        Candidate("a", 29.70, 91.20, 2),  # same place as "b": the key decides
        Candidate(7, 29.60, 91.00, 3),
        Candidate("here", 29.65, 91.10, 1),
    ]
    ranked = rank(graph, origin, candidates)
    assert [r.key for r in ranked] == ["here", 7, "a", "b"]
    assert [r.travel_minutes for r in ranked] == [0, 30, 30, 30]
    assert [r.distance_km for r in ranked] == [0, 20, 30, 30]
    # paths are traced only for those kept
    traced = []
    original = routing.Reach._path
    monkeypatch.setattr(routing.Reach, "_path", lambda self, i: traced.append(i) or original(self, i))
    assert [r.key for r in rank(graph, origin, candidates, limit=2)] == ["here", 7]
    assert len(traced) == 2
    assert rank(graph, origin, candidates, limit=0) == [] and rank(graph, origin, []) == []


def test_bad_input_raises():
    with pytest.raises(ValueError, match="unknown place"):
        RoadGraph(PLACES, [Segment(1, 99, 10, 60)], SUMMER)
    with pytest.raises(ValueError, match="duplicate"):
        RoadGraph([(1, 29.0, 91.0), (1, 29.1, 91.1)], [], SUMMER)
    with pytest.raises(ValueError, match="segment_speed_invalid"):
        RoadGraph(PLACES, [Segment(1, 2, 10, 0)], SUMMER)
    with pytest.raises(ValueError):
        rank(None, Point(29.0, 91.0), [], fallback_kmh=0)
    with pytest.raises(ValueError, match="finite"):
        rank(None, Point(29.0, 91.0), [Candidate("team", math.nan, 91.0)])
    with pytest.raises(KeyError):
        RoadGraph(PLACES, [], SUMMER).towards(99)


def test_an_empty_graph():
    graph = RoadGraph([], [], SUMMER)
    assert graph.nearest_place(29.0, 91.0, 100) is None
    (team,) = rank(graph, Point(29.0, 91.0), [Candidate("team", 29.5, 91.0)])
    assert team.route == routing.GREAT_CIRCLE


def test_vectorised_haversine_agrees_with_rules():
    rng = np.random.default_rng(7)
    lat1, lat2 = rng.uniform(-90, 90, (2, 500))
    lon1, lon2 = rng.uniform(-180, 180, (2, 500))
    # the same point, antipodes and the extent of China among them
    lat1[:3], lon1[:3], lat2[:3], lon2[:3] = [29.65, 10, 3.5], [91.1, 20, 73.4], [29.65, -10, 53.6], [91.1, -160, 135.1]
    got = routing.great_circle_km_array(lat1, lon1, lat2, lon2)
    want = [rules.great_circle_km(*args) for args in zip(lat1, lon1, lat2, lon2, strict=True)]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-9)
    assert got[0] == 0 and got[1] == pytest.approx(math.pi * rules.EARTH_RADIUS_KM)


def test_same_minutes_as_networkx_on_a_random_graph():
    rnd = random.Random(2026)
    n = 300
    ids = rnd.sample(range(1000, 100000), n)
    places = [(pid, rnd.uniform(28, 33), rnd.uniform(85, 97)) for pid in ids]
    segments = []
    for _ in range(900):
        a, b = rnd.sample(ids, 2)
        closure = ((12, 1), (3, 31)) if rnd.random() < 0.1 else None
        segments.append(
            Segment(
                a,
                b,
                rnd.uniform(0.5, 120),
                rnd.uniform(10, 120),
                two_way=rnd.random() < 0.7,
                closure=closure,
                approximate=rnd.random() < 0.1,
            )
        )
    segments += segments[:50]  # exact duplicates, as parallels
    day = D(2027, 1, 10)
    graph = RoadGraph(places, segments, day)
    assert graph.closed_segments == sum(rules.closed_on(day, s.closure) for s in segments)

    # help travels along segments towards the target: networkx from the target on the reversed graph
    digraph = nx.DiGraph()
    digraph.add_nodes_from(ids)
    for s in segments:
        if rules.closed_on(day, s.closure):
            continue
        minutes = rules.segment_minutes(s.length_km, s.speed_kmh)
        for u, v in [(s.from_place, s.to_place)] + ([(s.to_place, s.from_place)] if s.two_way else []):
            if not digraph.has_edge(u, v) or digraph[u][v]["weight"] > minutes:
                digraph.add_edge(u, v, weight=minutes, km=s.length_km)
    for target in rnd.sample(ids, 5):
        want, _ = nx.single_source_dijkstra(digraph.reverse(copy=False), target)
        reach = graph.towards(target)
        got = {pid: reach.minutes_from(pid) for pid in ids if reach.minutes_from(pid) is not None}
        assert got.keys() == want.keys()
        for pid, minutes in want.items():
            assert got[pid] == pytest.approx(minutes, rel=0, abs=1e-9)
            path = reach.path_from(pid)
            assert path[0] == pid and path[-1] == target
            edges = list(zip(path, path[1:], strict=False))
            assert sum(digraph[u][v]["weight"] for u, v in edges) == pytest.approx(minutes, rel=0, abs=1e-9)
            assert reach.km_from(pid) == pytest.approx(sum(digraph[u][v]["km"] for u, v in edges), rel=1e-12)

        origin = Point(*places[ids.index(target)][1:], place_id=target)
        candidates = [Candidate(pid, lat, lon, pid) for pid, lat, lon in places]
        for r in rank(graph, origin, candidates):
            if r.key in want:
                assert r.route == routing.ROAD and r.travel_minutes == pytest.approx(want[r.key], rel=0, abs=1e-9)
            else:
                assert r.route == routing.GREAT_CIRCLE


def test_a_team_next_door_goes_straight_not_round_by_the_seat():
    """The incident lies 20 km north of the only place (a county seat); a team 1.7 km from the incident is not routed
    down to the seat and back (2 x ~20 km at 40 km/h = ~60 min): the straight line, 1.7 km, takes ~2.6 min."""
    graph = routing.RoadGraph([(1, 29.0, 91.0), (2, 29.0, 92.0)], [routing.Segment(1, 2, 100, 50)], D(2026, 7, 1))
    incident = routing.Point(29.18, 91.0)
    next_door = routing.Candidate("next_door", 29.195, 91.0)
    at_seat = routing.Candidate("at_seat", 29.0, 91.0, 1)
    first, second = routing.rank(graph, incident, [at_seat, next_door])
    assert first.key == "next_door" and first.route == "great_circle"
    assert first.distance_km == pytest.approx(rules.great_circle_km(29.195, 91.0, 29.18, 91.0))
    assert first.travel_minutes == pytest.approx(first.distance_km / 40 * 60)
    assert second.key == "at_seat" and second.route == "road"  # 20 km to the seat, on the network's node
