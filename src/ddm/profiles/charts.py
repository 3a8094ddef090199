"""Server-rendered SVG charts and maps for profiles: hand-built, no JavaScript, no network.

Every style is inline (no CSS classes) so the same SVG renders in the page and in the typst PDF.
Labels are XML-escaped here; the callers mark the returned strings safe.
"""

from xml.sax.saxutils import escape

FONT = 'font-family="Helvetica, Arial, sans-serif" font-size="12"'
PALETTE = ["#1d4e89", "#4e79a7", "#76b7b2", "#59a14f", "#edc948", "#f28e2b", "#e15759", "#b07aa1", "#9c755f",
           "#ff9da7", "#bab0ac", "#86bcb6"]
SERIES = ["#1d4e89", "#f2b134", "#8a96a3"]
# Choropleth: light to dark, the darker the worse (or the higher, for neutral indicators).
CLASSES = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"]


def _svg(width, height, body, label):
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" class="chart">'
            f'<title>{escape(label)}</title>{body}</svg>')


def bar_chart(rows, title, label_width=230, bar_width=260, color=PALETTE[0]):
    """Horizontal bars. rows: [(label, share 0..1, value text)] in display order."""
    row_height, top = 22, 8
    height = top + row_height * len(rows) + 8
    parts = []
    for index, (label, share, text) in enumerate(rows):
        y = top + index * row_height
        length = max(0.0, float(share)) * bar_width
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" text-anchor="end" {FONT} fill="#1b2430">{escape(label)}</text>'
            f'<rect x="{label_width}" y="{y + 3}" width="{length:.1f}" height="{row_height - 6}" fill="{color}">'
            f'<title>{escape(label)}: {escape(text)}</title></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{y + 15}" {FONT} fill="#1b2430">{escape(text)}</text>'
        )
    return _svg(label_width + bar_width + 90, height, "".join(parts), title)


def grouped_bars(rows, series, title, label_width=250, bar_width=240):
    """Percentages side by side. rows: [(label, [share 0..100 or None per series])]; series: names."""
    bar, gap = 10, 10
    legend_height = 22
    group_height = bar * len(series) + gap
    height = legend_height + group_height * len(rows) + 6
    parts = []
    for index, name in enumerate(series):
        x = label_width + index * 120
        parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{SERIES[index % 3]}"/>'
                     f'<text x="{x + 14}" y="13" {FONT} fill="#1b2430">{escape(name)}</text>')
    for row_index, (label, values) in enumerate(rows):
        y0 = legend_height + row_index * group_height
        parts.append(f'<text x="{label_width - 6}" y="{y0 + bar * len(series) / 2 + 4:.1f}" text-anchor="end" '
                     f'{FONT} fill="#1b2430">{escape(label)}</text>')
        for index, value in enumerate(values):
            y = y0 + index * bar
            if value is None:
                parts.append(f'<text x="{label_width + 2}" y="{y + 9}" font-size="9" fill="#5b6675">no data</text>')
                continue
            length = max(0.0, min(100.0, float(value))) / 100 * bar_width
            parts.append(
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 1}" fill="{SERIES[index % 3]}">'
                f'<title>{escape(series[index])}: {float(value):.1f}%</title></rect>'
                f'<text x="{label_width + length + 3:.1f}" y="{y + 8.5}" font-size="9" '
                f'font-family="Helvetica, Arial, sans-serif" fill="#1b2430">{float(value):.1f}%</text>'
            )
    return _svg(label_width + bar_width + 60, height, "".join(parts), title)


def place_map(view_box, areas, outlines=(), points=(), title="Map"):
    """A map: areas [(code, name, svg path, fill or None)], thin outlines (ward paths), points [(x, y, label)].

    Coordinates are those of ddm.places.svgmap (already projected); stroke widths scale with the view.
    """
    width = float(view_box.split()[2])
    stroke = width / 450
    parts = []
    for index, (code, name, path, fill) in enumerate(areas):
        colour = fill or PALETTE[index % len(PALETTE)]
        parts.append(f'<path d="{path}" fill="{colour}" fill-rule="evenodd" stroke="#ffffff" '
                     f'stroke-width="{stroke * 2.5:.3f}" data-code="{escape(code)}">'
                     f'<title>{escape(code)} {escape(name)}</title></path>')
    if outlines:
        parts.append(f'<path d="{"".join(outlines)}" fill="none" stroke="#ffffff" stroke-opacity="0.6" '
                     f'stroke-width="{stroke * 0.8:.3f}" fill-rule="evenodd"/>')
    for x, y, label in points:
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{stroke * 5:.2f}" fill="#f2b134" stroke="#1b2430" '
                     f'stroke-width="{stroke * 0.8:.3f}"><title>{escape(label)}</title></circle>')
    _x0, _y0, w, h = (float(v) for v in view_box.split())
    pixel_width = 640
    pixel_height = max(120, int(pixel_width * h / w)) if w else 480
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{view_box}" width="{pixel_width}" '
            f'height="{pixel_height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}" class="map">'
            f'<title>{escape(title)}</title>{"".join(parts)}</svg>')


def class_colour(position, total):
    """Colour of a place ranked `position` (1 = darkest) of `total`, in five equal-count classes."""
    if not total:
        return "#eeeeee"
    index = min(len(CLASSES) - 1, (position - 1) * len(CLASSES) // total)
    return CLASSES[len(CLASSES) - 1 - index]


def add_points(map_svg, points):
    """The map with located points (projected x, y, label) drawn on top."""
    if not points or not map_svg:
        return map_svg
    width = float(map_svg.split('viewBox="', 1)[1].split('"', 1)[0].split()[2])
    stroke = width / 450
    circles = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{stroke * 5:.2f}" fill="#f2b134" stroke="#1b2430" '
        f'stroke-width="{stroke * 0.8:.3f}" data-point="1"><title>{escape(label)}</title></circle>'
        for x, y, label in points
    )
    return map_svg.replace("</svg>", circles + "</svg>")


def sparkline(points, label, width=90, height=22):
    """A tiny trend line: points [(year, value)] oldest first; years spaced by time, not evenly."""
    points = [(year, float(value)) for year, value in points if value is not None]
    if len(points) < 2:
        return ""
    first, last = points[0][0], points[-1][0]
    low, high = min(v for _y, v in points), max(v for _y, v in points)
    span_x, span_y = (last - first) or 1, (high - low) or 1
    pad = 3

    def xy(year, value):
        return (pad + (year - first) / span_x * (width - 2 * pad),
                height - pad - (value - low) / span_y * (height - 2 * pad))

    coords = [xy(year, value) for year, value in points]
    line = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
    dots = "".join(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{SERIES[0]}"/>' for x, y in coords)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
            f'height="{height}" role="img" aria-label="{escape(label, {chr(34): "&quot;"})}" class="spark">'
            f'<title>{escape(label)}</title><polyline points="{line}" fill="none" stroke="{SERIES[0]}" '
            f'stroke-width="1.4"/>{dots}</svg>')
