"""Server-drawn SVG charts for the work-safety statistics dashboard and the printed monthly bulletin: line, bar,
composition (100 % stacked) and progress charts and a schematic bubble map of divisions, each returned as one
self-contained ``<svg>`` string that WeasyPrint renders to PDF and HTML pages embed inline, with no JavaScript,
no network and no chart library. Callers pass already translated text; every piece of it is escaped here. Output
is deterministic (same input, same bytes), coordinates are rounded to one decimal, and the palette is Okabe-Ito.
This module imports nothing from Django.
"""

import math
from collections.abc import Callable, Iterable
from html import escape

__all__ = ["PALETTE", "bar_chart", "composition_chart", "division_map", "line_chart", "progress_bar"]

# Okabe-Ito: distinguishable with the common forms of colour blindness, and in greyscale print.
PALETTE: list[str] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
WARN = "#D55E00"
GREEN, AMBER, RED = "#009E73", "#E69F00", "#D55E00"
INK, MUTED, GRID, TRACK = "#222222", "#666666", "#DDDDDD", "#EEEEEE"
FONT = "Noto Sans CJK SC, Tibetan Machine Uni, sans-serif"
HEADER = 30  # room for the visible title
ROW = 24  # height of one horizontal bar's row
MAX_RADIUS = 28.0
MIN_RADIUS = 2.0


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def _c(x: float) -> str:
    """A coordinate rounded to one decimal, without a trailing ".0"."""
    s = f"{x:.1f}"
    s = s[:-2] if s.endswith(".0") else s
    return "0" if s == "-0" else s


def _fmt(value: float) -> str:
    """A compact number: integers without decimals, otherwise at most two decimals (two digits if smaller)."""
    v = float(value)
    if v.is_integer():
        return str(int(v))
    s = f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{v:.2g}" if s in ("0", "-0") else s


def _with_unit(value: float, unit: str) -> str:
    return f"{_fmt(value)} {unit}" if unit else _fmt(value)


def _text_width(text: str, size: float = 12) -> float:
    """A rough width in pixels: CJK is square, Tibetan a little narrower, Latin about 0.6 em."""
    return sum(size if ord(ch) >= 0x2E80 else 0.7 * size if 0x0F00 <= ord(ch) <= 0x0FFF else 0.6 * size for ch in text)


def _fit(text: str, max_width: float, size: float = 12) -> str:
    """The text, shortened with an ellipsis if it is wider than max_width."""
    if _text_width(text, size) <= max_width:
        return text
    while text and _text_width(text + "…", size) > max_width:
        text = text[:-1]
    return text + "…"


def _text(
    x: float, y: float, content: str, *, anchor: str = "start", fill: str = INK, size: int = 12, extra: str = ""
) -> str:
    attrs = f' x="{_c(x)}" y="{_c(y)}"'
    attrs += f' text-anchor="{anchor}"' if anchor != "start" else ""
    attrs += f' fill="{fill}"' if fill != INK else ""
    attrs += f' font-size="{size}"' if size != 12 else ""
    return f"<text{attrs}{extra}>{_esc(content)}</text>"


def _rect(x: float, y: float, w: float, h: float, fill: str, *, cls: str = "", tip: str = "", extra: str = "") -> str:
    attrs = f' class="{cls}"' if cls else ""
    attrs += f' x="{_c(x)}" y="{_c(y)}" width="{_c(max(w, 0))}" height="{_c(max(h, 0))}" fill="{fill}"{extra}'
    return f"<rect{attrs}><title>{_esc(tip)}</title></rect>" if tip else f"<rect{attrs}/>"


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = GRID) -> str:
    return f'<line x1="{_c(x1)}" y1="{_c(y1)}" x2="{_c(x2)}" y2="{_c(y2)}" stroke="{stroke}"/>'


def _svg(width: float, height: float, title: str, parts: Iterable[str]) -> str:
    w, h, t = _c(width), _c(height), _esc(title)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        f'aria-label="{t}" font-family="{FONT}" font-size="12" fill="{INK}"><title>{t}</title>{"".join(parts)}</svg>'
    )


def _header(title: str, unit: str, width: float) -> list[str]:
    parts = [_text(8, 19, title, size=14, extra=' font-weight="bold"')]
    if unit:
        parts.append(_text(width - 8, 19, unit, anchor="end", fill=MUTED))
    return parts


def _ticks(values: list[float], count: int = 5) -> list[float]:
    """Nice ticks (steps of 1, 2 or 5 × 10^n) from at most 0 to at least 0; whole steps for whole numbers."""
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if hi - lo <= 0:
        hi = 1.0
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw * (1 - 1e-9))
    if all(float(v).is_integer() for v in values):
        step = max(step, 1)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    return [round(i * step, 10) + 0.0 for i in range(first, last + 1)]


def _scale(ticks: list[float], start: float, end: float) -> Callable[[float], float]:
    lo, hi = ticks[0], ticks[-1]
    return lambda v: start + (v - lo) / (hi - lo) * (end - start)


def _legend(names: list[str], x0: float, y0: float, max_x: float) -> tuple[list[str], float]:
    """Swatches and names left to right, wrapping; returns the parts and the height used."""
    parts: list[str] = []
    x, y = x0, y0
    for k, name in enumerate(names):
        w = 20 + _text_width(name) + 14
        if x > x0 and x + w > max_x:
            x, y = x0, y + 18
        parts.append(_rect(x, y, 12, 12, PALETTE[k % len(PALETTE)], cls="swatch"))
        parts.append(_text(x + 16, y + 11, name))
        x += w
    return parts, (y - y0 + 18 if names else 0)


def _finite(x: object) -> bool:
    return x is not None and math.isfinite(float(x))  # type: ignore[arg-type]


def line_chart(
    labels: list[str],
    series: list[tuple[str, list[float | None]]],
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    height: int = 280,
    empty_text: str = "—",
) -> str:
    """Several series over the same x labels; a None value leaves a gap in its line."""
    n = len(labels)
    rows = [[float(v) if _finite(v) else None for v in (list(vs) + [None] * n)[:n]] for _, vs in series]
    values = [v for row in rows for v in row if v is not None]
    legend, legend_h = _legend([name for name, _ in series], 8, HEADER, width - 8)
    ticks = _ticks(values)
    left = 14 + max(_text_width(_fmt(t)) for t in ticks)
    right, top, bottom = width - 12, HEADER + legend_h + 10, height - 26
    y = _scale(ticks, bottom, top)
    parts = _header(title, unit, width) + legend
    for t in ticks:
        parts.append(_line(left, y(t), right, y(t), INK if t == 0 else GRID))
        parts.append(_text(left - 6, y(t) + 4, _fmt(t), anchor="end", fill=MUTED))
    band = (right - left) / max(n, 1)
    xs = [left + (i + 0.5) * band for i in range(n)]
    every = max(1, math.ceil((max((_text_width(lb) for lb in labels), default=0) + 8) / band))
    parts += [_text(xs[i], bottom + 18, labels[i], anchor="middle", fill=MUTED) for i in range(0, n, every)]
    if not values:
        parts.append(_text((left + right) / 2, (top + bottom) / 2, empty_text, anchor="middle", fill=MUTED))
    for k, ((name, _), row) in enumerate(zip(series, rows, strict=True)):
        colour = PALETTE[k % len(PALETTE)]
        run: list[str] = []
        for i, v in enumerate([*row, None]):
            if v is not None:
                run.append(f"{_c(xs[i])},{_c(y(v))}")
                continue
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"/>')
            run = []
        for i, v in enumerate(row):
            if v is not None:
                tip = _esc(f"{name} {labels[i]}: {_with_unit(v, unit)}")
                parts.append(
                    f'<circle cx="{_c(xs[i])}" cy="{_c(y(v))}" r="3" fill="{colour}"><title>{tip}</title></circle>'
                )
    return _svg(width, height, title, parts)


def bar_chart(
    items: list[tuple[str, float]],
    *,
    title: str,
    unit: str = "",
    width: int = 640,
    height: int | None = None,
    horizontal: bool = True,
    empty_text: str = "—",
    highlight: set[str] | None = None,
) -> str:
    """One bar per item, its value printed at the bar's end; negative values extend left (or down) from zero."""
    highlight = highlight or set()
    n = len(items)
    vals = [float(v) for _, v in items]
    ticks = _ticks(vals)
    val_w = max((_text_width(_fmt(v)) for v in vals), default=0) + 8
    if height is None:
        height = HEADER + max(n, 2) * ROW + 30 if horizontal else 280
    parts = _header(title, unit, width)
    bars: list[tuple[str, float, str, str]] = [
        (label, v, WARN if label in highlight else PALETTE[0], f"{label}: {_with_unit(v, unit)}")
        for (label, _), v in zip(items, vals, strict=True)
    ]
    if horizontal:
        label_w = min(max((_text_width(lb) for lb, _ in items), default=0), width * 0.35)
        left = 16 + label_w + (val_w if ticks[0] < 0 else 0)
        right, top, bottom = width - 8 - (val_w if ticks[-1] > 0 else 0), HEADER + 4, height - 24
        x = _scale(ticks, left, right)
        for t in ticks:
            parts.append(_line(x(t), top, x(t), bottom, INK if t == 0 else GRID))
            parts.append(_text(x(t), bottom + 16, _fmt(t), anchor="middle", fill=MUTED))
        row = (bottom - top) / max(n, 1)
        for i, (label, v, colour, tip) in enumerate(bars):
            cy, bh = top + (i + 0.5) * row, min(row * 0.7, 18)
            x0, x1 = sorted((x(0), x(v)))
            parts.append(_rect(x0, cy - bh / 2, x1 - x0, bh, colour, cls="bar", tip=tip))
            parts.append(_text(8 + label_w, cy + 4, _fit(label, label_w), anchor="end"))
            parts.append(_text(x(v) + (4 if v >= 0 else -4), cy + 4, _fmt(v), anchor="start" if v >= 0 else "end"))
    else:
        left = 14 + max(_text_width(_fmt(t)) for t in ticks)
        right, top, bottom = width - 8, HEADER + 16, height - 26 - (14 if ticks[0] < 0 else 0)
        y = _scale(ticks, bottom, top)
        for t in ticks:
            parts.append(_line(left, y(t), right, y(t), INK if t == 0 else GRID))
            parts.append(_text(left - 6, y(t) + 4, _fmt(t), anchor="end", fill=MUTED))
        band = (right - left) / max(n, 1)
        for i, (label, v, colour, tip) in enumerate(bars):
            cx, bw = left + (i + 0.5) * band, min(band * 0.7, 48)
            y0, y1 = sorted((y(0), y(v)))
            parts.append(_rect(cx - bw / 2, y0, bw, y1 - y0, colour, cls="bar", tip=tip))
            parts.append(_text(cx, height - 8, _fit(label, band - 4), anchor="middle"))
            parts.append(_text(cx, y(v) - 4 if v >= 0 else y(v) + 14, _fmt(v), anchor="middle"))
    if not items:
        parts.append(_text(width / 2, (HEADER + height) / 2, empty_text, anchor="middle", fill=MUTED))
    return _svg(width, height, title, parts)


def composition_chart(
    items: list[tuple[str, float]], *, title: str, unit: str = "", width: int = 640, empty_text: str = "—"
) -> str:
    """The share of each part in the total: one 100 % stacked bar and a legend of label, value and percent."""
    vals = [max(float(v), 0.0) for _, v in items]
    total = sum(vals)
    left, right, bar_y, bar_h = 8, width - 8, HEADER + 4, 24
    legend_y = bar_y + bar_h + 14
    height = legend_y + len(items) * 20 + 6
    parts = _header(title, "", width)
    if total <= 0:
        parts.append(_rect(left, bar_y, right - left, bar_h, TRACK))
        parts.append(_text(width / 2, bar_y + 16, empty_text, anchor="middle", fill=MUTED))
    cum = 0.0
    value_w = max((_text_width(_with_unit(v, unit)) for v in vals), default=0)
    for k, ((label, _), v) in enumerate(zip(items, vals, strict=True)):
        colour, share = PALETTE[k % len(PALETTE)], (v / total * 100 if total > 0 else None)
        value = _with_unit(v, unit)
        if v > 0:
            x0 = round(left + cum / total * (right - left), 1)
            x1 = round(left + (cum + v) / total * (right - left), 1)
            parts.append(_rect(x0, bar_y, x1 - x0, bar_h, colour, cls="bar", tip=f"{label}: {value} ({share:.1f}%)"))
            cum += v
        ry = legend_y + k * 20
        parts.append(_rect(left, ry, 12, 12, colour, cls="swatch"))
        parts.append(_text(left + 18, ry + 11, _fit(label, right - 64 - value_w - 16 - (left + 18))))
        parts.append(_text(right - 64, ry + 11, value, anchor="end"))
        if share is not None:
            parts.append(_text(right, ry + 11, f"{share:.1f}%", anchor="end", fill=MUTED))
    return _svg(width, height, title, parts)


def division_map(
    points: list[dict], *, title: str, unit: str = "", width: int = 640, height: int = 420, empty_text: str = "—"
) -> str:
    """A schematic bubble map: circle area proportional to value; points without coordinates listed below."""
    located = [p for p in points if _finite(p.get("lat")) and _finite(p.get("lon"))]
    missing = [p for p in points if not (_finite(p.get("lat")) and _finite(p.get("lon")))]
    parts = _header(title, "", width)
    # The list of points without coordinates, wrapped, at the bottom of the box.
    lines: list[list[tuple[float, str]]] = [[]]
    x = 8.0
    for p in missing:
        s = f"{p['name']}: {_with_unit(float(p['value']), unit)}"
        if lines[-1] and x + _text_width(s) > width - 8:
            lines.append([])
            x = 8.0
        lines[-1].append((x, s))
        x += _text_width(s) + 16
    list_h = len(lines) * 16 + 6 if missing else 0
    top, bottom = HEADER, height - list_h
    parts.append(_rect(4, top, width - 8, bottom - top - 4, "#F4F6F8", extra=' rx="4"'))
    for r, line in enumerate(lines if missing else []):
        parts += [_text(x, bottom + 12 + r * 16, s, fill=MUTED) for x, s in line]
    if not located:
        parts.append(_text(width / 2, (top + bottom) / 2, empty_text, anchor="middle", fill=MUTED))
        return _svg(width, height, title, parts)
    k = math.cos(math.radians(sum(float(p["lat"]) for p in located) / len(located)))
    xy = [(float(p["lon"]) * k, -float(p["lat"])) for p in located]
    (min_x, max_x), (min_y, max_y) = ((min(c), max(c)) for c in zip(*xy, strict=True))
    box_l, box_r, box_t, box_b = 4 + 60, width - 4 - 60, top + 6 + MAX_RADIUS, bottom - 4 - MAX_RADIUS - 30
    fits = [(box_r - box_l) / (max_x - min_x) if max_x > min_x else math.inf]
    fits.append((box_b - box_t) / (max_y - min_y) if max_y > min_y else math.inf)
    scale = min(fits) if min(fits) < math.inf else 0.0
    mid_x, mid_y = (box_l + box_r) / 2, (box_t + box_b) / 2

    def project(xy: tuple[float, float]) -> tuple[float, float]:
        return mid_x + (xy[0] - (min_x + max_x) / 2) * scale, mid_y + (xy[1] - (min_y + max_y) / 2) * scale

    top_value = max(max(float(p["value"]), 0.0) for p in located)
    drawn, labels = [], []
    for p, pos in sorted(zip(located, xy, strict=True), key=lambda q: (-float(q[0]["value"]), str(q[0]["code"]))):
        v = float(p["value"])
        r = max(MAX_RADIUS * math.sqrt(max(v, 0.0) / top_value) if top_value > 0 else 0.0, MIN_RADIUS)
        cx, cy = project(pos)
        tip = _esc(f"{p['name']}: {_with_unit(v, unit)}")
        drawn.append(
            f'<circle data-code="{_esc(p["code"])}" cx="{_c(cx)}" cy="{_c(cy)}" r="{_c(r)}" fill="{PALETTE[0]}" '
            f'fill-opacity="0.55" stroke="{PALETTE[0]}"><title>{tip}</title></circle>'
        )
        labels.append(_text(cx, cy + r + 13, str(p["name"]), anchor="middle"))
        labels.append(_text(cx, cy + r + 26, _with_unit(v, unit), anchor="middle", fill=MUTED))
    return _svg(width, height, title, parts + drawn + labels)


def progress_bar(
    value: float, cap: float, *, title: str, warn_at: float = 0.8, width: int = 320, height: int = 28
) -> str:
    """Value against a cap: green below warn_at × cap, amber from there, red at or above the cap."""
    if cap <= 0:
        return _svg(width, height, title, [_text(width / 2, height / 2 + 4, _fmt(value), anchor="middle")])
    colour = RED if value >= cap else AMBER if value >= warn_at * cap else GREEN
    share = min(max(value / cap, 0.0), 1.0)
    label = f"{_fmt(value)} / {_fmt(cap)} ({_fmt(round(value / cap * 100, 1))}%)"
    parts = [
        _rect(0, 0, width, height, TRACK, extra=' rx="4"'),
        _rect(0, 0, width * share, height, colour, cls="bar", extra=' rx="4"'),
        _line(width * warn_at, 0, width * warn_at, height, MUTED) if 0 < warn_at < 1 else "",
        _text(width / 2, height / 2 + 4, label, anchor="middle", fill="#000000"),
    ]
    return _svg(width, height, title, parts)
