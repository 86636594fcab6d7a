"""The server-drawn SVG charts: well-formed SVG, escaped caller text, and what a reader of the chart would notice."""

import math
import xml.etree.ElementTree as ET

import pytest

from anjian.indicators import charts
from anjian.indicators.charts import PALETTE, bar_chart, composition_chart, division_map, line_chart, progress_bar

NS = "{http://www.w3.org/2000/svg}"
NASTY = "A <b>&\"' B"
MONTHS = [str(m) for m in range(1, 13)]


def parse(svg: str) -> ET.Element:
    assert isinstance(svg, str) and svg.startswith("<svg")
    root = ET.fromstring(svg)  # noqa: S314 - our own output, not untrusted input
    assert root.tag == f"{NS}svg"
    return root


def find(root: ET.Element, tag: str, cls: str | None = None) -> list[ET.Element]:
    return [e for e in root.iter(f"{NS}{tag}") if cls is None or e.get("class") == cls]


def texts(root: ET.Element) -> list[str]:
    return ["".join(e.itertext()) for e in find(root, "text")]


def num(element: ET.Element, attr: str) -> float:
    return float(element.get(attr))


def point(name="拉萨市", code="540100", lat=29.65, lon=91.13, value=10.0) -> dict:
    return {"code": code, "name": name, "lat": lat, "lon": lon, "value": value}


def every_chart(title: str = "T", label: str = "x") -> list[str]:
    return [
        line_chart(MONTHS[:3], [(label, [1, 2, 3])], title=title),
        bar_chart([(label, 3), ("y", 5)], title=title),
        bar_chart([(label, 3), ("y", -5)], title=title, horizontal=False),
        composition_chart([(label, 1), ("y", 3)], title=title),
        division_map([point(name=label), point(code="2", name="y", lat=None, lon=None)], title=title),
        progress_bar(3, 10, title=title),
    ]


@pytest.mark.parametrize("index", range(6))
def test_every_chart_is_one_accessible_svg_with_the_cjk_and_tibetan_font(index):
    root = parse(every_chart(title="本月事故")[index])
    assert root.get("role") == "img" and root.get("aria-label") == "本月事故"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert root.find(f"{NS}title").text == "本月事故"
    assert "Noto Sans CJK SC" in root.get("font-family") and "Tibetan Machine Uni" in root.get("font-family")


@pytest.mark.parametrize("index", range(6))
def test_caller_text_is_escaped(index):
    svg = every_chart(title=NASTY, label=NASTY)[index]
    root = parse(svg)
    assert "<b>" not in svg
    assert root.find(f"{NS}title").text == NASTY and root.get("aria-label") == NASTY
    if index < 5:  # the progress bar shows no label
        assert NASTY in texts(root)


def test_same_input_gives_identical_output():
    assert every_chart() == every_chart()
    assert division_map([point(), point(code="2", lat=30.0, lon=90.0)], title="T") == division_map(
        [point(), point(code="2", lat=30.0, lon=90.0)], title="T"
    )


def test_chinese_and_tibetan_labels_survive():
    root = parse(bar_chart([("拉萨市", 4), ("ལྷ་ས།", 2)], title="ས་གནས།"))
    assert {"拉萨市", "ལྷ་ས།"} <= set(texts(root))
    root = parse(division_map([point(name="ལྷ་ས།")], title="地图"))
    assert "ལྷ་ས།" in texts(root)


def test_palette_is_a_list_of_distinct_colours():
    assert len(PALETTE) >= 6 and len(set(PALETTE)) == len(PALETTE)
    assert all(c.startswith("#") and len(c) == 7 for c in PALETTE)


# Line chart


def test_line_chart_draws_a_point_per_value_and_names_the_series():
    root = parse(line_chart(MONTHS, [("2025", list(range(12))), ("2024", [5] * 12)], title="T", unit="人"))
    assert len(find(root, "circle")) == 24
    assert len(find(root, "polyline")) == 2
    assert {"2025", "2024", "人"} <= set(texts(root))


def test_none_breaks_a_line_into_two():
    root = parse(line_chart(MONTHS[:5], [("s", [1, 2, None, 4, 5])], title="T"))
    lines = find(root, "polyline")
    assert len(lines) == 2
    assert [len(line.get("points").split()) for line in lines] == [2, 2]
    assert len(find(root, "circle")) == 4


def test_a_larger_value_is_drawn_higher():
    root = parse(line_chart(["a", "b"], [("s", [1, 9])], title="T"))
    low, high = find(root, "circle")
    assert num(high, "cy") < num(low, "cy")


def test_counts_use_nice_whole_ticks_from_zero():
    root = parse(line_chart(["a", "b"], [("s", [3, 17])], title="T"))
    ticks = [t for t in texts(root) if t not in ("T", "s", "a", "b")]
    assert ticks == ["0", "5", "10", "15", "20"]


def test_fractional_values_get_compact_labels():
    root = parse(bar_chart([("a", 12.345), ("b", 3.0), ("c", 0.5)], title="T"))
    assert {"12.35", "3", "0.5"} <= set(texts(root))


@pytest.mark.parametrize("series", [[], [("s", [])], [("s", [None, None])]])
def test_line_chart_without_data_shows_the_empty_text(series):
    root = parse(line_chart(["a", "b"], series, title="T", empty_text="暂无数据"))
    assert "暂无数据" in texts(root)
    assert find(root, "line")  # the axis is still drawn
    assert not find(root, "polyline")


def test_line_chart_of_zeros_is_data_on_the_zero_line():
    root = parse(line_chart(["a", "b"], [("s", [0, 0])], title="T", empty_text="暂无数据"))
    assert "暂无数据" not in texts(root)
    zero = next(e for e in find(root, "text") if e.text == "0")
    assert all(abs(num(c, "cy") - (num(zero, "y") - 4)) < 0.2 for c in find(root, "circle"))


# Bar chart


def test_one_bar_per_item_and_the_longest_is_the_largest():
    items = [("a", 3), ("b", 11), ("c", 7), ("d", 0)]
    root = parse(bar_chart(items, title="T"))
    bars = find(root, "rect", "bar")
    assert len(bars) == 4
    widths = [num(b, "width") for b in bars]
    assert widths.index(max(widths)) == 1 and widths[3] == 0
    assert bars[1].find(f"{NS}title").text == "b: 11"


def test_vertical_bars_grow_upwards():
    root = parse(bar_chart([("a", 3), ("b", 11)], title="T", horizontal=False))
    bars = find(root, "rect", "bar")
    assert len(bars) == 2 and num(bars[1], "height") > num(bars[0], "height")
    assert num(bars[1], "y") < num(bars[0], "y")  # both stand on the zero line


def test_horizontal_height_grows_with_the_number_of_items():
    small = parse(bar_chart([(str(i), i) for i in range(5)], title="T"))
    large = parse(bar_chart([(str(i), i) for i in range(25)], title="T"))
    assert num(large, "height") - num(small, "height") == 20 * 24


def test_a_negative_change_extends_the_other_way_from_zero():
    root = parse(bar_chart([("up", 12.5), ("down", -30)], title="T", unit="%"))
    up, down = find(root, "rect", "bar")
    assert math.isclose(num(up, "x"), num(down, "x") + num(down, "width"), abs_tol=0.11)  # both touch the zero line
    assert num(down, "width") > num(up, "width")
    assert "-30" in texts(root) and "%" in texts(root)
    root = parse(bar_chart([("up", 12.5), ("down", -30)], title="T", horizontal=False))
    up, down = find(root, "rect", "bar")
    assert math.isclose(num(up, "y") + num(up, "height"), num(down, "y"), abs_tol=0.11)


def test_highlighted_items_use_the_warning_colour():
    root = parse(bar_chart([("a", 1), ("b", 2), ("c", 3)], title="T", highlight={"b"}))
    fills = [b.get("fill") for b in find(root, "rect", "bar")]
    assert fills[0] == fills[2] != fills[1] == charts.WARN


@pytest.mark.parametrize("horizontal", [True, False])
def test_bar_chart_without_items_shows_the_empty_text(horizontal):
    root = parse(bar_chart([], title="T", horizontal=horizontal, empty_text="无"))
    assert "无" in texts(root) and not find(root, "rect", "bar") and find(root, "line")


def test_long_labels_are_shortened_but_kept_in_the_tooltip():
    label = "某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某某"
    root = parse(bar_chart([(label, 1)], title="T", width=400))
    assert any(t.endswith("…") for t in texts(root))
    assert find(root, "rect", "bar")[0].find(f"{NS}title").text == f"{label}: 1"


# Composition chart


def test_segments_are_proportional_and_the_legend_has_percents():
    root = parse(composition_chart([("a", 1), ("b", 3), ("zero", 0)], title="T", unit="起"))
    a, b = find(root, "rect", "bar")
    assert math.isclose(num(b, "width"), 3 * num(a, "width"), abs_tol=0.3)
    assert len(find(root, "rect", "swatch")) == 3  # the zero item is listed, not drawn
    assert {"zero", "0 起", "0.0%", "25.0%", "75.0%", "3 起"} <= set(texts(root))


@pytest.mark.parametrize("items", [[], [("a", 0), ("b", 0)]])
def test_composition_without_a_total_shows_the_empty_text(items):
    root = parse(composition_chart(items, title="T", empty_text="无"))
    assert "无" in texts(root) and not find(root, "rect", "bar")


# Division map


def test_one_circle_per_located_point_with_code_and_tooltip():
    points = [point(), point(code="540200", name="日喀则市", lat=29.27, lon=88.88, value=4)]
    root = parse(division_map(points, title="T", unit="起"))
    circles = {c.get("data-code"): c for c in find(root, "circle")}
    assert set(circles) == {"540100", "540200"}
    assert circles["540200"].find(f"{NS}title").text == "日喀则市: 4 起"
    assert {"拉萨市", "10 起", "日喀则市", "4 起"} <= set(texts(root))
    assert num(circles["540100"], "cx") > num(circles["540200"], "cx")  # east is right
    width = num(root, "width")
    assert all(0 < num(c, "cx") < width for c in circles.values())


def test_circle_area_is_proportional_to_value():
    points = [
        point(code="a", value=100),
        point(code="b", lat=31.0, lon=92.0, value=25),
        point(code="c", lat=30, lon=94, value=0),
    ]
    circles = {c.get("data-code"): num(c, "r") for c in find(parse(division_map(points, title="T")), "circle")}
    assert circles["a"] == charts.MAX_RADIUS
    assert math.isclose(circles["b"] / circles["a"], math.sqrt(25 / 100), abs_tol=0.01)
    assert circles["c"] == charts.MIN_RADIUS


def test_points_without_coordinates_are_listed_as_text():
    points = [point(), point(code="x", name="未定位县", lat=None, lon=None, value=3)]
    root = parse(division_map(points, title="T", unit="起"))
    assert [c.get("data-code") for c in find(root, "circle")] == ["540100"]
    assert "未定位县: 3 起" in texts(root)


@pytest.mark.parametrize("points", [[], [point(lat=None, lon=None)]])
def test_map_without_located_points_shows_the_empty_text(points):
    root = parse(division_map(points, title="T", empty_text="无"))
    assert "无" in texts(root) and not find(root, "circle")


# Progress bar


@pytest.mark.parametrize(
    ("value", "colour"),
    [
        (0, charts.GREEN),
        (7.99, charts.GREEN),
        (8, charts.AMBER),
        (9.99, charts.AMBER),
        (10, charts.RED),
        (14, charts.RED),
    ],
)
def test_progress_colour_changes_at_warn_at_and_at_the_cap(value, colour):
    root = parse(progress_bar(value, 10, title="T", warn_at=0.8))
    bar = find(root, "rect", "bar")[0]
    assert bar.get("fill") == colour
    assert math.isclose(num(bar, "width"), min(value / 10, 1) * 320, abs_tol=0.05)


def test_progress_text_shows_value_cap_and_percent():
    assert "8 / 10 (80%)" in texts(parse(progress_bar(8, 10, title="T")))
    assert "1 / 3 (33.3%)" in texts(parse(progress_bar(1, 3, title="T")))


def test_progress_without_a_cap_shows_only_the_value():
    root = parse(progress_bar(5, 0, title="T"))
    assert texts(root) == ["5"] and not find(root, "rect")
