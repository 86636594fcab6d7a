"""The server-drawn incident map: well-formed SVG, a north-up projection true to the kilometre (cos-latitude scaled,
the scale bar right within 2 %), findable markers, dashed great-circle routes, escaped text, no division by zero."""

import math
import re
import xml.etree.ElementTree as ET

import pytest

from anjian.emergency import maps
from anjian.emergency.maps import LEGEND_KEYS, MapPoint, MapRoute, great_circle_points, incident_map
from anjian.emergency.rules import great_circle_km

NS = "{http://www.w3.org/2000/svg}"
NASTY = "A <b>&\"' {x} B"
LHASA = MapPoint(29.65, 91.13, "拉萨市", "540100")
SHIGATSE = MapPoint(29.27, 88.88, "日喀则市", "540200")
NAGQU = MapPoint(31.48, 92.05, "那曲市", "540600")


def parse(svg: str) -> ET.Element:
    assert isinstance(svg, str) and svg.startswith("<svg")
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == f"{NS}svg"
    return root


def markers(root: ET.Element, kind: str | None = None) -> list[ET.Element]:
    return [e for e in root.iter() if e.get("class") == "marker" and kind in (None, e.get("data-kind"))]


def centre(element: ET.Element) -> tuple[float, float]:
    if element.tag == f"{NS}circle":
        return float(element.get("cx")), float(element.get("cy"))
    pairs = [tuple(map(float, p.split(","))) for p in element.get("points").split()]
    return sum(p[0] for p in pairs) / len(pairs), sum(p[1] for p in pairs) / len(pairs)


def by_key(root: ET.Element, key: str) -> tuple[float, float]:
    (element,) = [e for e in markers(root) if e.get("data-key") == key]
    return centre(element)


def scale_bar(root: ET.Element) -> tuple[float, float]:
    """(km, px) of the scale bar."""
    (bar,) = [g for g in root.iter(f"{NS}g") if g.get("class") == "scale-bar"]
    line = next(e for e in bar.iter(f"{NS}line") if e.get("y1") == e.get("y2"))
    return float(bar.get("data-km")), float(line.get("x2")) - float(line.get("x1"))


def full_map(**changes) -> str:
    arguments = {
        "title": "墨竹工卡县危化品泄漏",
        "seats": [LHASA, SHIGATSE, NAGQU],
        "roads": [((29.65, 91.13), (29.83, 91.73)), ((29.65, 91.13), (29.27, 88.88))],
        "incident": MapPoint(29.83, 91.73, "泄漏点", "incident-7"),
        "teams": [MapPoint(29.66, 91.14, "拉萨消防救援支队", "team-1"), MapPoint(29.3, 88.9, "日喀则救援队", "team-2")],
        "depots": [MapPoint(29.7, 91.2, "自治区物资库", "depot-1")],
        "experts": [MapPoint(29.64, 91.1, "扎西 (化工)", "expert-3")],
        "routes": [
            MapRoute(((29.66, 91.14), (29.75, 91.45), (29.83, 91.73)), "68 km · 62 min"),
            MapRoute(((29.3, 88.9), (29.83, 91.73)), "279 km", great_circle=True),
        ],
        "legend": {key: f"label-{key}" for key in LEGEND_KEYS},
        "note": "路网为近似",
    }
    return incident_map(**(arguments | changes))


def test_the_map_is_one_accessible_svg():
    root = parse(full_map())
    assert root.get("role") == "img" and root.get("aria-label") == "墨竹工卡县危化品泄漏"
    assert root.find(f"{NS}title").text == "墨竹工卡县危化品泄漏"
    assert root.get("viewBox") == "0 0 720 520"
    assert "Noto Sans CJK SC" in root.get("font-family")
    assert full_map() == full_map()  # deterministic
    assert all(re.fullmatch(r"-?\d+(\.\d)?", n) for n in _numbers(full_map()))  # rounded like the charts


def _numbers(svg: str) -> list[str]:
    root = parse(svg)
    found = []
    for e in root.iter():
        for attr in ("x", "y", "cx", "cy", "x1", "y1", "x2", "y2"):
            if e.get(attr) is not None:
                found.append(e.get(attr))
        for attr in ("points",):
            if e.get(attr):
                found += [v for p in e.get(attr).split() for v in p.split(",")]
    return found


def test_north_is_up_and_east_is_right():
    root = parse(full_map(experts=[MapPoint(30, 91, key="a"), MapPoint(31, 91, key="n"), MapPoint(30, 92, key="e")]))
    (ax, ay), (nx, ny), (ex, ey) = by_key(root, "a"), by_key(root, "n"), by_key(root, "e")
    assert ny < ay and nx == pytest.approx(ax, abs=0.1)
    assert ex > ax and ey == pytest.approx(ay, abs=0.1)


def test_a_degree_of_longitude_is_narrower_than_a_degree_of_latitude_by_cos_latitude():
    points = [MapPoint(30, 91, key="a"), MapPoint(31, 91, key="n"), MapPoint(30, 92, key="e")]
    root = parse(incident_map(title="t", seats=points))
    (ax, ay), (_, ny), (ex, _) = by_key(root, "a"), by_key(root, "n"), by_key(root, "e")
    lat_px, lon_px = ay - ny, ex - ax
    assert lon_px < lat_px
    assert lon_px / lat_px == pytest.approx(math.cos(math.radians(30.5)), rel=0.005)


def test_markers_carry_their_kind_and_key():
    root = parse(full_map())
    kinds = {kind: [e.get("data-key") for e in markers(root, kind)] for kind in ("incident", "team", "depot", "expert")}
    assert kinds == {
        "incident": ["incident-7"],
        "team": ["team-1", "team-2"],
        "depot": ["depot-1"],
        "expert": ["expert-3"],
    }
    assert [e.get("data-key") for e in markers(root, "seat")] == ["540100", "540200", "540600"]
    assert {e.tag for e in markers(root, "team")} == {f"{NS}polygon"}
    assert len(markers(root, "team")[0].get("points").split()) == 3  # triangles
    assert len(markers(root, "depot")[0].get("points").split()) == 4  # squares
    assert markers(root, "expert")[0].tag == f"{NS}circle"
    assert markers(root, "incident")[0].get("fill") == "#D55E00"  # the house red
    seat = markers(root, "seat")[0]
    assert seat.tag == f"{NS}circle" and float(seat.get("r")) < float(markers(root, "expert")[0].get("r"))
    texts = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert {"拉萨市", "日喀则市", "泄漏点", "拉萨消防救援支队", "68 km · 62 min", "路网为近似"} <= set(texts)
    assert [t for t in texts if t.startswith("label-")] == [f"label-{key}" for key in LEGEND_KEYS]
    roads = [g for g in root.iter(f"{NS}g") if g.get("class") == "road"]
    assert len(roads) == 1 and len(list(roads[0])) == 2 and roads[0].get("stroke-width") == "1"
    # the marker at the incident is exactly where the routes end
    ix, iy = by_key(root, "incident-7")
    for route in (e for e in root.iter(f"{NS}polyline") if e.get("class") == "route"):
        x, y = map(float, route.get("points").split()[-1].split(","))
        assert (x, y) == pytest.approx((ix, iy), abs=0.2)


def test_great_circle_routes_are_dashed_and_road_routes_solid_and_thick():
    root = parse(full_map())
    routes = {e.get("data-kind"): e for e in root.iter(f"{NS}polyline") if e.get("class") == "route"}
    assert set(routes) == {"road", "great_circle"}
    assert routes["great_circle"].get("stroke-dasharray")
    assert routes["road"].get("stroke-dasharray") is None
    assert float(routes["road"].get("stroke-width")) > float(routes["great_circle"].get("stroke-width"))
    assert len(routes["road"].get("points").split()) == 3
    assert len(routes["great_circle"].get("points").split()) > 2  # drawn along the great circle, not one chord


def test_great_circle_points_lie_on_the_great_circle():
    a, b = (29.3, 88.9), (31.48, 92.05)
    points = great_circle_points(a, b)
    assert points[0] == a and points[-1] == b
    legs = sum(great_circle_km(*p, *q) for p, q in zip(points, points[1:], strict=False))
    assert legs == pytest.approx(great_circle_km(*a, *b), rel=1e-9)
    assert great_circle_points(a, a) == [a, a]


def test_all_text_is_escaped():
    nasty = MapPoint(29.7, 91.0, NASTY, NASTY)
    svg = full_map(
        title=NASTY,
        seats=[nasty],
        incident=nasty,
        teams=[nasty],
        depots=[],
        experts=[],
        routes=[MapRoute(((29.7, 91.0), (29.8, 91.7)), NASTY)],
        legend={"team": NASTY},
        note=NASTY,
    )
    root = parse(svg)
    assert "<b>" not in svg
    assert root.get("aria-label") == NASTY
    assert {e.get("data-key") for e in markers(root)} == {NASTY}
    assert ["".join(t.itertext()) for t in root.iter(f"{NS}text")].count(NASTY) >= 5


@pytest.mark.parametrize(
    "arguments",
    [
        {"seats": []},
        {"seats": [LHASA]},
        {"seats": [], "incident": LHASA},
        {"seats": [LHASA, LHASA], "teams": [LHASA]},
        {"seats": [LHASA, MapPoint(31.0, 91.13)]},  # along one meridian
        {"seats": [LHASA, MapPoint(29.65, 92.0)]},  # along one parallel
        {"seats": [MapPoint(math.nan, 91.0), MapPoint(29.0, math.inf)], "routes": [MapRoute(((29.0, 91.0),))]},
    ],
)
def test_degenerate_maps_render_with_a_scale_bar(arguments):
    root = parse(incident_map(title="t", **arguments))
    km, px = scale_bar(root)
    assert km > 0 and px > 0
    coordinates = [float(n) for n in _numbers(incident_map(title="t", **arguments))]
    assert all(math.isfinite(v) and -1 <= v <= 720 for v in coordinates)


def test_a_single_point_gets_the_default_50_km_extent():
    root = parse(incident_map(title="t", seats=[], incident=LHASA, width=720, height=520))
    km, px = scale_bar(root)
    px_per_km = px / km
    frame = next(e for e in root.iter(f"{NS}rect") if e.get("class") == "frame")
    inner_height = float(frame.get("height")) + 2 - maps.MARGIN_TOP - maps.MARGIN_BOTTOM  # the frame less its margins
    assert px_per_km * 50 == pytest.approx(inner_height, rel=0.01)


def test_missing_points_are_left_out():
    root = parse(full_map(experts=[MapPoint(math.nan, 91.0, key="lost"), MapPoint(29.6, 91.1, key="found")]))
    assert [e.get("data-key") for e in markers(root, "expert")] == ["found"]


def test_unknown_legend_keys_are_refused():
    with pytest.raises(ValueError, match="lorry"):
        full_map(legend={"team": "队", "lorry": "车"})


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (MapPoint(29.0, 91.0, key="a"), MapPoint(30.5, 91.0, key="b")),  # north-south, 167 km
        (MapPoint(29.65, 90.0, key="a"), MapPoint(29.65, 92.0, key="b")),  # east-west, 193 km
        (MapPoint(29.0, 90.0, key="a"), MapPoint(30.5, 92.0, key="b")),  # diagonal
        (MapPoint(29.6, 91.0, key="a"), MapPoint(29.7, 91.1, key="b")),  # 15 km
        (MapPoint(28.0, 80.0, key="a"), MapPoint(33.0, 97.0, key="b")),  # across Tibet
    ],
)
def test_the_scale_bar_matches_kilometres_on_the_map_within_2_percent(a, b):
    root = parse(incident_map(title="t", seats=[], experts=[a, b]))
    (ax, ay), (bx, by) = by_key(root, "a"), by_key(root, "b")
    px_per_km = math.hypot(bx - ax, by - ay) / great_circle_km(a.lat, a.lon, b.lat, b.lon)
    km, px = scale_bar(root)
    assert px / km == pytest.approx(px_per_km, rel=0.02)
    assert km in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def test_the_scale_bar_is_a_round_number_of_a_sensible_length():
    root = parse(full_map())
    km, px = scale_bar(root)
    assert km in (10, 20, 50, 100, 200, 500)
    assert 40 <= px <= 0.35 * 720
    assert any("".join(t.itertext()) == f"{km:g} km" for t in root.iter(f"{NS}text"))
