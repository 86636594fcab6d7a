"""make bench: nearest-help ranking for an incident on a road graph of the Tibet plateau's size, on PostgreSQL.

Builds its own database (`<db>_bench_emergency`, recreated each run; `migrate` first, so the roles exist) and in it:
the region's bureau (540000) and a commander of it; a road network of BENCH_PLACES places (default 20,000) spread at
random over the plateau's extent (lat 27-36.5, lon 78-99) and BENCH_SEGMENTS segments (default 60,000) between near
neighbours: a spanning tree of the places' Delaunay triangulation (so the network is connected), then the shortest
of the other Delaunay and 8-nearest-neighbour pairs; each segment's length is its great-circle distance x 1.1-1.6,
its speed 30-80 km/h, ~3 % of them with a winter closure (from 10-15 ... 12-01 to 03-31 ... 05-15; most cover today),
~5 % one-way. The network is loaded with COPY; then the whole of it is imported again through
services.network_import as an administrator does (the two tables, every row checked; places and segments replaced,
the helpers' links to places re-made by code), and that import is timed. BENCH_HELPERS helpers (default 10,000:
60 % rescue teams, 40 % depots with 1-3 items) kept by the bureau, each based at a random place (its place set, its
coordinates the place's; ~4 % of the teams off duty, ~2 % unavailable, ~3 % limited): the first 100 of each kind
through services.team_save / depot_save (timed per call), the rest with bulk_create (no audit entries). BENCH_QUERIES
incidents (default 200) at random points of the extent, opened through services.incident_open.

a. services.rank_help(commander, incident, "team" | "depot", limit=20) for every incident, the graph cache warm:
   median and p99 ms and the queries of one call (CaptureQueriesContext). The graph's build (network.graph_for after
   network.forget, median of 3; and apart: reading the rows, routing.RoadGraph) and the cold first call (which builds
   it) apart.
b. The same work by hand with networkx: a DiGraph built once from the same rows (minutes = length / speed, the
   segments closed today left out, reversed so that one Dijkstra from the incident gives every place's minutes to
   it); per call the incident snapped to its nearest place within the snap radius (a numpy haversine over all
   places), nx.single_source_dijkstra_path_length from it, the helpers read with one raw SQL query (id, lat, lon,
   place_id; the same filters as rank_help), their minutes (access legs at the off-road speed plus the road's; the
   great circle at that speed where no road leads), sorted, the first 20: median and p99, and the ratio a/b.
c. The routing alone, in process: routing.rank on the prebuilt graph and a prebuilt list of candidates against the
   networkx part of b alone (the helper rows read beforehand): median, p99, ratio.
d. The answers checked: for every incident and both kinds, the minutes rank_help gives each of its 20 equal
   networkx's for that helper, and its 20 minutes networkx's 20 best, within 0.05 min (rank_help rounds to 0.1), and
   routing.rank of c gives rank_help's 20 ids: "rankings agree", or the run stops naming the difference.
e. As a worker process serves it: the networkx graph dropped and the heap no longer frozen (see below), rank_help
   for teams again, alternating with GET /api/v1/incidents/{id}/nearest?kind=team as a client sees it
   (django.test.Client in process, a bearer token of the commander): median, p99, the queries of one request, and
   whether the endpoint answers rank_help's 20 ids. The endpoint's part is skipped with a note while the platform
   has no such endpoint.

The calls of a and b (and those of c) alternate, incident by incident, so that whatever else the machine does falls
on both. For a to c the heap is frozen (gc.freeze, after set-up): else every full collection during them, on either
side, would also scan the networkx graph's ~190,000 objects, which the platform's processes do not hold (~0.1 s a
time). The full collections that run during the timed calls are counted and printed for every part; e shows what
they cost a worker's heap. The load average of the machine is printed at the start and the end.
"""

import datetime as dt
import gc
import math
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import dj_database_url
import networkx as nx
import numpy as np
import psycopg
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import minimum_spanning_tree
from scipy.spatial import Delaunay, cKDTree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PLACES = int(os.environ.get("BENCH_PLACES", "20000"))
SEGMENTS = int(os.environ.get("BENCH_SEGMENTS", "60000"))
HELPERS = int(os.environ.get("BENCH_HELPERS", "10000"))
QUERIES = int(os.environ.get("BENCH_QUERIES", "200"))
SECRET = "bench-only-not-a-secret"
LAT, LON = (27.0, 36.5), (78.0, 99.0)
EARTH_RADIUS_KM = 6371.0088
THROUGH_SERVICES = 100  # helpers of each kind saved through team_save / depot_save
LIMIT = 20
TOLERANCE = 0.05 + 1e-6  # rank_help rounds to 0.1 min
KINDS = ("team", "depot")
CLOSE_FROM, CLOSE_TO = ("10-15", "11-01", "11-15", "12-01"), ("03-31", "04-15", "05-15")
TEAM_KINDS = ("mine_rescue", "hazchem", "fire_rescue", "medical", "road_rescue", "general")
ITEMS = (("帐篷", "顶"), ("棉被", "床"), ("发电机", "台"), ("救生衣", "件"), ("破拆工具", "套"), ("氧气瓶", "个"))
app = SimpleNamespace()  # the project's modules, once set_up_django() has run

# The helpers as rank_help sees them (teams_visible_to / depots_visible_to of a bureau, minus the teams committed to
# an incident, off duty or unavailable), in one query.
HAND_HELPERS = {
    "team": """
SELECT t.id, t.lat, t.lon, t.place_id FROM emergency_rescueteam t
WHERE t.division_code LIKE %(prefix)s AND t.on_duty AND t.readiness <> 'unavailable'
  AND NOT EXISTS (SELECT 1 FROM emergency_dispatch d WHERE d.team_id = t.id AND d.status <> 'released')""",
    "depot": "SELECT d.id, d.lat, d.lon, d.place_id FROM emergency_depot d WHERE d.division_code LIKE %(prefix)s",
}


def bench_database_url() -> str:
    """The bench's own database beside DATABASE_URL's: dropped and created afresh."""
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/anjian")
    config = dj_database_url.parse(url)
    name = config["NAME"] + "_bench_emergency"
    admin = f"host={config['HOST'] or '127.0.0.1'} port={config['PORT'] or 5432} user={config['USER']} dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name


def haversine(lat1, lon1, lat2, lon2):
    """Great-circle km (haversine on the mean radius), written out here; numpy arrays broadcast."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(np.radians(np.subtract(lon2, lon1)) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def ms(seconds: float) -> str:
    return (
        f"{seconds * 1000:.0f}"
        if seconds >= 0.1
        else f"{seconds * 1000:.1f}"
        if seconds >= 0.001
        else f"{seconds * 1000:.2f}"
    )


def p99(values: list) -> float:
    return statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]


def spread(values: list) -> str:
    return f"median {ms(statistics.median(values))} ms, p99 {ms(p99(values))} ms"


# ------------------------------------------------------------------ data
def make_network(count: int, segments: int, seed: int) -> tuple[list, list]:
    """Places [code, name, lat, lon, division_code] and segments [from, to, length_km, speed_kmh, two_way,
    closed_from, closed_to, name] as the import's tables hold them (text), for COPY and network_import alike."""
    if segments < count - 1:
        raise SystemExit(f"BENCH_SEGMENTS={segments}: a connected network of {count} places needs {count - 1}")
    rng = np.random.default_rng(seed)
    lat, lon = np.round(rng.uniform(*LAT, count), 6), np.round(rng.uniform(*LON, count), 6)
    xy = np.column_stack((lon * math.cos(math.radians(sum(LAT) / 2)), lat))  # near enough to keep neighbours near
    simplices = Delaunay(xy).simplices
    pairs = [simplices[:, [0, 1]], simplices[:, [1, 2]], simplices[:, [0, 2]]]
    _, near = cKDTree(xy).query(xy, k=9)
    pairs.append(np.column_stack((np.repeat(np.arange(count), 8), near[:, 1:].ravel())))
    pairs = np.unique(np.sort(np.vstack(pairs), axis=1), axis=0)
    length = haversine(lat[pairs[:, 0]], lon[pairs[:, 0]], lat[pairs[:, 1]], lon[pairs[:, 1]])
    tree = minimum_spanning_tree(coo_matrix((length, (pairs[:, 0], pairs[:, 1])), shape=(count, count)).tocsr())
    tree = tree.tocoo()
    spanning = set(zip(np.minimum(tree.row, tree.col).tolist(), np.maximum(tree.row, tree.col).tolist(), strict=True))
    if len(spanning) != count - 1:
        raise SystemExit("the generated network is not connected")
    others = [i for i in np.argsort(length, kind="stable").tolist() if (int(pairs[i, 0]), int(pairs[i, 1])) not in spanning]  # fmt: skip
    extra = segments - (count - 1)
    if extra > len(others):
        raise SystemExit(f"BENCH_SEGMENTS={segments}: at most {count - 1 + len(others)} near-neighbour pairs here")
    chosen = [(a, b) for a, b in spanning] + [(int(pairs[i, 0]), int(pairs[i, 1])) for i in others[:extra]]
    chosen.sort()
    places = [[f"P{i:05d}", f"地点{i}", f"{lat[i]:.6f}", f"{lon[i]:.6f}", "540000"] for i in range(count)]
    rows = []
    for n, (a, b) in enumerate(chosen):
        if rng.random() < 0.5:
            a, b = b, a  # one-way roads run either way
        road_km = max(0.01, round(float(haversine(lat[a], lon[a], lat[b], lon[b])) * rng.uniform(1.1, 1.6), 2))
        closure = (rng.choice(CLOSE_FROM), rng.choice(CLOSE_TO)) if rng.random() < 0.03 else ("", "")
        two_way = "0" if rng.random() < 0.05 else "1"
        rows.append([f"P{a:05d}", f"P{b:05d}", f"{road_km:.2f}", str(int(rng.integers(30, 81))), two_way, *closure, f"R{n}"])  # fmt: skip
    return places, rows


def copy_network(connection, places: list, segments: list) -> dict:
    """COPY the places and segments; their ids by code."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        with cursor.copy("COPY emergency_place (code, name, lat, lon, division_code, approximate) FROM STDIN") as copy:
            for code, name, lat, lon, division in places:
                copy.write_row((code, name, float(lat), float(lon), division, False))
        cursor.execute("SELECT code, id FROM emergency_place")
        ids = dict(cursor.fetchall())
        columns = "from_place_id, to_place_id, length_km, speed_kmh, two_way, closed_from, closed_to, name, approximate"
        with cursor.copy(f"COPY emergency_roadsegment ({columns}) FROM STDIN") as copy:
            for a, b, length, speed, two_way, closed_from, closed_to, name in segments:
                copy.write_row((ids[a], ids[b], float(length), float(speed), two_way == "1", closed_from, closed_to, name, False))  # fmt: skip
    return ids


def make_commander():
    """The region's bureau and a commander of it (the role from emergency's 0002_roles migration)."""
    from django.contrib.auth.models import Group

    from anjian.core.models import Organisation, OrganisationKind, Person

    bureau = Organisation.objects.create(
        kind=OrganisationKind.BUREAU, name_zh="西藏自治区应急管理厅", division_id="540000"
    )
    commander = Person.objects.create(
        username="xizang-commander", full_name="指挥长", organisation=bureau, password="!"
    )
    commander.groups.set(Group.objects.filter(name="commander"))
    assert commander.has_perm("emergency.command_incidents") and commander.has_perm("emergency.manage_emergency")
    return bureau, commander


class Counties:
    """The nearest Tibetan county of a point, by the division list's coordinates."""

    def __init__(self):
        rows = list(app.Division.objects.filter(code__startswith="54", level="county", lat__isnull=False).values_list("code", "lat", "lon"))  # fmt: skip
        self.codes = [r[0] for r in rows]
        self.lat, self.lon = np.array([float(r[1]) for r in rows]), np.array([float(r[2]) for r in rows])

    def of(self, lat: float, lon: float) -> str:
        return self.codes[int(np.argmin(haversine(self.lat, self.lon, lat, lon)))]


def make_helpers(bureau, commander, places: list, ids: dict, rng: random.Random) -> tuple[int, int, float, float]:
    """Teams and depots at random places: the first THROUGH_SERVICES of each kind through the services, the rest with
    bulk_create. Returns the counts and the mean seconds of one team_save and one depot_save."""
    from anjian.emergency.models import Depot, DepotItem, RescueTeam

    services, counties = app.services, Counties()
    teams = round(HELPERS * 0.6)
    depots = HELPERS - teams

    def located(n: int) -> dict:
        code, _, lat, lon, _ = places[rng.randrange(len(places))]
        lat, lon = float(lat), float(lon)
        return {"name": f"救援队{n}", "division_code": counties.of(lat, lon), "lat": lat, "lon": lon, "place": code,
                "contact_name": "值班员", "phone": f"0891-{6000000 + n}"}  # fmt: skip

    def team_data(n: int) -> dict:
        r = rng.random()
        return located(n) | {
            "kind": rng.choice(TEAM_KINDS), "base": f"基地{n}", "members": rng.randint(8, 60), "professional": rng.random() < 0.7,
            "readiness": "unavailable" if r < 0.02 else "limited" if r < 0.05 else "ready", "on_duty": rng.random() >= 0.04,
        }  # fmt: skip

    def depot_data(n: int) -> dict:
        items = [{"item": name, "quantity": rng.randint(1, 500), "unit": unit} for name, unit in rng.sample(ITEMS, rng.randint(1, 3))]  # fmt: skip
        return located(n) | {"name": f"物资储备库{n}", "address": f"储备库路{n}号", "items": items}

    started = time.perf_counter()
    for n in range(min(THROUGH_SERVICES, teams)):
        services.team_save(commander, team_data(n))
    team_seconds = (time.perf_counter() - started) / max(1, min(THROUGH_SERVICES, teams))
    started = time.perf_counter()
    for n in range(min(THROUGH_SERVICES, depots)):
        services.depot_save(commander, depot_data(n))
    depot_seconds = (time.perf_counter() - started) / max(1, min(THROUGH_SERVICES, depots))

    def fields(data: dict) -> dict:
        place = data.pop("place")
        return data | {"organisation": bureau, "place_id": ids[place]}

    batch = [RescueTeam(**fields(team_data(n))) for n in range(THROUGH_SERVICES, teams)]
    RescueTeam.objects.bulk_create(batch, batch_size=2000)
    stores, items = [], []
    for n in range(THROUGH_SERVICES, depots):
        data = fields(depot_data(n))
        stores.append(Depot(**{k: v for k, v in data.items() if k != "items"}))
        items.append(data["items"])
    Depot.objects.bulk_create(stores, batch_size=2000)
    DepotItem.objects.bulk_create(
        (DepotItem(depot=depot, item=i["item"], quantity=i["quantity"], unit=i["unit"]) for depot, its in zip(stores, items, strict=True) for i in its),
        batch_size=5000,
    )  # fmt: skip
    return teams, depots, team_seconds, depot_seconds


def open_incidents(commander, count: int, rng: random.Random) -> tuple[list, float]:
    """Incidents at random points of the extent, through services.incident_open."""
    services, counties, now = app.services, Counties(), app.timezone.now()
    kinds = ("mine", "hazchem", "fire", "traffic", "construction", "natural", "other")
    incidents, started = [], time.perf_counter()
    for n in range(count):
        lat, lon = round(rng.uniform(*LAT), 6), round(rng.uniform(*LON), 6)
        incident, created = services.incident_open(
            commander, title=f"突发事件{n}", kind=rng.choice(kinds), place=f"事发地{n}", lat=lat, lon=lon,
            occurred_at=now - dt.timedelta(minutes=rng.randint(5, 600)), division_code=counties.of(lat, lon),
            injured=rng.randint(0, 5), trapped=rng.randint(0, 3),
        )  # fmt: skip
        assert created
        incidents.append(incident)
    return incidents, (time.perf_counter() - started) / max(1, count)


# ------------------------------------------------------------------ by hand
class ByHand:
    """networkx and one raw SQL query: the plain way to the same ranking."""

    def __init__(self, hand, day: dt.date, fallback_kmh: float, snap_km: float):
        self.hand, self.fallback_kmh, self.snap_km = hand, fallback_kmh, snap_km
        started = time.perf_counter()
        places = hand.execute("SELECT id, lat, lon FROM emergency_place ORDER BY id").fetchall()
        segments = hand.execute(
            "SELECT from_place_id, to_place_id, length_km, speed_kmh, two_way, closed_from, closed_to FROM emergency_roadsegment"
        ).fetchall()  # fmt: skip
        today, graph, self.closed = f"{day:%m-%d}", nx.DiGraph(), 0
        graph.add_nodes_from(p[0] for p in places)
        for a, b, length, speed, two_way, closed_from, closed_to in segments:
            if closed_from and closed_to:
                closed = closed_from <= today <= closed_to if closed_from <= closed_to else not closed_to < today < closed_from  # fmt: skip
                if closed:
                    self.closed += 1
                    continue
            minutes = length / speed * 60
            for tail, head in ((b, a), (a, b)) if two_way else ((b, a),):  # reversed: help drives a → b
                known = graph.get_edge_data(tail, head)
                if known is None or minutes < known["minutes"]:
                    graph.add_edge(tail, head, minutes=minutes)
        self.graph = graph
        self.ids = np.array([p[0] for p in places])
        self.lat, self.lon = np.array([p[1] for p in places]), np.array([p[2] for p in places])
        self.where = {p[0]: (p[1], p[2]) for p in places}
        self.build_seconds = time.perf_counter() - started

    def helpers(self, kind: str) -> list:
        return self.hand.execute(HAND_HELPERS[kind], {"prefix": "54%"}).fetchall()

    def rank(self, lat: float, lon: float, rows: list) -> tuple[list, list]:
        """The first LIMIT (minutes, id), and all of them."""
        distances = haversine(self.lat, self.lon, lat, lon)
        nearest = int(np.argmin(distances))
        reach, access = {}, float(distances[nearest])
        if access <= self.snap_km:
            node = int(self.ids[nearest])
            reach = nx.single_source_dijkstra_path_length(self.graph, node, weight="minutes")
        where, per_minute = self.where, self.fallback_kmh / 60
        out = []
        for helper, helper_lat, helper_lon, place in rows:
            road = reach.get(place)
            if road is None:
                out.append((km(helper_lat, helper_lon, lat, lon) / per_minute, helper))
            else:
                place_lat, place_lon = where[place]
                out.append(((access + km(helper_lat, helper_lon, place_lat, place_lon)) / per_minute + road, helper))
        out.sort()
        return out[:LIMIT], out

    def __call__(self, incident, kind: str) -> tuple[list, list]:
        return self.rank(incident.lat, incident.lon, self.helpers(kind))


def check(incident, kind: str, platform: list, hand_all: list, routed: list | None = None) -> None:
    """rank_help's 20 against networkx's minutes (and routing.rank's ids): stop the run on a difference."""
    minutes = {helper: m for m, helper in hand_all}
    problems = []
    for row in platform:
        if row["id"] not in minutes:
            problems.append(f"{kind} {row['id']} is not among networkx's helpers")
        elif abs(row["travel_minutes"] - minutes[row["id"]]) > TOLERANCE:
            problems.append(f"{kind} {row['id']}: rank_help {row['travel_minutes']} min, networkx {minutes[row['id']]:.4f}")  # fmt: skip
    best = hand_all[:LIMIT]
    if len(best) != len(platform):
        problems.append(f"{len(platform)} {kind}s from rank_help, {len(best)} from networkx")
    for place, (row, (m, helper)) in enumerate(zip(platform, best, strict=False), start=1):
        if abs(row["travel_minutes"] - m) > TOLERANCE:
            problems.append(f"no. {place}: rank_help {row['id']} at {row['travel_minutes']} min, networkx {helper} at {m:.4f}")  # fmt: skip
    if routed is not None and [r.key for r in routed] != [row["id"] for row in platform]:
        problems.append(f"routing.rank {[r.key for r in routed]} against rank_help {[row['id'] for row in platform]}")
    if problems:
        print(f"  incident {incident.pk} ({incident.lat}, {incident.lon}), {kind}s:")
        for problem in problems[:10]:
            print(f"    {problem}")
        raise SystemExit("rankings differ between rank_help and networkx")


class Collections:
    """The full collections of the heap (generation 2) from now on, and their seconds (gc.callbacks)."""

    def __init__(self):
        self.count, self.seconds, self._started = 0, 0.0, 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.seconds += time.perf_counter() - self._started

    def since(self, mark: tuple) -> str:
        return f"{self.count - mark[0]} full collections of the heap during these calls, {(self.seconds - mark[1]) * 1000:.0f} ms in all"

    def mark(self) -> tuple:
        return self.count, self.seconds


# ------------------------------------------------------------------ bench
def set_up_django() -> None:
    os.environ["DATABASE_URL"] = bench_database_url()
    os.environ.setdefault("SECRET_KEY", SECRET)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.utils import timezone

    from anjian.core.models import Division
    from anjian.emergency import network, routing, services
    from anjian.emergency.selectors import HELP_QUERIES

    app.__dict__.update(
        timezone=timezone, Division=Division, network=network, routing=routing, services=services, HELP_QUERIES=HELP_QUERIES
    )  # fmt: skip


def measure_served(commander, incidents: list, platform: dict, collections: "Collections") -> dict:
    """e. As a worker process serves it: the heap not frozen, no networkx graph in it. rank_help for teams and
    GET /api/v1/incidents/{id}/nearest?kind=team (django.test.Client, a bearer token), alternating."""
    from django.db import connection
    from django.test import Client
    from django.urls import Resolver404, resolve

    from anjian.core.services import token_create

    services, out = app.services, {}
    path = f"/api/v1/incidents/{incidents[0].pk}/nearest"
    try:
        resolve(path)
    except Resolver404:
        print("e. GET /api/v1/incidents/{id}/nearest?kind=team: skipped, the platform has no such endpoint yet")
        path = None
    if path:
        key = token_create(commander, name="bench", days=1)[1]
        client, headers = Client(), {"Authorization": f"Bearer {key}", "Accept-Language": "zh-hans"}
        warm = client.get(path, {"kind": "team"}, headers=headers)  # the first request pays for the API's first use
        assert warm.status_code == 200, warm.content
        executed = []  # (a request's start resets connection.queries: CaptureQueriesContext would miss them)
        with connection.execute_wrapper(lambda execute, sql, params, many, context: executed.append(sql) or execute(sql, params, many, context)):  # fmt: skip
            client.get(path, {"kind": "team"}, headers=headers)
    gc.collect()
    started = time.perf_counter()
    gc.collect()
    full = time.perf_counter() - started
    direct, served, differ, mark = [], [], 0, collections.mark()
    for incident in incidents:
        started = time.perf_counter()
        rows = services.rank_help(commander, incident, "team", limit=LIMIT)
        direct.append(time.perf_counter() - started)
        if [row["id"] for row in rows] != platform[incident.pk]:
            raise SystemExit(f"incident {incident.pk}: rank_help's teams changed between a and e")
        if path:
            started = time.perf_counter()
            response = client.get(f"/api/v1/incidents/{incident.pk}/nearest", {"kind": "team"}, headers=headers)
            served.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"GET nearest: {response.status_code} {response.content[:500]!r}")
            differ += [row["id"] for row in response.json()][:LIMIT] != platform[incident.pk]
    out["direct"] = direct
    print(f"e. as a worker serves it (heap not frozen, no networkx graph; {len(gc.get_objects()):,} objects tracked, a "
          f"full collection {ms(full)} ms): rank_help team {spread(direct)}")  # fmt: skip
    if path:
        out["served"] = served
        print(f"   GET /api/v1/incidents/{{id}}/nearest?kind=team (django.test.Client, bearer token): {spread(served)}, "
              f"{len(executed)} queries; the ids differ from rank_help's 20 for {differ} of {len(incidents)} incidents")  # fmt: skip
    print(f"  e: {collections.since(mark)}")
    return out


def main() -> None:
    set_up_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anjian.core.services import division_load_file
    from anjian.emergency.models import Depot, RescueTeam

    network, routing, services, timezone = app.network, app.routing, app.services, app.timezone
    begun = started = time.perf_counter()
    load = os.getloadavg()
    call_command("migrate", verbosity=0)
    division_load_file()
    bureau, commander = make_commander()
    print(f"migrated, divisions loaded in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    places, segments = make_network(PLACES, SEGMENTS, 2026)
    print(f"generated {len(places)} places and {len(segments)} segments in {time.perf_counter() - started:.1f} s "
          f"({sum(s[4] == '0' for s in segments)} one-way, {sum(bool(s[5]) for s in segments)} with a winter closure)")  # fmt: skip
    started = time.perf_counter()
    ids = copy_network(connection, places, segments)
    print(f"  loaded with COPY in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    rng = random.Random(7)
    teams, depots, team_seconds, depot_seconds = make_helpers(bureau, commander, places, ids, rng)
    print(f"{teams} rescue teams and {depots} depots kept by the region's bureau, at random places, in "
          f"{time.perf_counter() - started:.1f} s: {THROUGH_SERVICES} of each through the services (team_save "
          f"{ms(team_seconds)} ms, depot_save {ms(depot_seconds)} ms a call), the rest with bulk_create")  # fmt: skip

    header_places = ["code", "name", "lat", "lon", "division_code"]
    header_segments = ["from", "to", "length_km", "speed_kmh", "two_way", "closed_from", "closed_to", "name"]
    started = time.perf_counter()
    head, imported_places, imported_segments = services.network_import(
        commander, [header_places, *places], [header_segments, *segments], approximate=False, source="bench"
    )
    import_seconds = time.perf_counter() - started
    linked = sum(model.objects.filter(place__isnull=False).count() for model in (RescueTeam, Depot))
    print(f"services.network_import of the whole network as two tables: {import_seconds:.1f} s ({imported_places} "
          f"places, {imported_segments} segments, version {head.version}; {linked} of {teams + depots} helpers re-linked to their place by code)")  # fmt: skip
    if linked != teams + depots:
        raise SystemExit("network_import lost helpers' links to their places")
    del places, segments, ids  # the tables: not what a worker holds (e)

    incidents, open_seconds = open_incidents(commander, QUERIES, rng)
    print(f"{len(incidents)} incidents opened through services.incident_open ({ms(open_seconds)} ms a call)")
    with connection.cursor() as cursor:  # as autovacuum leaves tables in production: analysed, visibility map set
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    print(f"set up in {time.perf_counter() - begun:.0f} s")

    day = timezone.localdate()
    # a. cold: the first call builds the graph; then the build alone
    network.forget()
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        services.rank_help(commander, incidents[0], "team", limit=LIMIT)
        cold = time.perf_counter() - started
    cold_queries = len(captured)
    builds, reads, constructs = [], [], []
    for _ in range(3):  # medians of three
        network.forget()
        started = time.perf_counter()
        graph = network.graph_for(day)
        builds.append(time.perf_counter() - started)
        started = time.perf_counter()
        place_rows = list(network.Place.objects.values_list("id", "lat", "lon"))
        segment_rows = list(network._segments())
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        routing.RoadGraph(place_rows, segment_rows, day)
        constructs.append(time.perf_counter() - started)
        del place_rows, segment_rows
    build, read, construct = statistics.median(builds), statistics.median(reads), statistics.median(constructs)
    print(f"graph: {len(graph)} places, {graph.minutes.nnz} directed edges, {graph.closed_segments} segments closed "
          f"today ({day}); network.graph_for builds it in {build:.2f} s (median of 3; apart: reading the rows {read:.2f} s, "
          f"routing.RoadGraph {construct:.2f} s); the cold first rank_help call {cold:.2f} s, {cold_queries} queries")  # fmt: skip

    hand = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
    by_hand = ByHand(hand, day, network.fallback_kmh(), network.snap_km())
    print(f"networkx DiGraph built from the same rows in {by_hand.build_seconds:.2f} s: {by_hand.graph.number_of_nodes()} "
          f"nodes, {by_hand.graph.number_of_edges()} edges, {by_hand.closed} segments closed today")  # fmt: skip
    if by_hand.graph.number_of_edges() != graph.minutes.nnz or by_hand.closed != graph.closed_segments:
        raise SystemExit("the networkx graph and the platform's differ in edges or closures")

    gc.collect()
    gc.freeze()  # see the docstring
    collections = Collections()

    # a and b, alternating
    mark = collections.mark()
    times = {(who, kind): [] for who in ("a", "b") for kind in KINDS}
    queries = {kind: [] for kind in KINDS}
    platform_teams = {}
    for incident in incidents:
        for kind in KINDS:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                platform = services.rank_help(commander, incident, kind, limit=LIMIT)
                times["a", kind].append(time.perf_counter() - started)
            queries[kind].append(len(captured))
            started = time.perf_counter()
            _, hand_all = by_hand(incident, kind)
            times["b", kind].append(time.perf_counter() - started)
            check(incident, kind, platform, hand_all)
            if kind == "team":
                platform_teams[incident.pk] = [row["id"] for row in platform]
    if network.graph_for() is not graph:
        print(f"  note: the graph was rebuilt during the run (the day turned from {day} in Asia/Shanghai)")
    ab_collections = collections.since(mark)
    ratio = {}
    for kind in KINDS:
        a, b = times["a", kind], times["b", kind]
        ratio[kind] = statistics.median(a) / statistics.median(b)
        print(f"a. rank_help {kind}, warm graph: {spread(a)}, {statistics.median(queries[kind]):.0f} queries a call "
              f"({min(queries[kind])}-{max(queries[kind])})")  # fmt: skip
        print(f"b. networkx by hand, {kind}: {spread(b)} (1 query); ratio a/b median {ratio[kind]:.2f}, p99 {p99(a) / p99(b):.2f}")  # fmt: skip
    print(f"  a and b: {ab_collections}")

    # c. the routing alone, no database
    candidates, rows = {}, {}
    for kind in KINDS:
        rows[kind] = by_hand.helpers(kind)
        candidates[kind] = [routing.Candidate(i, lat, lon, place) for i, lat, lon, place in rows[kind]]
    core = {(who, kind): [] for who in ("a", "b") for kind in KINDS}
    mark = collections.mark()
    for incident in incidents:
        origin = services.origin_of(incident)
        for kind in KINDS:
            started = time.perf_counter()
            routed = routing.rank(graph, origin, candidates[kind], fallback_kmh=network.fallback_kmh(), snap_km=network.snap_km(), limit=LIMIT)  # fmt: skip
            core["a", kind].append(time.perf_counter() - started)
            started = time.perf_counter()
            _, hand_all = by_hand.rank(incident.lat, incident.lon, rows[kind])
            core["b", kind].append(time.perf_counter() - started)
            platform = [{"id": r.key, "travel_minutes": round(r.travel_minutes, 1)} for r in routed]
            check(incident, kind, platform, hand_all, None)
            if kind == "team" and [r.key for r in routed] != platform_teams[incident.pk]:
                raise SystemExit(f"incident {incident.pk}: routing.rank's teams differ from rank_help's")
    c_collections = collections.since(mark)
    core_ratio = {}
    for kind in KINDS:
        a, b = core["a", kind], core["b", kind]
        core_ratio[kind] = statistics.median(a) / statistics.median(b)
        print(f"c. in process, {kind}s ({len(candidates[kind])} candidates): routing.rank {spread(a)}; networkx "
              f"{spread(b)}; ratio median {core_ratio[kind]:.2f}, p99 {p99(a) / p99(b):.2f}")  # fmt: skip
    print(f"  c: {c_collections}")
    print(f"d. rankings agree: {len(incidents)} incidents x {len(KINDS)} kinds, the first {LIMIT} of rank_help and "
          f"routing.rank against networkx within {TOLERANCE:.2f} min")  # fmt: skip
    hand.close()

    del by_hand, rows, candidates
    gc.unfreeze()
    served = measure_served(commander, incidents, platform_teams, collections)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    a_team, a_depot = times["a", "team"], times["a", "depot"]
    direct = served["direct"]
    api_text = f"rank_help team unfrozen p50 {ms(statistics.median(direct))} ms, p99 {ms(p99(direct))} ms; " + (
        f"API p50 {ms(statistics.median(served['served']))} ms, p99 {ms(p99(served['served']))} ms"
        if "served" in served
        else "API skipped (no endpoint)"
    )
    print(f"summary: {PLACES} places, {SEGMENTS} segments, {teams} teams + {depots} depots, {len(incidents)} incidents: "
          f"rank_help team p50 {ms(statistics.median(a_team))} ms, p99 {ms(p99(a_team))} ms (ratio to networkx by hand "
          f"{ratio['team']:.2f}), depot p50 {ms(statistics.median(a_depot))} ms, p99 {ms(p99(a_depot))} ms (ratio {ratio['depot']:.2f}); "
          f"routing alone team {ms(statistics.median(core['a', 'team']))} ms vs networkx {ms(statistics.median(core['b', 'team']))} ms (ratio {core_ratio['team']:.2f}); "
          f"graph build {build:.1f} s, cold first call {cold:.1f} s; network_import {import_seconds:.0f} s; {api_text}; "
          f"rankings agree; run {time.perf_counter() - begun:.0f} s; peak RSS of the bench {peak:.0f} MiB; load average "
          f"{load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end (2 cores: {os.cpu_count()})")  # fmt: skip


if __name__ == "__main__":
    main()
