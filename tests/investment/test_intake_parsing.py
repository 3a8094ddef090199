"""Intake parsers: amounts, financial years, coordinates, dates, flags, sectors."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddm.investment.intake.parsing import (
    ParseError,
    fy_header,
    parse_amount,
    parse_bool,
    parse_coordinate,
    parse_date,
    parse_fy,
    parse_kind,
    parse_point,
    parse_sector,
)
from ddm.investment.models import BudgetKind, Sector
from ddm.places.lookups import outside_sa_hint


@pytest.mark.parametrize("text, expected", [
    ("R 1 234 567,89", "1234567.89"),
    ("1,234,567.89", "1234567.89"),
    ("1 234 567", "1234567.00"),
    ("R17.1 billion", "17100000000.00"),
    ("R922 million", "922000000.00"),
    ("12.5m", "12500000.00"),
    ("R12.5bn", "12500000000.00"),
    ("5 Rm", "5000000.00"),
    ("(1 234)", "-1234.00"),
    ("R -5", "-5.00"),
    ("1\u00a0234,50", "1234.50"),
    ("1,234", "1234.00"),
    ("1.5", "1.50"),
])
def test_amounts_as_officials_write_them(text, expected):
    assert parse_amount(text) == Decimal(expected)


def test_header_unit_scales_and_cell_unit_wins():
    assert parse_amount("1 200", Decimal(1000)) == Decimal("1200000.00")
    assert parse_amount(1.5, Decimal(10) ** 6) == Decimal("1500000.00")
    assert parse_amount("R2 billion", Decimal(1000)) == Decimal("2000000000.00")


@pytest.mark.parametrize("text", [None, "", "-", "–", "nil", "N/A", "none"])
def test_no_amount_is_none_not_zero(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize("text", ["abc", "1 23", "12,34,5", "R", "1.2.3,4.5"])
def test_unclear_amounts_are_refused(text):
    with pytest.raises(ParseError):
        parse_amount(text)


def test_excel_floats_become_exact_cents():
    assert parse_amount(0.1 + 0.2) == Decimal("0.30")
    assert parse_amount(1234567.89) == Decimal("1234567.89")
    assert parse_amount(7) == Decimal("7.00")
    with pytest.raises(ParseError):
        parse_amount(True)


@given(st.decimals(min_value=0, max_value=10 ** 12, places=2, allow_nan=False, allow_infinity=False))
def test_amount_round_trips_through_sa_and_english_formats(amount):
    integer, _, cents = f"{amount:.2f}".partition(".")
    groups = f"{int(integer):,}"
    assert parse_amount(f"R {groups.replace(',', ' ')},{cents}") == amount
    assert parse_amount(f"{groups}.{cents}") == amount
    assert parse_amount(float(amount)) == amount  # the float nearest the amount, back to cents


@pytest.mark.parametrize("text, expected", [
    ("2019/20", (2019, 2019)), ("2019/2020", (2019, 2019)), ("2019-20", (2019, 2019)),
    ("2019\u201320", (2019, 2019)), ("FY2019/20", (2019, 2019)), ("Budget 2020/21", (2020, 2020)),
    ("MTEF 2021/22", (2021, 2021)), ("2019/20\u20132023/24", (2019, 2023)), ("2019/20 - 2023/24", (2019, 2023)),
    ("1999/00", (1999, 1999)),
])
def test_financial_years(text, expected):
    assert parse_fy(text) == expected


@pytest.mark.parametrize("text", ["FY2020", "2020", 2020, "2020.0"])
def test_a_bare_year_is_ambiguous_and_asks_for_the_explicit_form(text):
    with pytest.raises(ParseError, match=r"ambiguous.*2019/20 or 2020/21"):
        parse_fy(text)


def test_mismatched_and_reversed_years_are_refused():
    with pytest.raises(ParseError, match="not one financial year"):
        parse_fy("2019/21")
    with pytest.raises(ParseError, match="ends before"):
        parse_fy("2023/24-2019/20")


@given(st.integers(min_value=1990, max_value=2090), st.integers(min_value=0, max_value=9))
def test_any_span_parses_to_its_start_years(first, length):
    last = first + length
    label = f"{first}/{(first + 1) % 100:02d}-{last}/{(last + 1) % 100:02d}"
    assert parse_fy(label) == (first, last)


def test_year_column_headers():
    assert fy_header("Budget 2020/21 (R'000)") == (2020, 2020, BudgetKind.BUDGET)
    assert fy_header("Adjusted 2019/20") == (2019, 2019, BudgetKind.ADJUSTED)
    assert fy_header("Audited outcome 2017/18")[2] == BudgetKind.ACTUAL
    assert fy_header("Total 2019/20-2023/24")[:2] == (2019, 2023)
    assert isinstance(fy_header("FY2020")[0], ParseError)
    assert fy_header("Project name") is None and fy_header("Financial year") is None


@pytest.mark.parametrize("text, axis, expected", [
    ("29°51'31\"S", "lat", -(29 + 51 / 60 + 31 / 3600)),
    ("31 01 18 E", "lon", 31 + 1 / 60 + 18 / 3600),
    ("29 51.5 S", "lat", -(29 + 51.5 / 60)),
    ("S29.8587", "lat", -29.8587),
    ("-29.8587", "lat", -29.8587),
    (31.0218, "lon", 31.0218),
])
def test_coordinates(text, axis, expected):
    assert parse_coordinate(text, axis) == pytest.approx(expected)


def test_coordinate_errors():
    with pytest.raises(ParseError, match=r"longitude .E. in the latitude column"):
        parse_coordinate("31 01 18 E", "lat")
    with pytest.raises(ParseError, match="between -90 and 90"):
        parse_coordinate(129.5, "lat")
    with pytest.raises(ParseError, match="below 60"):
        parse_coordinate("29 75 00 S", "lat")


def test_combined_coordinates_cell():
    assert parse_point("-29.861855, 31.020099") == (-29.861855, 31.020099)
    lat, lon = parse_point("29°51'31\"S 31°01'18\"E")
    assert lat == pytest.approx(-29.8586, abs=1e-4) and lon == pytest.approx(31.0217, abs=1e-4)
    with pytest.raises(ParseError):
        parse_point("various")


def test_hint_for_points_outside_sa_says_where_and_changes_nothing():
    def locate(lat, lon):  # a stand-in for the locator: only a box around Durban is "inside"
        return "eThekwini" if -30.5 < lat < -29.5 and 30.5 < lon < 31.5 else None

    assert "did you mean -29.85, 31.02 (eThekwini), with latitude and longitude swapped" in outside_sa_hint(
        31.02, -29.85, locate)
    assert "latitude made negative" in outside_sa_hint(29.85, 31.02, locate)
    assert "the value was not changed" in outside_sa_hint(29.85, 31.02, locate)
    assert outside_sa_hint(51.5, -0.12, locate) == ""


def test_dates_flags_kinds_sectors():
    import datetime as dt

    april = dt.date(2020, 4, 1)
    assert {parse_date(v) for v in ("1 April 2020", "2020/04/01", "2020-04-01", "01/04/2020", 43922.0)} == {april}
    with pytest.raises(ParseError):
        parse_date("soon")
    assert [parse_bool(v) for v in ("yes", "Y", "x", "no", "n", None)] == [True, True, True, False, False, None]
    with pytest.raises(ParseError):
        parse_bool("maybe")
    assert parse_kind("Audited Outcome") == BudgetKind.ACTUAL
    assert parse_kind("Adjusted budget") == BudgetKind.ADJUSTED
    assert parse_sector("Water & Sanitation") == (Sector.WATER, True)
    assert parse_sector("Sewer reticulation") == (Sector.SANITATION, True)
    assert parse_sector("Justice, Crime Prevention and Security") == (Sector.SAFETY, True)
    assert parse_sector("Roads and transport") == (Sector.TRANSPORT, True)
    assert parse_sector("Something else entirely") == (Sector.GOVERNANCE, False)
