from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddm.investment import calendar as fy


def test_labels():
    assert fy.fy_label(2019) == "2019/20"
    assert fy.fy_label(1999) == "1999/00"
    assert fy.span_label(2019, 2023) == "2019/20-2023/24"
    assert fy.span_label(2019, 2019) == "2019/20"
    assert fy.span_label(None, None) is None
    assert fy.parse_fy_label("2019/20") == 2019
    with pytest.raises(ValueError):
        fy.parse_fy_label("FY2020")


def test_unknown_calendar_is_refused():
    with pytest.raises(ValueError, match="unknown calendar"):
        fy.calendar_month("october")


def test_april_year_in_the_july_calendar_is_nine_twelfths_and_three_twelfths():
    # April 2019-March 2020: July 2019-March 2020 (9 months) is July-year 2019/20, April-June 2019 is 2018/19.
    shares = fy.to_calendar(Decimal("1200.00"), 2019, 2019, 4, 7)
    assert [(s.year, s.amount, s.apportioned) for s in shares] == [
        (2018, Decimal("300.00"), True), (2019, Decimal("900.00"), True)]


def test_july_year_in_the_april_calendar():
    shares = fy.to_calendar(Decimal("1200.00"), 2019, 2019, 7, 4)
    assert [(s.year, s.amount) for s in shares] == [(2019, Decimal("900.00")), (2020, Decimal("300.00"))]


def test_same_calendar_single_year_is_not_apportioned():
    assert fy.to_calendar(Decimal("5.00"), 2020, 2020, 4, 4) == [fy.YearShare(2020, Decimal("5.00"), False)]


def test_multi_year_line_is_spread_evenly_with_rounding_in_the_last_share():
    shares = fy.to_calendar(Decimal("100.00"), 2019, 2021, 4, 4)
    assert [s.amount for s in shares] == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert all(s.apportioned for s in shares)


def test_line_without_years_stays_whole():
    assert fy.to_calendar(Decimal("7.00"), None, None, 4, 7) == [fy.YearShare(None, Decimal("7.00"), False)]


cents = st.integers(min_value=0, max_value=10**14).map(lambda c: Decimal(c) / 100)


@given(amount=cents, first=st.integers(2000, 2040), span=st.integers(0, 7),
       stated=st.sampled_from([1, 3, 4, 7, 10]), target=st.sampled_from([4, 7]))
def test_calendar_splits_sum_exactly_to_the_line(amount, first, span, stated, target):
    shares = fy.to_calendar(amount, first, first + span, stated, target)
    assert sum(s.amount for s in shares) == amount
    assert all(s.amount >= 0 for s in shares)
    months = (span + 1) * 12
    # Each share but the last is its months' proportion of the line cut to the cent; the last takes the rest.
    start, end = fy.months_of(first, first + span, stated)
    for s in shares[:-1]:
        y_start, y_end = fy.months_of(s.year, s.year, target)
        overlap = min(end, y_end) - max(start, y_start)
        assert Decimal(0) <= amount * overlap / months - s.amount < Decimal("0.01")
    years = [s.year for s in shares]
    assert years == sorted(set(years))


@given(amount=cents, shares=st.lists(st.one_of(st.none(), st.integers(0, 100).map(lambda p: Decimal(p) / 100)),
                                     min_size=1, max_size=6))
def test_location_splits_sum_exactly_to_the_amount(amount, shares):
    parts = fy.split_locations(amount, shares)
    assert len(parts) == len(shares)
    assert sum(parts) == amount


def test_blank_shares_split_what_explicit_shares_leave():
    assert fy.split_locations(Decimal("100.00"), [Decimal("0.5"), None, None]) == [
        Decimal("50.00"), Decimal("25.00"), Decimal("25.00")]
    assert fy.split_locations(Decimal("10.00"), [None, None, None]) == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]


@given(amount=cents, n=st.integers(1, 8))
def test_equal_shares_shortcut_matches_the_general_split(amount, n):
    assert fy.split_locations(amount, [None] * n) == fy.split_exact(amount, [1] * n)
