"""The fast quantum (integer cents, splits marked in SQL, rows built straight from the located rows)
equals a plain Decimal reference on generated registers: the reference splits every project's
amounts over its locations with calendar.split_locations and spreads every group over years with
calendar.to_calendar, exactly as the quantum's rules say (splits on group sums)."""

from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddm.accounts.models import Organisation
from ddm.investment import calendar as fy
from ddm.investment import located, quantum
from ddm.investment.models import BudgetLine, Location, Project
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
D = Decimal
ZONES = ("ETH", "DC36", "DC15")
MUNICIPALITIES = ("LIM367", "EC157")  # in DC36 and DC15
SPHERES = ("national", "provincial", "local", "parastatal", "private")


# ---------------------------------------------------------------------------------------------
# The reference: the quantum's rules, line by line, in Decimal.

def reference_groups():
    """{group key (quantum.GROUP_FIELDS): Decimal} over all zones."""
    groups = defaultdict(lambda: D("0.00"))
    for project in Project.objects.filter(duplicate_of__isnull=True).prefetch_related("locations", "budget_lines"):
        locations = sorted(project.locations.all(), key=lambda loc: loc.pk)
        if not locations:
            continue
        sums = defaultdict(lambda: D("0.00"))
        for line in project.budget_lines.all():
            sums[(line.kind, line.fy_first, line.fy_last, line.fy_start_month)] += line.amount
        for (kind, first, last, month), amount in sums.items():
            parts = fy.split_locations(amount, [loc.share for loc in locations])
            for loc, part in zip(locations, parts, strict=True):
                if loc.zone_id is None:
                    continue
                groups[(loc.zone_id, project.organisation_id, kind, first, last, month, project.sector,
                        project.is_aggregate, loc.municipality_id, loc.precision)] += part
    return dict(groups)


def reference_rows(groups, calendar, view, include_private):
    """The quantum's rows from Decimal groups, as the rules say (the pre-integer implementation)."""
    target_month = fy.calendar_month(calendar)
    organisations = {o.pk: o for o in Organisation.objects.all()}
    places = dict(Place.objects.values_list("pk", "code"))
    cells = defaultdict(lambda: D("0.00"))
    for (_zone, org_id, kind, first, last, month, sector, aggregate, m_id, precision), amount in groups.items():
        if not include_private and organisations[org_id].sphere == "private":
            continue
        sector = None if aggregate else sector
        single = first is not None and (last is None or last == first)
        if view == "stated":
            shares = [(fy.span_label(first, last, month), first if single else None, amount, False)]
        else:
            shares = [(fy.fy_label(s.year, target_month), s.year, s.amount, s.apportioned)
                      for s in fy.to_calendar(amount, first, last, month, target_month)]
        for label, year, part, apportioned in shares:
            cells[(org_id, label, kind, apportioned, sector, m_id, precision, aggregate, month, year)] += part
    rows = []
    for (org_id, label, kind, apportioned, sector, m_id, precision, aggregate, month, year), amount in cells.items():
        o = organisations[org_id]
        rows.append(quantum.QRow(o.sphere, o.code, o.name, label, kind, amount, apportioned, sector,
                                 places.get(m_id), precision, aggregate, fy.calendar_name(month), year))
    return rows


def comparable(rows):
    """Rows as a multiset, amounts by their text (so 1.00 and 1.0 differ)."""
    return Counter(tuple(str(v) if isinstance(v, Decimal) else v for v in row) for row in rows)


# ---------------------------------------------------------------------------------------------
# Generated registers.

years = st.integers(min_value=2015, max_value=2026)
cents = st.one_of(st.integers(min_value=-10**6, max_value=10**13), st.sampled_from([0, 1, 2, 99, 100, 101]))
line = st.tuples(cents, st.one_of(st.none(), years), st.integers(min_value=0, max_value=4),
                 st.sampled_from(["budget", "planned", "actual"]), st.sampled_from([4, 4, 7, 10, 1]),
                 st.booleans())
share = st.one_of(st.none(), st.none(), st.sampled_from([D("0"), D("0.25"), D("0.5"), D("0.33333333"), D("1")]))
place = st.one_of(st.sampled_from(ZONES), st.sampled_from(MUNICIPALITIES), st.none())
project = st.fixed_dictionaries({
    "org": st.integers(min_value=0, max_value=5),
    "sector": st.sampled_from(["water", "energy", "health"]),
    "aggregate": st.booleans(),
    "duplicate": st.integers(min_value=0, max_value=9),
    "lines": st.lists(line, min_size=1, max_size=4),
    "locations": st.lists(st.tuples(place, share, st.sampled_from(["point", "ward", None])), min_size=1, max_size=3),
})
register = st.lists(project, min_size=1, max_size=12)


def last_year(first, span, open_end):
    """fy_last for a generated line: none stated, the first year again, blank (one year) or a span."""
    if first is None:
        return None
    if span == 0:
        return None if open_end else first
    return first + span


def build(projects):
    zones = {p.code: p for p in Place.objects.current().filter(level="zone", code__in=ZONES)}
    munis = {p.code: p for p in Place.objects.current().filter(level="municipality", code__in=MUNICIPALITIES)}
    orgs = [Organisation.objects.get_or_create(code=f"eq-{i}", defaults=dict(
        name=f"Equivalence {i % 3}", sphere=SPHERES[i % 5], kind="department", fy_start_month=7 if i == 2 else 4))[0]
        for i in range(6)]
    made = []
    for i, spec in enumerate(projects):
        original = made[0] if made and spec["duplicate"] == 0 else None
        item = Project.objects.create(organisation=orgs[spec["org"]], reference=f"EQ{i}", title=f"EQ{i}",
                                      sector=spec["sector"], is_aggregate=spec["aggregate"], duplicate_of=original)
        made.append(item)
        BudgetLine.objects.bulk_create([
            BudgetLine(project=item, amount=D(amount) / 100, fy_first=first, fy_last=last_year(first, span, open_end),
                       kind=kind, fy_start_month=month)
            for amount, first, span, kind, month, open_end in spec["lines"]])
        locations = []
        for where, weight, precision in spec["locations"]:
            muni = munis.get(where)
            zone = zones.get(where) or (muni.parent if muni else None)
            locations.append(Location(project=item, place=muni or zone, municipality=muni, zone=zone, share=weight,
                                      province_id=zone.province_id if zone else None,
                                      precision=precision or ("municipality" if muni else "zone")))
        Location.objects.bulk_create(locations)


def check_register(projects, monkeypatch, integer_limit):
    monkeypatch.setattr(located, "INTEGER_LIMIT", integer_limit)
    with transaction.atomic():
        build(projects)
        groups = reference_groups()
        fast = quantum.grouped_amounts(None)
        assert dict(fast) == groups
        assert {k: str(v) for k, v in fast.items()} == {k: str(v) for k, v in groups.items()}
        for code in ZONES:
            zone = Place.objects.zones().get(code=code)
            in_zone = {k: v for k, v in groups.items() if k[0] == zone.pk}
            for calendar in ("april", "july"):
                for view in ("annual", "stated"):
                    for include_private in (True, False):
                        q = quantum.zone_quantum(code, calendar=calendar, view=view, include_private=include_private)
                        assert comparable(q.rows) == comparable(reference_rows(in_zone, calendar, view, include_private))
            planned = quantum.zone_quantum(code, kinds=["planned"])
            assert comparable(planned.rows) == comparable(reference_rows(
                {k: v for k, v in in_zone.items() if k[2] == "planned"}, "april", "annual", True))
        transaction.set_rollback(True)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=register)
def test_fast_quantum_equals_the_decimal_reference(projects, monkeypatch):
    check_register(projects, monkeypatch, located.INTEGER_LIMIT)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(projects=register)
def test_decimal_fallbacks_equal_the_reference(projects, monkeypatch):
    """With the integer shortcuts off (every amount 'too large'), the Decimal paths give the same."""
    check_register(projects, monkeypatch, 1)


def test_rows_from_groups_equals_the_reference():
    build([{"org": 2, "sector": "water", "aggregate": False, "duplicate": 5,
            "lines": [(120001, 2019, 0, "budget", 4, False), (-30003, 2019, 2, "budget", 4, False),
                      (99, 2020, 1, "budget", 7, False), (5, None, 0, "planned", 4, False)],
            "locations": [("DC36", None, "point"), ("ETH", None, None), ("LIM367", None, None)]}])
    groups = quantum.grouped_amounts(None)
    for view in ("annual", "stated"):
        assert comparable(quantum.rows_from_groups(groups, "april", view)) == comparable(
            reference_rows(groups, "april", view, True))
    with pytest.raises(ValueError):
        quantum.rows_from_groups({next(iter(groups)): D("0.001")})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite adds decimals as floating point")
def test_sums_beyond_bigint_cents_are_exact():
    """A group beyond 2**63 cents (R92 quadrillion) falls back to numeric sums, still exact."""
    big = "9999999999999999.99"
    build([{"org": 0, "sector": "water", "aggregate": False, "duplicate": 5,
            "lines": [(int(D(big) * 100), 2019, 0, "budget", 4, False)] * 1, "locations": [("ETH", None, None)]}])
    item = Project.objects.get(reference="EQ0")
    BudgetLine.objects.bulk_create([BudgetLine(project=item, amount=D(big), fy_first=2019, fy_last=2019)
                                    for _ in range(1000)])
    q = quantum.zone_quantum("ETH")
    assert q.total() == D(big) * 1001
    assert str(q.rows[0].amount) == str(D(big) * 1001)
