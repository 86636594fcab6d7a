"""A server-drawn SVG map of an emergency: the incident, the rescue teams, material depots and experts around it,
the routes to it, on a background of county seats and roads. No tiles, no JavaScript, no network: one
self-contained ``<svg>`` string that pages embed inline and WeasyPrint prints, in the house style of
anjian.indicators.charts, whose helpers and colours it imports (the private ``_c``, ``_esc``, ``_fit``, ``_header``,
``_svg``, ``_text``, ``_text_width`` included, so both draw alike).

The projection is equirectangular with longitude scaled by the cosine of the middle latitude of what is drawn,
north up, fitted to the bounding box of everything drawn with a margin; at that scale a kilometre is the same
length east-west and north-south, so the scale bar holds in both directions. Callers pass translated text; all of
it is escaped here. Markers carry ``data-kind`` (incident, team, depot, expert, seat) and ``data-key``; routes carry
``data-kind`` road or great_circle. Points with missing or impossible coordinates are left out, not drawn at 0,0.
Output is deterministic and coordinates are rounded to one decimal. Imports nothing from Django.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from anjian.emergency.rules import EARTH_RADIUS_KM
from anjian.indicators.charts import (
    GREEN,
    HEADER,
    INK,
    MUTED,
    PALETTE,
    RED,
    _c,
    _esc,
    _fit,
    _header,
    _svg,
    _text,
    _text_width,
)

__all__ = ["LEGEND_KEYS", "MapPoint", "MapRoute", "incident_map"]

KM_PER_DEGREE = math.pi * EARTH_RADIUS_KM / 180  # along a meridian; along a parallel times cos(latitude)
DEFAULT_EXTENT_KM = 50.0  # a single point, or nothing at all
MIN_EXTENT_KM = 5.0  # points closer than this are not zoomed in further
SCALE_STEPS_KM = tuple(m * 10**e for e in range(5) for m in (1, 2, 5))  # 1, 2, 5, 10, 20, 50, ... km

LAND, ROAD, ROUTE, WHITE = "#F4F6F8", "#B8B8B8", PALETTE[1], "#FFFFFF"
COLOURS = {"incident": RED, "team": PALETTE[0], "depot": GREEN, "expert": PALETTE[3], "seat": MUTED}
# The legend's keys, in the order it lists them: the markers, then a route by road and a great-circle route.
LEGEND_KEYS = ("incident", "team", "depot", "expert", "seat", "road", "great_circle")

MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 28, 24, 40  # inside the map's frame; the scale bar sits in the bottom margin
LABEL_MAX = 150  # px of a marker's label


@dataclass(frozen=True)
class MapPoint:
    lat: float
    lon: float
    label: str = ""
    key: str = ""


@dataclass(frozen=True)
class MapRoute:
    points: tuple[tuple[float, float], ...]  # (lat, lon), from the start to the end
    label: str = ""
    great_circle: bool = False  # a straight-line estimate (dashed) rather than a route by road (solid, thick)


def _located(lat: object, lon: object) -> bool:
    try:
        la, lo = float(lat), float(lon)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return math.isfinite(la) and math.isfinite(lo) and -90 <= la <= 90 and -180 <= lo <= 180


def great_circle_points(
    a: tuple[float, float], b: tuple[float, float], step_km: float = 25.0
) -> list[tuple[float, float]]:
    """Points along the great circle from a to b (lat, lon), about step_km apart, both ends included."""
    (p1, l1), (p2, l2) = map(math.radians, a), map(math.radians, b)
    va = (math.cos(p1) * math.cos(l1), math.cos(p1) * math.sin(l1), math.sin(p1))
    vb = (math.cos(p2) * math.cos(l2), math.cos(p2) * math.sin(l2), math.sin(p2))
    omega = math.acos(max(-1.0, min(1.0, sum(x * y for x, y in zip(va, vb, strict=True)))))
    if omega < 1e-9 or math.sin(omega) < 1e-9:  # the same point, or antipodes (no single great circle)
        return [a, b]
    n = min(64, max(1, math.ceil(omega * EARTH_RADIUS_KM / step_km)))
    points = [a]
    for i in range(1, n):
        t = i / n
        wa, wb = math.sin((1 - t) * omega) / math.sin(omega), math.sin(t * omega) / math.sin(omega)
        x, y, z = (wa * u + wb * v for u, v in zip(va, vb, strict=True))
        points.append((math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))))
    return [*points, b]


def _scale_bar_km(px_per_km: float, max_px: float) -> float:
    """The longest round distance (1, 2 or 5 × 10^n km) whose bar fits in max_px; 1 km at the least."""
    fitting = [km for km in SCALE_STEPS_KM if km * px_per_km <= max_px]
    return float(fitting[-1] if fitting else SCALE_STEPS_KM[0])


def _marker(kind: str, x: float, y: float, attrs: str = "", tip: str = "", scale: float = 1.0) -> str:
    """The symbol of one kind centred on (x, y): the centre is the mean of a polygon's corners."""
    outline = "" if kind == "seat" else f' stroke="{WHITE}" stroke-width="1"'
    if kind in ("expert", "seat"):
        tag, r = "circle", (2.5 if kind == "seat" else 6.0) * scale
        shape = f'cx="{_c(x)}" cy="{_c(y)}" r="{_c(r)}"'
    else:
        if kind == "team":  # a triangle, point up
            corners = [(8.0 * scale, a) for a in (-90, 30, 150)]
        elif kind == "depot":  # a square
            corners = [(6.0 * math.sqrt(2) * scale, a) for a in (-135, -45, 45, 135)]
        else:  # the incident: a five-pointed star
            corners = [(11.0 * scale if i % 2 == 0 else 4.5 * scale, -90 + 36 * i) for i in range(10)]
        tag = "polygon"
        shape = 'points="{}"'.format(
            " ".join(
                f"{_c(x + r * math.cos(math.radians(a)))},{_c(y + r * math.sin(math.radians(a)))}" for r, a in corners
            )
        )
    head = f'<{tag}{attrs} {shape} fill="{COLOURS[kind]}"{outline}'
    return f"{head}><title>{_esc(tip)}</title></{tag}>" if tip else f"{head}/>"


def _route_style(great_circle: bool) -> str:
    if great_circle:
        return f'fill="none" stroke="{ROUTE}" stroke-width="2" stroke-dasharray="6 4"'
    return f'fill="none" stroke="{ROUTE}" stroke-width="4" stroke-linecap="round" stroke-linejoin="round"'


def _legend(legend: Mapping[str, str], x0: float, y0: float, max_x: float) -> tuple[list[str], float]:
    """The caller's labels behind their symbols, left to right, wrapping; the parts and the height used."""
    unknown = sorted(set(legend) - set(LEGEND_KEYS))
    if unknown:
        raise ValueError(f"unknown legend keys: {', '.join(unknown)}")
    parts: list[str] = []
    x, y = x0, y0
    for key in (k for k in LEGEND_KEYS if k in legend):
        label = _fit(legend[key], max_x - x0 - 30)
        w = 26 + _text_width(label) + 16
        if x > x0 and x + w > max_x:
            x, y = x0, y + 20
        if key in ("road", "great_circle"):
            parts.append(f'<path d="M{_c(x)},{_c(y + 7)}h20" {_route_style(key == "great_circle")}/>')
        else:
            parts.append(_marker(key, x + 10, y + 7, scale=0.8))
        parts.append(_text(x + 26, y + 11, label))
        x += w
    return parts, (y - y0 + 20 if legend else 0)


def incident_map(
    *,
    title: str,
    seats: Sequence[MapPoint],
    roads: Sequence[tuple[tuple[float, float], tuple[float, float]]] = (),
    incident: MapPoint | None = None,
    teams: Sequence[MapPoint] = (),
    depots: Sequence[MapPoint] = (),
    experts: Sequence[MapPoint] = (),
    routes: Sequence[MapRoute] = (),
    legend: Mapping[str, str] | None = None,
    note: str = "",
    width: int = 720,
    height: int = 520,
    empty_text: str = "—",
) -> str:
    """The map as one ``<svg>``. seats are county seats (grey dots with their names), roads (lat, lon) segments as
    thin grey lines; incident, teams, depots and experts are markers (a red star, triangles, squares, circles) with
    data-kind and data-key; routes are drawn solid and thick by road, dashed along the great circle. legend maps
    keys of LEGEND_KEYS to translated labels; note is printed at the bottom (e.g. "Road graph approximate")."""
    marks = [("seat", p) for p in seats] + [("depot", p) for p in depots] + [("expert", p) for p in experts]
    marks += [("team", p) for p in teams] + ([("incident", incident)] if incident is not None else [])
    marks = [(kind, p) for kind, p in marks if _located(p.lat, p.lon)]
    lines = [(float(a[0]), float(a[1]), float(b[0]), float(b[1])) for a, b in roads if _located(*a) and _located(*b)]
    paths = []
    for route in routes:
        pts = [(float(la), float(lo)) for la, lo in route.points if _located(la, lo)]
        if route.great_circle:
            pts = [q for a, b in zip(pts, pts[1:], strict=False) for q in great_circle_points(a, b)[:-1]] + pts[-1:]
        if len(pts) > 1:
            paths.append((route, pts))

    # Layout, from the bottom: the note, the legend, the map's frame.
    note_h = 18 if note else 0
    legend_parts, legend_h = _legend(legend or {}, 8, 0, width - 8)  # placed below the frame at the end
    frame_top, frame_bottom = HEADER, height - 4 - note_h - (legend_h + 6 if legend_h else 0)
    left, right = 4 + MARGIN_X, width - 4 - MARGIN_X
    top, bottom = frame_top + MARGIN_TOP, frame_bottom - MARGIN_BOTTOM

    # The projection: kilometres east and north of the middle of everything drawn, then pixels.
    lats = (
        [float(p.lat) for _, p in marks] + [v for ln in lines for v in ln[0::2]] + [q[0] for _, ps in paths for q in ps]
    )
    lons = (
        [float(p.lon) for _, p in marks] + [v for ln in lines for v in ln[1::2]] + [q[1] for _, ps in paths for q in ps]
    )
    lat_mid = (min(lats) + max(lats)) / 2 if lats else 0.0
    lon_mid = (min(lons) + max(lons)) / 2 if lons else 0.0
    k = math.cos(math.radians(lat_mid))
    span_x = (max(lons) - min(lons)) * k * KM_PER_DEGREE if lons else 0.0
    span_y = (max(lats) - min(lats)) * KM_PER_DEGREE if lats else 0.0
    floor = DEFAULT_EXTENT_KM if span_x <= 0 and span_y <= 0 else MIN_EXTENT_KM
    avail_w, avail_h = max(right - left, 1), max(bottom - top, 1)
    px_per_km = min(avail_w / max(span_x, floor), avail_h / max(span_y, floor))
    mid_x, mid_y = (left + right) / 2, (top + bottom) / 2

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return (
            mid_x + (float(lon) - lon_mid) * k * KM_PER_DEGREE * px_per_km,
            mid_y - (float(lat) - lat_mid) * KM_PER_DEGREE * px_per_km,
        )

    parts = _header(title, "", width)
    parts.append(
        f'<rect class="frame" x="4" y="{_c(frame_top)}" width="{_c(width - 8)}" '
        f'height="{_c(frame_bottom - frame_top - 2)}" fill="{LAND}" rx="4"/>'
    )
    if lines:
        segments = []
        for la1, lo1, la2, lo2 in lines:
            (x1, y1), (x2, y2) = xy(la1, lo1), xy(la2, lo2)
            segments.append(f'<line x1="{_c(x1)}" y1="{_c(y1)}" x2="{_c(x2)}" y2="{_c(y2)}"/>')
        parts.append(f'<g class="road" stroke="{ROAD}" stroke-width="1">{"".join(segments)}</g>')
    labels = []
    for route, pts in paths:
        coords = [xy(*q) for q in pts]
        points = " ".join(f"{_c(x)},{_c(y)}" for x, y in coords)
        kind = "great_circle" if route.great_circle else "road"
        tip = f"<title>{_esc(route.label)}</title>" if route.label else ""
        parts.append(
            f'<polyline class="route" data-kind="{kind}" points="{points}" {_route_style(route.great_circle)}>'
            f"{tip}</polyline>"
        )
        if route.label:
            (xa, ya), (xb, yb) = coords[(len(coords) - 1) // 2], coords[len(coords) // 2]  # the middle of the path
            labels.append(
                _text((xa + xb) / 2, (ya + yb) / 2 - 7, _fit(route.label, LABEL_MAX, 11), anchor="middle", size=11)
            )
    for kind, p in marks:
        x, y = xy(p.lat, p.lon)
        attrs = f' class="marker" data-kind="{kind}" data-key="{_esc(p.key)}"'
        parts.append(_marker(kind, x, y, attrs, tip=p.label))
        if p.label:
            size, gap = (10, 5) if kind == "seat" else (11, 13 if kind == "incident" else 10)
            label = _fit(p.label, LABEL_MAX, size)
            flip = x + gap + _text_width(label, size) > width - 8  # no room on the right: the label goes left
            text = _text(
                x - gap if flip else x + gap,
                y + 4,
                label,
                anchor="end" if flip else "start",
                fill=MUTED if kind == "seat" else INK,
                size=size,
            )
            (parts if kind == "seat" else labels).append(text)  # seat names under the markers, the others above
    parts += labels
    if not marks and not lines and not paths:
        parts.append(_text(width / 2, (frame_top + frame_bottom) / 2, empty_text, anchor="middle", fill=MUTED))

    # North arrow, top right; scale bar, bottom left.
    nx, ny = width - 4 - 16, frame_top + 12
    parts.append(
        f'<g class="north"><path d="M{_c(nx)},{_c(ny)}l5,12h-10z" fill="{INK}"/>'
        f"{_text(nx, ny + 24, 'N', anchor='middle', size=10)}</g>"
    )
    bar_km = _scale_bar_km(px_per_km, min(0.35 * avail_w, 180))
    bar_px, bx, by = bar_km * px_per_km, 4 + 12, frame_bottom - 14
    km = f"{bar_km:g}"
    parts.append(
        f'<g class="scale-bar" data-km="{km}">'
        f'<line x1="{_c(bx)}" y1="{_c(by)}" x2="{_c(bx + bar_px)}" y2="{_c(by)}" stroke="{INK}" stroke-width="2"/>'
        f'<line x1="{_c(bx)}" y1="{_c(by - 5)}" x2="{_c(bx)}" y2="{_c(by)}" stroke="{INK}"/>'
        f'<line x1="{_c(bx + bar_px)}" y1="{_c(by - 5)}" x2="{_c(bx + bar_px)}" y2="{_c(by)}" stroke="{INK}"/>'
        f"{_text(bx + bar_px + 6, by + 4, f'{km} km', size=11)}</g>"
    )
    if legend_parts:
        parts.append(f'<g class="legend" transform="translate(0,{_c(frame_bottom + 6)})">{"".join(legend_parts)}</g>')
    if note:
        parts.append(_text(8, height - 8, _fit(note, width - 16, 11), fill=MUTED, size=11, extra=' class="note"'))
    return _svg(width, height, title, parts)
