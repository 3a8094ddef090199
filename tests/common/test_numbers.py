"""ddm.numbers: one South African style for every figure (hand-computed expectations)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.template import engines
from hypothesis import given
from hypothesis import strategies as st

from ddm import exports, numbers


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("91857228000.00"), "R91.9 bn"),
    (Decimal("10400000000.00"), "R10.4 bn"),
    (Decimal("922000000"), "R922 m"),
    (Decimal("71700000"), "R71.7 m"),
    (Decimal("999960000"), "R1.0 bn"),
    (Decimal("155000.00"), "R155 000"),
    (Decimal("999.50"), "R1 000"),
    (0, "R0"),
    (Decimal("-2500000"), "-R2.5 m"),
    (None, ""),
])
def test_short_money(value, expected):
    assert numbers.rand_short(value) == expected


def test_short_money_with_fixed_places_keeps_a_finding_distinct():
    assert numbers.rand_short(Decimal("55802300000"), 2) == "R55.80 bn"


@pytest.mark.parametrize(("value", "expected"), [
    (Decimal("91857228000"), "R91 857 228 000.00"),
    (Decimal("0.5"), "R0.50"),
    (Decimal("-1234.565"), "-R1 234.57"),
    (1000, "R1 000.00"),
])
def test_exact_money(value, expected):
    assert numbers.rand_exact(value) == expected


def test_counts_areas_and_shares():
    assert numbers.number(1457382) == "1 457 382"
    assert numbers.number(Decimal("12141.4")) == "12 141"
    assert numbers.number(Decimal("2.345"), 2) == "2.35"
    assert numbers.area(Decimal("12141.49")) == "12 141 km²"
    assert numbers.share(Decimal("0.4254")) == "42.5%"
    assert numbers.number(None) == "" and numbers.number("n/a") == ""


@given(st.integers(min_value=-(10 ** 15), max_value=10 ** 15))
def test_grouping_reads_back_as_the_same_integer(value):
    text = numbers.number(value)
    assert int(text.replace(" ", "")) == value
    assert all(len(group) == 3 for group in text.lstrip("-").split(" ")[1:])


def test_money_filter_is_built_in_and_carries_the_exact_value_on_hover():
    template = engines["django"].from_string("{{ amount|money }} {{ people|number }} {{ km|area }}")
    html = template.render({"amount": Decimal("91857228000"), "people": 1457382, "km": 12141})
    assert html == '<span class="money" title="R91 857 228 000.00">R91.9 bn</span> 1 457 382 12 141 km²'


def test_xlsx_money_cells_have_a_number_format_not_general():
    data = exports.xlsx_bytes([("t", ["amount", "year"], [[Decimal("1234567.89"), 2022]])])
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == 1234567.89 and sheet["A2"].number_format == "#,##0.00"
    assert sheet["B2"].value == 2022 and sheet["B2"].number_format == "General"
