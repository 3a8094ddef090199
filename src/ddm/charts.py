"""Every server-rendered SVG chart and map of DDM Hub: pages and PDFs (typst) draw with this module.

Domain modules hand it data (labels, values, the function that formats a value) and keep no SVG.
The rules every drawing here follows:
- space is measured to the text: label columns and axis margins are as wide as their widest label
  (estimated from character widths x font size, on the generous side), so no label is clipped;
  a category label longer than MAX_LABEL_PX wraps to two lines and is then cut with "…", its full
  text kept in a <title>;
- numbers are formatted by the caller's formatter, from `ddm.numbers` (R91.9 bn, 1 457 382, 42.5%);
- all text is escaped here, so callers may mark the result safe (it is returned as a SafeString);
- colours come from the palette below, nowhere else;
- styling uses SVG presentation attributes (fill, font-size, ...), which the strict CSP allows and the
  typst PDF renderer understands; no style attributes or <style> elements;
- each chart is role="img" with an aria-label and a <title>; an empty or all-zero chart is a short
  "no data" message, never a degenerate drawing.
"""

import math
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from ddm.numbers import BILLION, MILLION, number, percent, rand_short

# -- Palette: the one place chart colours are chosen. -----------------------------------------------
INK = "#1b2430"  # text
MUTED = "#5b6675"  # secondary text, reference lines
GRID = "#d7dde5"  # grid and axis lines
WHITE = "#ffffff"
ACCENT = "#f2b134"  # points on maps, actual values
HIGHLIGHT = "#c0392b"  # points that need attention
PALETTE = ["#1d4e89", "#59a14f", "#f28e2b", "#b07aa1", "#9c755f", "#4e79a7", "#76b7b2", "#edc948", "#e15759",
           "#ff9da7", "#bab0ac", "#86bcb6"]
SERIES = ["#1d4e89", "#f2b134", "#8a96a3"]  # a place, its province, South Africa
CLASSES = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]  # choropleth, light (low) to dark (high)
NO_CLASS = "#eeeeee"

FONT_FAMILY = "Helvetica, Arial, sans-serif"
FONT_SIZE = 12
SMALL = 10
AXIS = 11  # tick labels
MAX_LABEL_PX = 220  # a category label wider than this wraps (two lines at most), then is cut
LINE_HEIGHT = 1.2

Formatter = Callable[[Decimal], str]
Box = tuple[float, float, float, float]  # (min x, min y, max x, max y) of a label or of the drawing



def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return min(2, max(0, -exponent)) if isinstance(exponent, int) else 0


def number_tick(value: Decimal) -> str:
    """A tick value with the decimals it has (0, 2.5, 1 000): tick values are round already."""
    return number(value, _places(value))


def percent_tick(value: Decimal) -> str:
    return percent(value, _places(value))


def money_tick(value: Decimal) -> str:
    """R80 m, R2.5 bn, R500: a round amount without the decimals rand_short would add ("R80.0 m")."""
    unit = BILLION if abs(value) >= BILLION else MILLION if abs(value) >= MILLION else None
    if unit is None:
        return rand_short(value)
    return rand_short(value, _places(value / unit))


# -- Text: width estimate, escaping, wrapping. ---------------------------------------------------------

_NARROW = set("iljtfrI.,:;'|!() []/-")
_WIDE = set("mwMW@%")


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """Estimated rendered width in px of `text` at `size` (Helvetica-like metrics, rounded up)."""
    em = 0.0
    for char in str(text):
        if char in _NARROW:
            em += 0.34
        elif char in _WIDE:
            em += 0.92
        elif char.isupper():
            em += 0.72
        else:
            em += 0.6
    return em * size


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def _font(size: float = FONT_SIZE) -> str:
    return f'font-family="{FONT_FAMILY}" font-size="{size:g}"'


def _text(x: float, y: float, text: str, size: float = FONT_SIZE, anchor: str = "start", fill: str = INK,
          extra: str = "") -> str:
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return (f'<text x="{x:.1f}" y="{y:.1f}"{anchor_attr} {_font(size)} fill="{fill}"{extra}>'
            f"{_esc(text)}</text>")


def wrap_label(text: str, max_px: float = MAX_LABEL_PX, size: float = FONT_SIZE, lines: int = 2) -> list[str]:
    """The label in at most `lines` lines of at most `max_px` each; the last line cut with "…" if needed."""
    text = " ".join(str(text).split())
    if text_width(text, size) <= max_px:
        return [text]
    chars = max(4, int(max_px / (0.72 * size)))  # as many of the widest letters as fit
    while chars > 4:
        wrapped = textwrap.wrap(text, chars) or [""]
        if all(text_width(line, size) <= max_px for line in wrapped[:lines]):
            break
        chars -= 1
    wrapped = textwrap.wrap(text, chars) or [""]
    if len(wrapped) > lines:
        last = wrapped[lines - 1]
        while last and text_width(last + "…", size) > max_px:
            last = last[:-1]
        wrapped = wrapped[:lines - 1] + [last.rstrip() + "…"]
    return wrapped


def _label_block(x: float, y_middle: float, text: str, size: float = FONT_SIZE, anchor: str = "end",
                 max_px: float = MAX_LABEL_PX) -> str:
    """A (wrapped) category label centred on y_middle; a cut label carries its full text in <title>."""
    lines = wrap_label(text, max_px, size)
    step = size * LINE_HEIGHT
    top = y_middle - step * (len(lines) - 1) / 2 + size * 0.35
    tspans = "".join(f'<tspan x="{x:.1f}" y="{top + i * step:.1f}">{_esc(line)}</tspan>' for i, line in enumerate(lines))
    title = f"<title>{_esc(text)}</title>" if " ".join(lines) != " ".join(str(text).split()) else ""
    anchor_attr = "" if anchor == "start" else f' text-anchor="{anchor}"'
    return f'<text{anchor_attr} {_font(size)} fill="{INK}">{title}{tspans}</text>'


def _label_width(labels: Sequence[str], size: float = FONT_SIZE, max_px: float = MAX_LABEL_PX) -> float:
    widest = max((text_width(line, size) for label in labels for line in wrap_label(label, max_px, size)),
                 default=0.0)
    return math.ceil(widest)


def _svg(width: float, height: float, body: str, label: str, css_class: str = "chart") -> SafeString:
    width, height = math.ceil(width), math.ceil(height)
    return mark_safe(  # noqa: S308 - every text part is escaped by _esc
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_esc(label)}" class="{css_class}"><title>{_esc(label)}</title>{body}</svg>')


def no_data(title: str, message: str = "No data to chart.", width: float = 360) -> SafeString:
    """A small panel saying why there is no chart (instead of a degenerate one)."""
    lines = wrap_label(message, width - 24, FONT_SIZE, lines=3)
    height = 24 + len(lines) * FONT_SIZE * LINE_HEIGHT
    body = (f'<rect x="0.5" y="0.5" width="{width - 1:g}" height="{height - 1:.1f}" fill="{WHITE}" stroke="{GRID}"/>'
            + "".join(_text(12, 16 + (i + 0.6) * FONT_SIZE * LINE_HEIGHT, line, fill=MUTED)
                      for i, line in enumerate(lines)))
    return _svg(width, height, body, f"{title}: {message}", "chart no-data")


def _decimal(value: object) -> Decimal | None:
    if value is None:
        return None
    return value if isinstance(value, Decimal) else Decimal(str(value))


# -- Axis scale ------------------------------------------------------------------------------------------

def nice_ticks(low: Decimal | float, high: Decimal | float, count: int = 4) -> list[Decimal]:
    """Round tick values covering [low, high] (low included; 0 when all values are positive)."""
    low, high = Decimal(min(low, 0)), Decimal(high)
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = Decimal(10) ** math.floor(math.log10(raw))
    step = next(magnitude * m for m in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))
                if magnitude * m >= raw)
    start = (low / step).to_integral_value(rounding="ROUND_FLOOR") * step
    ticks = [start]
    while ticks[-1] < high:
        ticks.append(ticks[-1] + step)
    return [t.normalize() if t else Decimal(0) for t in ticks]


# -- Horizontal bars ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | float | int
    text: str  # the value as shown beside the bar


def bars(rows: Sequence[Bar | tuple], title: str, bar_px: float = 260, colour: str = PALETTE[0]) -> SafeString:
    """One horizontal bar per row (label, value, shown text), scaled to the largest value."""
    items = [row if isinstance(row, Bar) else Bar(*row) for row in rows]
    values = [max(Decimal(0), _decimal(r.value) or Decimal(0)) for r in items]
    largest = max(values, default=Decimal(0))
    if not items or not largest:
        return no_data(title)
    left = _label_width([r.label for r in items]) + 8
    value_px = max(text_width(r.text) for r in items) + 8
    row_px = 32 if any(len(wrap_label(r.label)) > 1 for r in items) else 22
    parts = []
    for index, (row, value) in enumerate(zip(items, values, strict=True)):
        y = 6 + index * row_px
        length = float(value / largest) * bar_px
        parts.append(_label_block(left - 6, y + row_px / 2, row.label)
                     + f'<rect x="{left}" y="{y + (row_px - 16) / 2:.1f}" width="{length:.1f}" height="16" '
                       f'fill="{colour}"><title>{_esc(row.label)}: {_esc(row.text)}</title></rect>'
                     + _text(left + length + 4, y + row_px / 2 + 4, row.text))
    return _svg(left + bar_px + value_px, 12 + row_px * len(items), "".join(parts), title)


def _legend(series: Sequence[str], colours: Sequence[str], x0: float, y0: float, max_x: float) -> tuple[str, float]:
    """Swatches with names, wrapped to new lines at max_x; returns (svg, height used)."""
    parts, x, y = [], x0, y0
    for name, colour in zip(series, colours, strict=True):
        name_text = wrap_label(name, MAX_LABEL_PX, SMALL + 1, lines=1)[0]
        width = 14 + text_width(name_text, SMALL + 1) + 16
        if x > x0 and x + width > max_x:
            x, y = x0, y + 16
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="10" height="10" fill="{colour}"/>'
                     + _text(x + 14, y + 9, name_text, SMALL + 1))
        x += width
    return "".join(parts), y + 16 - y0


def grouped_bars(rows: Sequence[tuple[str, Sequence[Decimal | float | None]]], series: Sequence[str], title: str,
                 fmt: Formatter = lambda v: f"{number(v, 1)}%", maximum: Decimal | float | None = None,
                 bar_px: float = 240) -> SafeString:
    """Horizontal bars side by side: rows [(label, [value or None per series])]; `maximum` fixes the scale
    (100 for percentages), else the largest value."""
    values = [_decimal(v) for _label, row in rows for v in row]
    present = [v for v in values if v is not None]
    top = _decimal(maximum) if maximum is not None else max(present, default=Decimal(0))
    if not rows or not present or not top:
        return no_data(title)
    colours = [SERIES[i] if len(series) <= len(SERIES) else PALETTE[i % len(PALETTE)] for i in range(len(series))]
    left = _label_width([label for label, _row in rows]) + 8
    value_px = max(text_width(fmt(v), SMALL) for v in present) + 8
    width = left + bar_px + value_px
    legend, legend_px = _legend(series, colours, left, 4, width)
    bar, gap = 11, 10
    group_px = max(bar * len(series), 2 * FONT_SIZE * LINE_HEIGHT) + gap
    parts = [legend]
    for row_index, (label, row) in enumerate(rows):
        y0 = legend_px + 8 + row_index * group_px
        parts.append(_label_block(left - 6, y0 + bar * len(series) / 2, label))
        for index, raw in enumerate(row):
            value, y = _decimal(raw), y0 + index * bar
            if value is None:
                parts.append(_text(left + 2, y + 9, "no data", SMALL - 1, fill=MUTED))
                continue
            length = float(max(Decimal(0), min(top, value)) / top) * bar_px
            parts.append(f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{bar - 1}" fill="{colours[index]}">'
                         f"<title>{_esc(series[index])}: {_esc(fmt(value))}</title></rect>"
                         + _text(left + length + 3, y + 8.5, fmt(value), SMALL - 1))
    return _svg(width, legend_px + 8 + group_px * len(rows), "".join(parts), title)


# -- Vertical columns with a y-axis --------------------------------------------------------------------------

def _y_axis(ticks: Sequence[Decimal], fmt: Formatter, left: float, right: float,
            y_of: Callable[[Decimal], float]) -> str:
    return "".join(f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y_of(t):.1f}" y2="{y_of(t):.1f}" stroke="{GRID}"/>'
                   + _text(left - 6, y_of(t) + 4, fmt(t), AXIS, anchor="end") for t in ticks)


def columns(groups: Sequence[str], series: Sequence[str], cells: dict, title: str, fmt: Formatter,
            colours: Sequence[str] | None = None, width: float = 720, plot_px: float = 220,
            tick_fmt: Formatter | None = None) -> SafeString:
    """Grouped columns: one group per x label, one column per series; cells {(group, series): value}.

    Values read through `fmt`, the y-axis ticks through `tick_fmt` (default `fmt`); the axis is as wide
    as its widest tick label."""
    values = [v for v in (_decimal(x) for x in cells.values()) if v]
    if not groups or not series or not values:
        return no_data(title)
    colours = list(colours or PALETTE[:len(series)])
    ticks = nice_ticks(min(values), max(values))
    top, bottom = ticks[-1], ticks[0]
    tick_fmt = tick_fmt or fmt
    left = max(text_width(tick_fmt(t), AXIS) for t in ticks) + 12
    legend, legend_px = _legend(series, colours, left, 4, width - 10)
    plot_top = legend_px + 14

    def y_of(value: Decimal) -> float:
        return plot_top + plot_px - float((value - bottom) / (top - bottom)) * plot_px

    group_px = (width - left - 10) / len(groups)
    column_px = group_px * 0.8 / len(series)
    parts = [legend, _y_axis(ticks, tick_fmt, left, width - 10, y_of)]
    label_lines = 1
    for gi, group in enumerate(groups):
        x0 = left + gi * group_px + group_px * 0.1
        for si, name in enumerate(series):
            value = _decimal(cells.get((group, name)))
            if not value:
                continue
            y, base = y_of(max(value, bottom)), y_of(max(Decimal(0), bottom))
            parts.append(f'<rect x="{x0 + si * column_px:.1f}" y="{min(y, base):.1f}" width="{column_px:.1f}" '
                         f'height="{abs(base - y):.1f}" fill="{colours[si]}">'
                         f"<title>{_esc(name)}, {_esc(group)}: {_esc(fmt(value))}</title></rect>")
        lines = wrap_label(group, group_px - 4, SMALL + 1)
        label_lines = max(label_lines, len(lines))
        parts.append(_label_block(x0 + group_px * 0.4, plot_top + plot_px + 10 + (len(lines) - 1) * 7, group,
                                  SMALL + 1, anchor="middle", max_px=group_px - 4))
    height = plot_top + plot_px + 16 + label_lines * (SMALL + 1) * LINE_HEIGHT
    return _svg(width, height, "".join(parts), title)


# -- Scatter -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Point:
    x: Decimal | float | int
    y: Decimal | float | int
    title: str  # the full description (tooltip)
    label: str = ""  # a short label drawn beside the point when it fits
    highlight: bool = False


def scatter(points: Sequence[Point], title: str, x_label: str, y_label: str, x_fmt: Formatter, y_fmt: Formatter,
            empty: str = "No data to chart.", width: float = 640, height: float = 380) -> SafeString:
    """One dot per point; both axes from 0 with round ticks; point labels placed where they do not overlap."""
    xs, ys = [Decimal(str(p.x)) for p in points], [Decimal(str(p.y)) for p in points]
    if not any(xs) or not any(ys):
        return no_data(title, empty)
    x_ticks, y_ticks = nice_ticks(0, max(xs)), nice_ticks(0, max(ys))
    left = max(text_width(y_fmt(t), AXIS) for t in y_ticks) + 12 + 22  # ticks + the rotated axis title
    right = width - max(12.0, text_width(x_fmt(x_ticks[-1]), SMALL) / 2 + 4)
    top, bottom = 16.0, height - 48

    def xy(point: Point) -> tuple[float, float]:
        return (left + float(Decimal(str(point.x)) / x_ticks[-1]) * (right - left),
                bottom - float(Decimal(str(point.y)) / y_ticks[-1]) * (bottom - top))

    parts = [_y_axis(y_ticks, y_fmt, left, right, lambda t: bottom - float(t / y_ticks[-1]) * (bottom - top))]
    for tick in x_ticks:
        x = left + float(tick / x_ticks[-1]) * (right - left)
        parts.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{bottom}" y2="{bottom + 4}" stroke="{MUTED}"/>'
                     + _text(x, bottom + 16, x_fmt(tick), SMALL, anchor="middle"))
    parts.append(f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="{MUTED}"/>'
                 f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="{MUTED}"/>')
    parts.append(_label_block((left + right) / 2, height - 12, x_label, anchor="middle", max_px=right - left))
    parts.append(f'<g transform="rotate(-90 14 {(top + bottom) / 2:.1f})">'
                 + _label_block(14, (top + bottom) / 2, y_label, anchor="middle", max_px=bottom - top) + "</g>")
    ordered = sorted(points, key=lambda p: p.highlight)  # highlighted dots drawn last, on top
    centres = [xy(point) for point in ordered]
    placed = [(cx - 4, cy - 4, cx + 4, cy + 4) for cx, cy in centres]  # labels keep off every dot
    for point, (cx, cy) in zip(ordered, centres, strict=True):
        colour = HIGHLIGHT if point.highlight else PALETTE[0]
        parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="4" fill="{colour}" fill-opacity="0.85">'
                     f"<title>{_esc(point.title)}</title></circle>")
    for point, (cx, cy) in reversed(list(zip(ordered, centres, strict=True))):  # highlighted labels first
        spot = _free_spot(point.label, cx, cy, placed, (left, top, width, height)) if point.label else None
        if spot:
            parts.append(_text(spot[0], spot[1], point.label, SMALL))
    return _svg(width, height, "".join(parts), title, "chart scatter")


def _free_spot(label: str, cx: float, cy: float, placed: list[Box],
               bounds: Box) -> tuple[float, float] | None:
    """Where a point's label fits (right, left, above, below the dot) without overlapping one already placed."""
    w, h = text_width(label, SMALL), SMALL
    min_x, min_y, max_x, max_y = bounds
    for x, y in ((cx + 6, cy + 4), (cx - 6 - w, cy + 4), (cx - w / 2, cy - 7), (cx - w / 2, cy + 4 + h + 2),
                 (cx - w / 2, cy - 7 - h - 2), (cx + 6, cy - 7), (cx - 6 - w, cy - 7)):
        box = (x, y - h, x + w, y + 2)
        inside = box[0] >= min_x and box[1] >= min_y and box[2] <= max_x and box[3] <= max_y
        if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
            placed.append(box)
            return x, y
    return None


# -- Line with a target ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Dated:
    day: date
    value: Decimal
    label: str  # e.g. "Baseline 2016" or the reporting period


def target_line(baseline: Dated, target: Dated, actuals: Sequence[Dated], title: str, fmt: Formatter = number_tick,
                width: float = 360, height: float = 170) -> SafeString:
    """The planned path from baseline to target (dashed) and the reported actuals (solid), on a time axis."""
    values = [baseline.value, target.value] + [a.value for a in actuals]
    low, high = min(values), max(values)
    ticks = nice_ticks(low if low < 0 else 0, high) if high > 0 or low < 0 else [Decimal(0), Decimal(1)]
    start, last = baseline.day, max([target.day] + [a.day for a in actuals])
    left = max(text_width(fmt(t), AXIS) for t in ticks) + 12
    right, top, bottom = width - 14, 10.0, height - 24

    def x_of(day: date) -> float:
        return left + (right - left) * (day - start).days / max((last - start).days, 1)

    def y_of(value: Decimal) -> float:
        return bottom - float((value - ticks[0]) / (ticks[-1] - ticks[0])) * (bottom - top)

    parts = [_y_axis(ticks, fmt, left, right, y_of),
             f'<line x1="{x_of(start):.1f}" y1="{y_of(baseline.value):.1f}" x2="{x_of(target.day):.1f}" '
             f'y2="{y_of(target.value):.1f}" stroke="{MUTED}" stroke-dasharray="4 3"/>']
    for mark, colour in ((baseline, MUTED), (target, PALETTE[0])):
        parts.append(f'<circle cx="{x_of(mark.day):.1f}" cy="{y_of(mark.value):.1f}" r="4" fill="{colour}">'
                     f"<title>{_esc(mark.label)}: {_esc(fmt(mark.value))}</title></circle>")
    if actuals:
        line = " ".join(f"{x_of(a.day):.1f},{y_of(a.value):.1f}" for a in actuals)
        parts.append(f'<polyline points="{line}" fill="none" stroke="{ACCENT}" stroke-width="2"/>')
        parts += [f'<circle cx="{x_of(a.day):.1f}" cy="{y_of(a.value):.1f}" r="3" fill="{ACCENT}">'
                  f"<title>{_esc(a.label)}: {_esc(fmt(a.value))}</title></circle>" for a in actuals]
    parts.append(_text(left, height - 6, str(start.year), SMALL)
                 + _text(right, height - 6, str(last.year), SMALL, anchor="end"))
    return _svg(width, height, "".join(parts), title, "chart indicator-chart")


# -- Sparkline ------------------------------------------------------------------------------------------------------

def sparkline(points: Sequence[tuple[int, Decimal | float | int | None]], label: str, width: int = 90,
              height: int = 22) -> SafeString | str:
    """A tiny trend line: points [(year, value)] oldest first, years spaced by time; "" for fewer than two."""
    numeric = [(year, float(value)) for year, value in points if value is not None]
    if len(numeric) < 2:
        return ""
    first, last = numeric[0][0], numeric[-1][0]
    low, high = min(v for _y, v in numeric), max(v for _y, v in numeric)
    span_x, span_y, pad = (last - first) or 1, (high - low) or 1, 3

    def xy(year: int, value: float) -> tuple[float, float]:
        return (pad + (year - first) / span_x * (width - 2 * pad),
                height - pad - (value - low) / span_y * (height - 2 * pad))

    coords = [xy(year, value) for year, value in numeric]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{SERIES[0]}"/>' for x, y in coords)
    body = f'<polyline points="{line}" fill="none" stroke="{SERIES[0]}" stroke-width="1.4"/>{dots}'
    return _svg(width, height, body, label, "spark")


# -- Maps (coordinates already projected by ddm.places.svgmap) -------------------------------------------------------

@dataclass(frozen=True)
class Area:
    code: str
    name: str
    path: str  # SVG path data
    fill: str | None = None  # None: the palette colour of its position
    css_class: str = ""  # e.g. "prov-EC": the page's stylesheet colours it (pages only; PDFs use `fill`)
    fill_opacity: float = 1.0
    href: str = ""  # the area links to this page (the map is then a group of links, not an image)
    title: str = ""  # the tooltip and link name; default "code name"


@dataclass(frozen=True)
class MapPoint:
    x: float
    y: float
    title: str
    weight: float | None = None  # the dot's area grows with it (e.g. a budget); None: all dots the same
    href: str = ""


def class_colour(position: int, total: int) -> str:
    """Colour of a place ranked `position` (1 = darkest) of `total`, in five equal-count classes."""
    if not total:
        return NO_CLASS
    index = min(len(CLASSES) - 1, (position - 1) * len(CLASSES) // total)
    return CLASSES[len(CLASSES) - 1 - index]


def area_colour(index: int) -> str:
    return PALETTE[index % len(PALETTE)]


def place_map(view_box: str, areas: Sequence[Area | tuple], outlines: Sequence[str | Area] = (),
              points: Sequence[MapPoint] = (), title: str = "Map", pixel_width: int = 640,
              element_id: str = "") -> SafeString:
    """Areas (coloured paths), thin outlines (e.g. wards: path data, or Areas to keep their names) and
    points; stroke widths scale with the view. Areas or points with an href are links, and the map is
    then role="group" (an image's children are hidden from assistive technology, links included)."""
    shapes = [a if isinstance(a, Area) else Area(*a) for a in areas]
    points = [p if isinstance(p, MapPoint) else MapPoint(*p) for p in points]
    _x0, _y0, w, h = (float(v) for v in view_box.split())
    stroke = w / 450
    parts = [_map_area(area, index, stroke) for index, area in enumerate(shapes)]
    parts.append(_outlines(outlines, stroke))
    parts.append(map_points(points, w))
    pixel_height = max(120, int(pixel_width * h / w)) if w else 480
    role = "group" if any(a.href for a in shapes) or any(p.href for p in points) else "img"
    id_attr = f' id="{_esc(element_id)}"' if element_id else ""
    return mark_safe(  # noqa: S308 - every text part is escaped by _esc
        f'<svg xmlns="http://www.w3.org/2000/svg"{id_attr} viewBox="{_esc(view_box)}" width="{pixel_width}" '
        f'height="{pixel_height}" role="{role}" aria-label="{_esc(title)}" class="map">'
        f'<title>{_esc(title)}</title>{"".join(parts)}</svg>')


def _map_area(area: Area, index: int, stroke: float) -> str:
    css = f' class="{_esc(area.css_class)}"' if area.css_class else ""
    name = area.title or f"{area.code} {area.name}"
    path = (f'<path d="{_esc(area.path)}"{css} fill="{_esc(area.fill or area_colour(index))}" '
            f'fill-opacity="{area.fill_opacity:g}" fill-rule="evenodd" stroke="{WHITE}" '
            f'stroke-width="{stroke * 2.5:.3f}" data-code="{_esc(area.code)}"><title>{_esc(name)}</title></path>')
    return f'<a href="{_esc(area.href)}" aria-label="{_esc(name)}">{path}</a>' if area.href else path


def _outlines(outlines: Sequence[str | Area], stroke: float) -> str:
    """Unnamed outlines as one path; named ones (Areas) one path each, with their name as tooltip."""
    attrs = f'fill="none" stroke="{WHITE}" stroke-opacity="0.6" stroke-width="{stroke * 0.8:.3f}" fill-rule="evenodd"'
    plain = "".join(o for o in outlines if isinstance(o, str))
    parts = [f'<path d="{_esc(plain)}" {attrs}/>'] if plain else []
    for line in (o for o in outlines if isinstance(o, Area)):
        css = f' class="{_esc(line.css_class)}"' if line.css_class else ""
        parts.append(f'<path d="{_esc(line.path)}"{css} {attrs}><title>{_esc(line.title or line.name)}</title></path>')
    return "".join(parts)


def map_points(points: Sequence[MapPoint], view_width: float) -> str:
    """Circles for located points; weighted points get an area proportional to their weight."""
    stroke = view_width / 450
    points = [p if isinstance(p, MapPoint) else MapPoint(*p) for p in points]
    largest = max((p.weight or 0 for p in points), default=0)
    parts = []
    for p in points:
        radius = stroke * 5
        if largest and p.weight is not None:
            radius = view_width / 120 + (view_width / 25) * math.sqrt(max(p.weight, 0) / largest)
        circle = (f'<circle cx="{p.x:.2f}" cy="{p.y:.2f}" r="{radius:.2f}" fill="{ACCENT}" fill-opacity="0.8" '
                  f'stroke="{INK}" stroke-width="{stroke * 0.8:.3f}" data-point="1"><title>{_esc(p.title)}</title>'
                  f"</circle>")
        parts.append(f'<a href="{_esc(p.href)}" aria-label="{_esc(p.title)}">{circle}</a>' if p.href else circle)
    return "".join(parts)


def add_points(map_svg: str, points: Sequence[MapPoint]) -> SafeString | str:
    """A map from place_map with located points drawn on top (its own view box sets their size)."""
    if not points or not map_svg:
        return map_svg
    view_width = float(map_svg.split('viewBox="', 1)[1].split('"', 1)[0].split()[2])
    return mark_safe(map_svg.replace("</svg>", map_points(points, view_width) + "</svg>"))  # noqa: S308 - escaped
