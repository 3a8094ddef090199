"""ddm.charts: every label inside the drawing, all text escaped, no inline style, a message for no data."""

import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal

import pytest

from ddm import charts

NS = "{http://www.w3.org/2000/svg}"
LONG = "Persons with piped water inside their dwelling or in their yard, or within 200 m of it"
HOSTILE = 'Water <script>alert("x")</script> & "sanitation"'


def parse(svg):
    root = ET.fromstring(str(svg))  # noqa: S314 - our own output; well-formed XML, so every text is escaped
    # a drawing is an image; a map with links is a group (an image hides its links from screen readers)
    links = root.findall(f".//{NS}a")
    assert root.get("role") == ("group" if links else "img") and root.get("aria-label")
    assert all(link.get("aria-label") for link in links)
    assert root.find(f"{NS}title") is not None
    return root


def extents(root):
    """(text, left, right, y) of every drawn line of text, from the same width estimate the module uses."""
    for node in root.iter(f"{NS}text"):
        anchor = node.get("text-anchor", "start")
        size = float(node.get("font-size"))
        lines = [(t.text or "", t.get("x"), t.get("y")) for t in node.iter(f"{NS}tspan")] or \
                [(node.text or "", node.get("x"), node.get("y"))]
        for text, x, y in lines:
            width = charts.text_width(text, size)
            left = float(x) - {"start": 0, "middle": width / 2, "end": width}[anchor]
            yield text, left, left + width, float(y)


def assert_inside(svg):
    root = parse(svg)
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    if root.find(f".//{NS}g[@transform]") is not None:  # a rotated axis title: checked on its own
        for group in root.iter(f"{NS}g"):
            for text in list(group):
                group.remove(text)
    for text, left, right, y in extents(root):
        assert left >= 0 and right <= width, f"{text!r} spans {left:.1f}..{right:.1f}, outside 0..{width}"
        assert 0 < y <= height, f"{text!r} at y={y}, outside 0..{height}"
    return root


def assert_no_inline_style(svg):
    assert "style=" not in str(svg) and "<style" not in str(svg)


def test_text_width_grows_with_length_and_size():
    assert charts.text_width("WWW", 12) > charts.text_width("iii", 12)
    assert charts.text_width("R91.9 bn", 24) == 2 * charts.text_width("R91.9 bn", 12)


def test_long_labels_wrap_then_cut_with_the_full_text_in_a_title():
    lines = charts.wrap_label(LONG)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(charts.text_width(line) <= charts.MAX_LABEL_PX for line in lines)
    svg = charts.bars([(LONG, 5, "5"), ("Short", 10, "10")], "t")
    assert_inside(svg)
    assert f"<title>{LONG}</title>" in str(svg)


def test_bars_measure_their_label_column_and_value_text():
    rows = [(LONG, Decimal("1457382"), "1 457 382 (99.4%)"), ("White", Decimal("1199"), "1 199 (0.1%)")]
    root = assert_inside(charts.bars(rows, "Population group"))
    rects = root.findall(f"{NS}rect")
    assert float(rects[0].get("width")) == 260  # the largest value fills the bar
    assert float(rects[1].get("width")) == pytest.approx(260 * 1199 / 1457382, abs=0.1)


def test_grouped_bars_with_long_series_names_and_missing_values():
    rows = [(LONG, [Decimal("38.1"), None, Decimal("100")]), ("Flush toilet", [Decimal("0"), Decimal("58.7"), None])]
    svg = charts.grouped_bars(rows, ["O.R. Tambo District Municipality", "Eastern Cape", "South Africa"], "Services",
                              maximum=100)
    assert_inside(svg)
    assert "no data" in str(svg) and "38.1%" in str(svg) and "100.0%" in str(svg)


def test_columns_y_axis_is_as_wide_as_its_billion_rand_ticks():
    cells = {("2019/20", "National"): Decimal("91857228000.00"), ("years not stated", "Private (beside, not added)"):
             Decimal("155000.00")}
    svg = charts.columns(["2019/20", "years not stated"], ["National", "Private (beside, not added)"], cells,
                         "Budget", fmt=charts.money_tick)
    root = assert_inside(svg)
    ticks = [t for t, _l, _r, _y in extents(root) if t.startswith("R")]
    assert ticks == ["R0", "R25 bn", "R50 bn", "R75 bn", "R100 bn"]


@pytest.mark.parametrize(("value", "text"), [(Decimal("80000000"), "R80 m"), (Decimal("2500000000"), "R2.5 bn"),
                                             (Decimal("500"), "R500"), (Decimal("1000"), "R1 000"), (Decimal(0), "R0")])
def test_money_ticks_read_as_rand_short_without_padding_decimals(value, text):
    assert charts.money_tick(value) == text


def test_nice_ticks_are_round_and_cover_the_values():
    assert charts.nice_ticks(0, Decimal("71.7")) == [0, 20, 40, 60, 80]
    assert charts.nice_ticks(0, Decimal("9")) == [0, Decimal("2.5"), 5, Decimal("7.5"), 10]
    assert charts.percent_tick(Decimal("7.5")) == "7.5%" and charts.number_tick(Decimal(1000)) == "1 000"


def test_scatter_labels_stay_inside_and_never_overlap():
    points = [charts.Point(Decimal(i % 7), Decimal(0), f"zone {i}", label=f"DC{i}", highlight=True) for i in range(30)]
    points.append(charts.Point(Decimal("65.3"), Decimal("1234567"), "far", label="ETH"))
    svg = charts.scatter(points, "Water", LONG, "spend per capita (R)", charts.percent_tick, charts.money_tick)
    root = assert_inside(svg)
    boxes = [(left, y - charts.SMALL, right, y) for text, left, right, y in extents(root) if text.startswith("DC")]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert not (a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]), (a, b)
    assert len(root.findall(f".//{NS}circle")) == 31


def test_all_zero_or_empty_data_says_so_instead_of_drawing():
    zero = [charts.Point(Decimal(10), Decimal(0), "DC15", label="DC15"), charts.Point(Decimal(20), Decimal(0), "DC44")]
    svg = charts.scatter(zero, "Water", "backlog", "spend", charts.percent_tick, charts.money_tick,
                         empty="No spending in the water sector.")
    assert "No spending in the water sector." in str(svg) and "<circle" not in str(svg)
    assert_inside(svg)
    for empty in (charts.bars([], "t"), charts.bars([("a", 0, "0")], "t"), charts.grouped_bars([("a", [None])], ["x"], "t"),
                  charts.columns(["2020/21"], ["National"], {}, "t", fmt=charts.money_tick)):
        assert "No data to chart." in str(empty) and "<rect x=\"0.5\"" in str(empty)
    assert charts.sparkline([(2016, 1)], "one point") == ""


def test_every_text_is_escaped_and_no_inline_style():
    drawings = [
        charts.bars([(HOSTILE, 1, HOSTILE)], HOSTILE),
        charts.grouped_bars([(HOSTILE, [Decimal(5)])], [HOSTILE], HOSTILE),
        charts.columns([HOSTILE], [HOSTILE], {(HOSTILE, HOSTILE): Decimal(5)}, HOSTILE, fmt=charts.money_tick),
        charts.scatter([charts.Point(1, 1, HOSTILE, label=HOSTILE)], HOSTILE, HOSTILE, HOSTILE, charts.percent_tick,
                       charts.money_tick),
        charts.target_line(charts.Dated(date(2016, 12, 31), Decimal(10), HOSTILE),
                           charts.Dated(date(2030, 12, 31), Decimal(60), HOSTILE),
                           [charts.Dated(date(2021, 6, 30), Decimal(33), HOSTILE)], HOSTILE),
        charts.sparkline([(2011, 1), (2022, 2)], HOSTILE),
        charts.place_map("0 0 100 50", [charts.Area("X", HOSTILE, "M0 0L1 1Z")], ["M0 0L2 2Z"],
                         [charts.MapPoint(1, 2, HOSTILE, weight=5, href='/x?a="b"')], HOSTILE),
        charts.no_data(HOSTILE, HOSTILE),
    ]
    for svg in drawings:
        parse(svg)
        assert "<script>" not in str(svg) and "&lt;script&gt;" in str(svg)
        assert_no_inline_style(svg)


def test_target_line_axis_fits_its_values():
    svg = charts.target_line(charts.Dated(date(2016, 12, 31), Decimal("1250000"), "Baseline 2016"),
                             charts.Dated(date(2030, 12, 31), Decimal("2500000"), "Target 2030"),
                             [charts.Dated(date(2021, 6, 30), Decimal("1800000.5"), "2021")], "Households served")
    root = assert_inside(svg)
    assert [t for t, *_rest in extents(root)][:4] == ["0", "1 000 000", "2 000 000", "3 000 000"]


def test_map_points_scale_with_weight_and_link():
    svg = charts.place_map("0 0 450 300", [("A", "Area A", "M0 0L10 10Z", None)], points=[
        charts.MapPoint(10, 10, "big", weight=100, href="/investment/projects/1/"), charts.MapPoint(20, 20, "small", weight=1)])
    root = parse(svg)
    big, small = root.iter(f"{NS}circle")
    assert float(big.get("r")) > float(small.get("r"))
    assert 'href="/investment/projects/1/"' in str(svg)
    assert charts.add_points(svg, [(5, 5, "added")]).count("<circle") == 3
