"""The quantum: what every sphere spends in a zone, by financial year and kind, exactly.

Stable interface (used by the zone investment page, profiles section 6, alignment and oneplan):

    zone_quantum(zone_code, calendar="april", view="annual", kinds=None, include_private=True) -> Quantum
        calendar: "april" (April-March) or "july" (July-June): the financial years rows are shown in.
        view: "annual" spreads every line over the calendar's years (multi-year lines evenly, lines
              stated in another calendar by month overlap; such rows have apportioned=True);
              "stated" keeps every line whole with its years as stated (financial_year may then be a
              span such as "2019/20-2023/24", in the line's own calendar: QRow.stated_calendar).
        kinds: iterable of BudgetKind values to keep (default all).
        Raises Place.DoesNotExist for an unknown zone, ValueError for a bad calendar or view.

    Quantum: .zone (Place), .calendar, .view, .rows: list[QRow]
        .total(spheres=None, kinds=None, years=None, **field_filters) -> Decimal
            spheres: iterable or the constants GOVERNMENT / PRIVATE; years: labels ("2019/20"),
            None in years selects lines whose years are not stated. Omitted filters keep all rows.
        .by(*fields, **filters) -> {value or tuple of values: Decimal}
        .government(kind), .private(kind): the two totals that are never added together.
        .years: the financial-year labels present, in order (None last).

    QRow fields: sphere, organisation (code), organisation_name, financial_year ("2019/20" or None),
        kind, amount (Decimal Rand), apportioned (bool), sector (None for aggregate lines, which have
        no sector), municipality (local municipality code, None when only located to the zone),
        precision (point, ward, municipality, zone), is_aggregate, stated_calendar ("april", "july").

    national_ranking(calendar="april", kind="budget", year=None) -> list[dict] per zone, ordered by
        government total: zone, name, province, government, private (Decimal), population and its
        source (None if unknown), government_per_capita.
    spend_by_zone_and_sector(kind="budget", years=None, calendar="april", include_private=False)
        -> {(zone_code, sector): Decimal}; government spheres only unless include_private; aggregate
        lines have sector None.
    located_and_unmapped(kind=None) -> national quality totals: Rand per organisation located in
        zones and not located (projects without a zone-level location belong to no zone).

Counting rules: only counted projects (not confirmed duplicates, Project.objects.counted()); a
project in several places is split by Location.share (blank: equal shares) so the parts add up to
its amount and nothing is counted twice; amounts of different kinds are never added; government
(national, provincial, local, parastatal) and private are kept apart.

How it is computed: one aggregate SQL query over the zone's locations, their projects and budget
lines (helped by covering indexes; on PostgreSQL the joins run in parallel workers when the server
allows them), grouped by everything that decides a row, with sums in integer cents; a project with
one location goes straight into its group, the locations of the few projects
with several are kept apart with what their split needs (number of locations, which is last) and
split exactly in Python (equal shares in integers; explicit shares by calendar.split_locations,
with one more query for them). Rows are then built in integer cents: a group that lands whole in
one year goes straight into its row; a group spread over several years is summed first and split
by month overlap (calendar.to_calendar's rule, in integers). Splits are made on group sums (exact:
the parts add up to the group), so a row's cents may differ by rounding from adding per-line
splits, never its totals. Amounts become Decimal Rand only in the rows.
"""

from collections import defaultdict
from decimal import Decimal
from typing import NamedTuple

from django.db import DataError, connection, transaction
from django.db.models import Count, Sum

from ddm.accounts.models import GOVERNMENT_SPHERES, Organisation, Sphere
from ddm.investment import calendar as fy
from ddm.investment.models import BudgetLine, Location, Project
from ddm.places import population
from ddm.places.models import Place

GOVERNMENT = tuple(str(s) for s in GOVERNMENT_SPHERES)
PRIVATE = (str(Sphere.PRIVATE),)
SPHERE_ORDER = GOVERNMENT + PRIVATE
VIEWS = ("annual", "stated")
ZERO = Decimal("0.00")

INCLUDES = {
    "government": "National, provincial, local and parastatal lines located in the zone (each project's "
                  "share of it); confirmed duplicates excluded. Private investment is NOT included.",
    "private": "Private-sector lines (e.g. mining houses' Social and Labour Plans) located in the zone; "
               "NOT included in the government total.",
    "kinds": "Budget, adjusted budget, actual expenditure and planned investment are different kinds of "
             "figure and are never added together.",
}


class QRow(NamedTuple):
    sphere: str
    organisation: str
    organisation_name: str
    financial_year: str | None
    kind: str
    amount: Decimal
    apportioned: bool
    sector: str | None
    municipality: str | None
    precision: str
    is_aggregate: bool = False
    stated_calendar: str = "april"
    year: int | None = None  # start year of financial_year, for sorting (None: not stated / a span)

    def as_dict(self):
        return {
            "sphere": self.sphere, "organisation": self.organisation, "organisation_name": self.organisation_name,
            "financial_year": self.financial_year, "kind": self.kind, "amount": str(self.amount),
            "apportioned": self.apportioned, "sector": self.sector, "municipality": self.municipality,
            "precision": self.precision, "is_aggregate": self.is_aggregate, "stated_calendar": self.stated_calendar,
        }


def _matches(row, spheres, kinds, years, filters):
    if spheres is not None and row.sphere not in spheres:
        return False
    if kinds is not None and row.kind not in kinds:
        return False
    if years is not None and row.financial_year not in years:
        return False
    return all(getattr(row, name) == value for name, value in filters.items())


def _as_set(value):
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)


class Quantum:
    def __init__(self, zone, calendar, view, rows):
        self.zone, self.calendar, self.view = zone, calendar, view
        self._rows, self._sorted, self._totals = list(rows), None, None

    @property
    def rows(self):
        """The rows in display order (sphere, organisation, year, kind, ...), sorted on first use:
        totals and by() do not need the order."""
        if self._sorted is None:
            self._sorted = sorted(self._rows, key=_row_order)
        return self._sorted

    @property
    def calendar_description(self):
        return fy.CALENDAR_DESCRIPTIONS[self.calendar]

    def select(self, spheres=None, kinds=None, years=None, **filters):
        """The rows matching the filters, in display order."""
        return self._filter(self.rows, spheres, kinds, years, filters)

    @staticmethod
    def _filter(rows, spheres, kinds, years, filters):
        spheres, kinds, years = _as_set(spheres), _as_set(kinds), _as_set(years)
        return [r for r in rows if _matches(r, spheres, kinds, years, filters)]

    def total(self, spheres=None, kinds=None, years=None, **filters):
        return sum((r.amount for r in self._filter(self._rows, spheres, kinds, years, filters)), ZERO)

    def by(self, *fields, spheres=None, kinds=None, years=None, **filters):
        result = defaultdict(lambda: ZERO)
        for row in self._filter(self._rows, spheres, kinds, years, filters):
            key = tuple(getattr(row, f) for f in fields)
            result[key[0] if len(fields) == 1 else key] += row.amount
        return dict(result)

    def government(self, kind=None):
        return self.total(spheres=GOVERNMENT, kinds=kind)

    def private(self, kind=None):
        return self.total(spheres=PRIVATE, kinds=kind)

    @property
    def kinds(self):
        return sorted({r.kind for r in self._rows}, key=_kind_order)

    @property
    def years(self):
        labels = {(r.year if r.year is not None else 10**6, r.financial_year or "") for r in self._rows}
        ordered = [label or None for _y, label in sorted(labels)]
        return ordered

    @property
    def apportioned(self):
        return any(r.apportioned for r in self._rows)

    def totals(self):
        """Totals for JSON/exports: each says what it includes; kinds are never added together."""
        if self._totals is None:
            self._totals = self._compute_totals()
        return self._totals

    def _compute_totals(self):
        by_sphere = defaultdict(dict)
        for (sphere, kind), amount in self.by("sphere", "kind").items():
            by_sphere[sphere][kind] = amount
        by_precision = defaultdict(dict)
        for (precision, kind), amount in self.by("precision", "kind").items():
            by_precision[precision][kind] = amount
        return {
            "government": {k: self.government(k) for k in self.kinds},
            "private": {k: self.private(k) for k in self.kinds},
            "by_sphere": dict(by_sphere),
            "by_precision": dict(by_precision),
            "includes": INCLUDES,
        }


KIND_ORDER = {"budget": 0, "adjusted": 1, "actual": 2, "planned": 3}
SPHERE_RANK = {sphere: i for i, sphere in enumerate(SPHERE_ORDER)}


def _kind_order(kind):
    return KIND_ORDER.get(kind, 9)


def _row_order(row):
    return (SPHERE_RANK.get(row.sphere, 99), row.organisation_name, row.year if row.year is not None else 10**6,
            row.financial_year or "", KIND_ORDER.get(row.kind, 9), row.municipality or "", row.sector or "")


# ---------------------------------------------------------------------------------------------
# Grouped amounts straight from the database, in integer cents.

class Group(NamedTuple):
    """What decides a row: zone, organisation, kind, years as stated, sector, aggregate, municipality, precision."""

    zone_id: int
    organisation_id: int
    kind: str
    fy_first: int | None
    fy_last: int | None
    fy_start_month: int
    sector: str | None
    is_aggregate: bool
    municipality_id: int | None
    precision: str


GROUP_FIELDS = Group._fields


class Located(NamedTuple):
    """One row of the located query (LOCATED_SQL): the group's fields, the location kept apart for a
    split (None: no split to make), the split, and the sum in integer cents (None: no amount)."""

    zone_id: int
    organisation_id: int
    kind: str
    fy_first: int | None
    fy_last: int | None
    fy_start_month: int
    sector: str | None
    is_aggregate: bool
    municipality_id: int | None
    precision: str
    location_id: int | None
    split: int | None
    cents: int | None

    @property
    def group(self):
        return Group(*self[:7], bool(self.is_aggregate), *self[8:10])  # SQLite gives booleans as 0/1


# The one aggregate query (plain SQL; SQLite's form, PostgreSQL's below). The zone's locations are
# taken first, each with whether its project has other locations (an index-only probe per
# location), so that the probe runs once per location, not once per budget line. A location of a
# project with several locations (a few per cent) is kept apart (its id) with what its split needs
# (split: the project's number of locations, negative for its last location, which takes the
# rounding cents, or 0 when some location has an explicit share); split is NULL for the others.
# {amount} is the group's sum: in integer cents on PostgreSQL (exact, and cheaper to fetch and add
# than Decimals), as stored on SQLite. One zone is a constant ({zone}), not a grouping key.
LOCATED_SQL = """
WITH l AS (
    SELECT loc.id, loc.project_id, loc.zone_id, loc.municipality_id, loc."precision",
           CASE WHEN (SELECT COUNT(*) FROM investment_location o WHERE o.project_id = loc.project_id) > 1 THEN (
               SELECT CASE WHEN COUNT(o.share) > 0 THEN 0 WHEN MAX(o.id) = loc.id THEN -COUNT(*) ELSE COUNT(*) END
               FROM investment_location o WHERE o.project_id = loc.project_id) END AS split
    FROM investment_location loc
    WHERE {zone_condition}
)
SELECT {zone}, p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month, p.sector, p.is_aggregate,
       l.municipality_id, l."precision", CASE WHEN l.split IS NOT NULL THEN l.id END, l.split, {amount}
FROM l
JOIN investment_project p ON p.id = l.project_id AND p.duplicate_of_id IS NULL
JOIN investment_budgetline b ON b.project_id = l.project_id {kind_condition}
GROUP BY {zone_key}p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month, p.sector, p.is_aggregate,
         l.municipality_id, l."precision", CASE WHEN l.split IS NOT NULL THEN l.id END, l.split
"""
# The same on PostgreSQL, written so that it can run in parallel: the locations, their projects and
# budget lines are scanned and joined by parallel workers; the split (a LATERAL subquery, once per
# location thanks to memoization) is worked out in the leader for the joined rows.
LOCATED_SQL_POSTGRES = """
SELECT {zone}, p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month, p.sector, p.is_aggregate,
       l.municipality_id, l."precision", CASE WHEN s.split IS NOT NULL THEN l.id END, s.split, {amount}
FROM investment_location l
CROSS JOIN LATERAL (
    SELECT CASE WHEN (SELECT COUNT(*) FROM investment_location o WHERE o.project_id = l.project_id) > 1 THEN (
               SELECT CASE WHEN COUNT(o.share) > 0 THEN 0 WHEN MAX(o.id) = l.id THEN -COUNT(*) ELSE COUNT(*) END
               FROM investment_location o WHERE o.project_id = l.project_id) END AS split
    OFFSET 0) s
JOIN investment_project p ON p.id = l.project_id AND p.duplicate_of_id IS NULL
JOIN investment_budgetline b ON b.project_id = l.project_id {kind_condition}
WHERE {zone_condition}
GROUP BY {zone_key}p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month, p.sector, p.is_aggregate,
         l.municipality_id, l."precision", CASE WHEN s.split IS NOT NULL THEN l.id END, s.split
"""
CENTS_SUM = "(SUM(b.amount) * 100)::bigint"  # PostgreSQL: exact (amounts have two decimals)
PLAIN_SUM = "SUM(b.amount)"


def _located_rows(zone_ids, kinds):
    """Grouped sums of the zones' located budget lines (all zones when zone_ids is None): rows of
    the group key (GROUP_FIELDS), location id and split (see LOCATED_SQL) and the sum in integer cents.

    A project with one location is summed straight into its group. A location of a project with
    several locations stays its own row so that its share of the project can be worked out exactly.
    """
    zone, zone_key = "l.zone_id", "l.zone_id, "
    postgres = connection.vendor == "postgresql"
    zone_params, kind_params = [], []
    column = "l.zone_id" if postgres else "loc.zone_id"
    if zone_ids is None:
        zone_condition = f"{column} IS NOT NULL"
    else:
        zone_condition = f"{column} IN ({', '.join(['%s'] * len(zone_ids))})"
        zone_params = list(zone_ids)
        if len(zone_ids) == 1:
            zone, zone_key = str(int(zone_ids[0])), ""
    kind_condition = ""
    if kinds is not None:
        kind_condition = f"AND b.kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else "AND 1 = 0"
        kind_params = list(kinds)
    # Parameters in the order they appear: zones first in the CTE (SQLite), kinds first on PostgreSQL.
    params = kind_params + zone_params if postgres else zone_params + kind_params
    sql = (LOCATED_SQL_POSTGRES if postgres else LOCATED_SQL).format(
        zone_condition=zone_condition, zone=zone, zone_key=zone_key, kind_condition=kind_condition, amount="{amount}")
    if postgres:
        try:
            return [Located._make(row) for row in _run_located(sql.format(amount=CENTS_SUM), params, postgres)]
        except DataError:  # a group beyond bigint cents (R92 quadrillion): fetch it as numeric
            pass
    return [Located(*row[:12], _to_cents(row[12])) for row in _run_located(sql.format(amount=PLAIN_SUM), params,
                                                                             postgres)]


def _run_located(sql, params, postgres):
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # For this transaction only: JIT compilation costs more than this short query takes,
            # hashing the groups beats sorting ~25k rows on twelve keys, and parallel workers (as
            # many as the server allows) halve the joins (the planner misjudges all three).
            cursor.execute("SELECT set_config('jit', 'off', true), set_config('enable_sort', 'off', true), "
                           "set_config('parallel_setup_cost', '0', true), set_config('parallel_tuple_cost', '0', true), "
                           "set_config('min_parallel_index_scan_size', '0', true)")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _to_cents(value):
    """A database sum (Decimal, or float/int on SQLite) as exact integer cents; None stays None."""
    if value is None:
        return None
    return int(cents(value).scaleb(2))


def _from_cents(amount):
    """Integer cents as Decimal Rand with two decimals (the same value and form as a numeric sum)."""
    return Decimal(amount).scaleb(-2)


def _location_shares(project_ids):
    """{project_id: ([location ids], [shares])} in a stable order, for exact splits."""
    shares = defaultdict(lambda: ([], []))
    query = Location.objects.filter(project_id__in=project_ids).order_by("project_id", "pk")
    for project_id, pk, share in query.values_list("project_id", "pk", "share"):
        shares[project_id][0].append(pk)
        shares[project_id][1].append(share)
    return shares


# Beyond this many cents the exact integer shortcuts are not used (Decimal's 28 digits could then
# round differently from integer division); the Decimal functions of ddm.investment.calendar decide.
INTEGER_LIMIT = 10**20


def _equal_part(split, amount):
    """A location's part in cents of its project's amount in cents when all shares are blank (split:
    the number of locations, negative for the project's last location): as calendar.split_locations,
    every part but the last is cut down to the cent (toward zero) and the last takes the rest."""
    n = -split if split < 0 else split
    part = amount // n if amount >= 0 else -(-amount // n)
    return amount - part * (n - 1) if split < 0 else part


def _resolve_splits(rows):
    """The located rows whose location's part needs calendar.split_locations (explicit shares, or
    amounts beyond INTEGER_LIMIT), with the part (cents) as amount and no split left to make."""
    if not rows:
        return []
    projects = dict(Location.objects.filter(pk__in={row.location_id for row in rows}).values_list("pk", "project_id"))
    shares = _location_shares(set(projects.values()))
    resolved = []
    for row in rows:
        location_ids, weights = shares[projects[row.location_id]]
        part = fy.split_locations(_from_cents(row.cents), weights)[location_ids.index(row.location_id)]
        resolved.append(row._replace(location_id=None, split=None, cents=int(part.scaleb(2))))
    return resolved


def _located_parts(located):
    """(located row, its cents) for every row with an amount; a location of a project with several
    locations gets its part of the project: equal shares in integers here, explicit shares (and
    amounts beyond INTEGER_LIMIT) by calendar.split_locations, with one more query for them all."""
    batch = located
    while batch:
        later = []
        for row in batch:
            cents, split = row.cents, row.split
            if cents is None:
                continue
            if split is None:
                yield row, cents
            elif split == 0 or not -INTEGER_LIMIT < cents < INTEGER_LIMIT:
                later.append(row)
            else:
                yield row, _equal_part(split, cents)
        batch = _resolve_splits(later)


def _grouped_cents(zone_ids, kinds):
    """{Group: integer cents}; see grouped_amounts."""
    totals = {}
    for row, cents in _located_parts(_located_rows(zone_ids, kinds)):
        key = row.group
        totals[key] = totals.get(key, 0) + cents
    return totals


def grouped_amounts(zone_ids=None, kinds=None):
    """{group key (GROUP_FIELDS): Decimal} of located amounts in the given zones (None: all zones).

    A project with several locations is split exactly by Location.share (blank: equal shares) over
    all its locations, the same way whichever zone is asked for, so its parts add up to its amount.
    """
    kinds = list(kinds) if kinds is not None else None
    zone_ids = list(zone_ids) if zone_ids is not None else None
    totals = defaultdict(lambda: ZERO)
    for key, amount in _grouped_cents(zone_ids, kinds).items():
        totals[key] = _from_cents(amount)
    return totals


# ---------------------------------------------------------------------------------------------
# Rows in a calendar and view.

def _check(calendar, view):
    month = fy.calendar_month(calendar)
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: use annual or stated")
    return month


LOOKUP_SQL = """
SELECT 0, id, code, name, sphere FROM accounts_organisation WHERE id IN ({organisations})
UNION ALL
SELECT 1, id, code, NULL, NULL FROM places_place WHERE id IN ({places})
"""


def _lookups(org_ids, place_ids):
    """({organisation pk: (sphere, code, name)}, {place pk: code, None: None}) in one query."""
    org_ids, place_ids = list(org_ids), [pk for pk in place_ids if pk is not None]
    organisations, places = {}, {None: None}
    if not org_ids:
        return organisations, places
    sql = LOOKUP_SQL.format(organisations=", ".join(["%s"] * len(org_ids)),
                            places=", ".join(["%s"] * len(place_ids)) or "NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql, org_ids + place_ids)
        for table, pk, code, name, sphere in cursor.fetchall():
            if table == 0:
                organisations[pk] = (sphere, code, name)
            else:
                places[pk] = code
    return organisations, places


def _schedule(first, last, month, view, target_month):
    """How a group with these stated years lands in the view: ((label, year, apportioned, weight), ...)
    and the weights' total (months of overlap, as calendar.to_calendar; None: one year, the whole amount)."""
    single = first is not None and (last is None or last == first)
    if view == "stated":
        return ((fy.span_label(first, last, month), first if single else None, False, None),), None
    if first is None:
        return ((None, None, False, None),), None
    start, end = fy.months_of(first, last, month)
    years = []
    for year in range((start - (target_month - 1)) // 12, (end - 1 - (target_month - 1)) // 12 + 1):
        y_start, y_end = fy.months_of(year, year, target_month)
        overlap = min(end, y_end) - max(start, y_start)
        if overlap > 0:
            years.append((year, overlap))
    if len(years) == 1:
        return ((fy.fy_label(years[0][0], target_month), years[0][0], False, None),), None
    return tuple((fy.fy_label(y, target_month), y, True, w) for y, w in years), sum(w for _y, w in years)


def _spread(amount, schedule, total, first, last, month, target_month):
    """[(label, year, apportioned, cents)] of a group's amount in cents: calendar.to_calendar's split
    (every share but the last cut down to the cent, toward zero; the last takes the rest), in integers."""
    if not -INTEGER_LIMIT < amount < INTEGER_LIMIT:
        shares = fy.to_calendar(_from_cents(amount), first, last, month, target_month)
        return [(label, year, apportioned, int(s.amount.scaleb(2)))
                for (label, year, apportioned, _w), s in zip(schedule, shares, strict=True)]
    parts, given = [], 0
    magnitude, negative = (-amount, True) if amount < 0 else (amount, False)
    for label, year, apportioned, weight in schedule[:-1]:
        part = magnitude * weight // total
        part = -part if negative else part
        given += part
        parts.append((label, year, apportioned, part))
    label, year, apportioned, _weight = schedule[-1]
    parts.append((label, year, apportioned, amount - given))
    return parts


def _rows(located, calendar, view, include_private):
    """The quantum's rows from located rows (the shape of _located_rows: group key, split, cents).

    A group that lands whole in one year of the view goes straight into its row (adding its parts
    first or not makes no difference there). A group spread over several years is summed first and
    then split (splits are made on group sums), as grouped_amounts + calendar.to_calendar would.
    """
    target_month = _check(calendar, view)
    organisations, places = _lookups({row.organisation_id for row in located},
                                     {row.municipality_id for row in located})
    if not include_private:
        private = {pk for pk, o in organisations.items() if o[0] == Sphere.PRIVATE}
        located = [row for row in located if row.organisation_id not in private]
    schedules = {}
    cells = {}
    get = cells.get
    spread = {}  # group key -> cents, for groups spread over several years
    for row, amount in _located_parts(located):
        # Unpacked, not read by name: this loop runs once per located row (tens of thousands for a metro).
        _zone, org_id, kind, first, last, month, sector, aggregate, m_id, precision = row[:10]
        span = (first, last, month)
        found = schedules.get(span)
        if found is None:
            found = schedules[span] = _schedule(first, last, month, view, target_month)
        if found[1] is None:  # the common case: the group lands whole in one year
            label, year, apportioned, _weight = found[0][0]
            aggregate = bool(aggregate)  # SQLite gives booleans as 0/1
            key = (org_id, label, kind, apportioned, None if aggregate else sector, m_id, precision, aggregate,
                   month, year)
            cells[key] = get(key, 0) + amount
        else:
            key = row[:10]
            spread[key] = spread.get(key, 0) + amount
    for (_zone, org_id, kind, first, last, month, sector, aggregate, m_id, precision), amount in spread.items():
        schedule, total = schedules[(first, last, month)]
        aggregate = bool(aggregate)
        sector = None if aggregate else sector
        for label, year, apportioned, part in _spread(amount, schedule, total, first, last, month, target_month):
            # Different spans can land in the same year: rows add up on everything they show.
            key = (org_id, label, kind, apportioned, sector, m_id, precision, aggregate, month, year)
            cells[key] = get(key, 0) + part
    months = {month: fy.calendar_name(month) for month in {key[8] for key in cells}}
    new_row, decimal = tuple.__new__, Decimal
    return [new_row(QRow, (*organisations[org_id], label, kind, decimal(amount) * CENT, apportioned, sector,
                           places[m_id], precision, aggregate, months[month], year))
            for (org_id, label, kind, apportioned, sector, m_id, precision, aggregate, month, year), amount in cells.items()]


def rows_from_groups(groups, calendar="april", view="annual", include_private=True):
    """The quantum's rows from {group key (GROUP_FIELDS): Decimal} (amounts to the cent, as
    grouped_amounts gives them)."""
    located = []
    for key, amount in groups.items():
        scaled = Decimal(amount).scaleb(2)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"amount {amount} is not to the cent")
        located.append(Located(*key, None, None, int(scaled)))
    return _rows(located, calendar, view, include_private)


def zone_quantum(zone_code, calendar="april", view="annual", kinds=None, include_private=True):
    _check(calendar, view)
    zone = (Place.objects.zones().select_related("province")
            .defer("geometry", "svg_path", "province__geometry", "province__svg_path")
            .get(code=str(zone_code).upper()))
    located = _located_rows([zone.pk], list(kinds) if kinds is not None else None)
    return Quantum(zone, calendar, view, _rows(located, calendar, view, include_private))


def shared_zone_quantum(zone_code, calendar="april", view="annual"):
    """zone_quantum of every kind, computed once per data version and shared by every process
    (ddm.caching): pages and the API ask for it on every visit."""
    from ddm import caching

    _check(calendar, view)
    code = str(zone_code).upper()
    if not code.isalnum() or len(code) > 12:
        raise Place.DoesNotExist(f"no zone {zone_code!r}")
    return caching.remember("investment:quantum", lambda: _prepared(zone_quantum(code, calendar, view)), code,
                            calendar, view)


def _prepared(quantum):
    """The quantum with its display order and totals worked out, so that every process reading it from
    the cache gets them with it."""
    quantum.rows, quantum.totals()
    return quantum


# ---------------------------------------------------------------------------------------------
# National views.

def _zone_year_totals(kinds, calendar, years):
    """{(zone_id, sphere, sector): Decimal} over the chosen years (None: every year, as stated)."""
    target_month = fy.calendar_month(calendar)
    groups = grouped_amounts(None, kinds)
    organisations, _places = _lookups({group.organisation_id for group in groups}, ())
    result = defaultdict(lambda: ZERO)
    for group, amount in groups.items():
        sphere = organisations[group.organisation_id][0]
        sector = None if group.is_aggregate else group.sector
        key = (group.zone_id, sphere, sector)
        if years is None:
            result[key] += amount
            continue
        for share in fy.to_calendar(amount, group.fy_first, group.fy_last, group.fy_start_month, target_month):
            if share.year in years:
                result[key] += share.amount
    return result


def _years_arg(years):
    if years is None:
        return None
    if isinstance(years, (str, int)):
        years = [years]
    return {y if isinstance(y, int) else fy.parse_fy_label(y) for y in years}


def national_ranking(calendar="april", kind="budget", year=None):
    totals = _zone_year_totals([kind] if kind else None, calendar, _years_arg(year))
    population = population_of_zones()
    ranking = []
    for zone in Place.objects.zones().without_geometry().select_related("province"):
        government = sum((v for (z, s, _), v in totals.items() if z == zone.pk and s in GOVERNMENT), ZERO)
        private = sum((v for (z, s, _), v in totals.items() if z == zone.pk and s in PRIVATE), ZERO)
        people, source = population.get(zone.code, (None, None))
        ranking.append({
            "zone": zone.code, "name": zone.name, "province": zone.province.code, "government": government,
            "private": private, "population": people, "population_source": source,
            "government_per_capita": per_capita(government, people),
        })
    ranking.sort(key=lambda r: (-r["government"], -r["private"], r["zone"]))
    return ranking


def shared_national_ranking(calendar="april", kind="budget", year=None):
    """national_ranking with when it was computed ({"rows", "computed"}): it adds up every zone
    (seconds with hundreds of thousands of projects), so it is computed once per data version and
    shared by every process (ddm.caching); the job worker computes the default one after each import."""
    from django.utils import timezone

    from ddm import caching

    return caching.remember("investment:ranking", lambda: {
        "rows": national_ranking(calendar, kind, year), "computed": timezone.now()}, calendar, kind, year)


def shared_unmapped_count():
    """Counted projects with no location in any zone, nationally (one count per data version, shared)."""
    from ddm import caching

    return caching.remember("investment:unmapped-count",
                            lambda: Project.objects.counted().exclude(locations__zone__isnull=False).count())


def spend_by_zone_and_sector(kind="budget", years=None, calendar="april", include_private=False):
    totals = _zone_year_totals([kind] if kind else None, calendar, _years_arg(years))
    codes = dict(Place.objects.zones().values_list("pk", "code"))
    spheres = SPHERE_ORDER if include_private else GOVERNMENT
    result = defaultdict(lambda: ZERO)
    for (zone_id, sphere, sector), amount in totals.items():
        if sphere in spheres:
            result[(codes[zone_id], sector)] += amount
    return dict(result)


CENT = Decimal("0.01")


def cents(value):
    """A database sum as exact Rand: SQLite adds decimals as floating point, so sums are brought back
    to the cent (amounts are stored to the cent, so this only undoes float noise). PostgreSQL's
    numeric sums are exact already."""
    if value is None or (type(value) is Decimal and value.as_tuple().exponent == -2):
        return value
    return Decimal(value).quantize(CENT)


def per_capita(amount, people):
    if not people:
        return None
    return (Decimal(amount) / Decimal(people)).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# Quality: how much is located, and what belongs to no zone.

def located_and_unmapped(kind=None):
    """Per organisation and kind: total Rand of counted projects, Rand located in zones, Rand not
    located (no zone-level location: unmapped, or only province/national). Returns
    {"rows": [...], "total": {kind: {...}}} with Decimal amounts."""
    kinds = [kind] if kind else None
    lines = BudgetLine.objects.filter(project__duplicate_of__isnull=True)
    if kinds:
        lines = lines.filter(kind__in=kinds)
    totals = {(r["project__organisation_id"], r["kind"]): cents(r["total"]) for r in lines.values(
        "project__organisation_id", "kind").annotate(total=Sum("amount")).order_by()}
    located = defaultdict(lambda: ZERO)
    for group, amount in grouped_amounts(None, kinds).items():
        located[(group.organisation_id, group.kind)] += amount
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in={k[0] for k in totals})}
    rows = []
    for (org_id, kind_), total in sorted(totals.items(), key=lambda kv: (organisations[kv[0][0]].name, kv[0][1])):
        in_zones = located.get((org_id, kind_), ZERO)
        rows.append({"organisation": organisations[org_id], "kind": kind_, "total": total, "located": in_zones,
                     "unmapped": total - in_zones, "unmapped_share": _share(total - in_zones, total)})
    summary = defaultdict(lambda: {"total": ZERO, "located": ZERO, "unmapped": ZERO})
    for row in rows:
        for field in ("total", "located", "unmapped"):
            summary[row["kind"]][field] += row[field]
    for values in summary.values():
        values["unmapped_share"] = _share(values["unmapped"], values["total"])
    return {"rows": rows, "total": dict(summary)}


def _share(part, whole):
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def unmapped_projects(organisation=None):
    """Counted projects with no zone-level location (they belong to no zone), with their lines' totals
    per kind in `totals_by_kind`."""
    query = Project.objects.counted().exclude(locations__zone__isnull=False).select_related("organisation")
    if organisation is not None:
        query = query.filter(organisation=organisation)
    query = query.annotate(location_count=Count("locations", distinct=True)).order_by("organisation__name", "reference")
    projects = list(query)
    sums = defaultdict(dict)
    for row in BudgetLine.objects.filter(project__in=[p.pk for p in projects]).values("project_id", "kind").annotate(
            total=Sum("amount")).order_by():
        sums[row["project_id"]][row["kind"]] = cents(row["total"])
    for project in projects:
        project.totals_by_kind = sums.get(project.pk, {})
    return projects


# ---------------------------------------------------------------------------------------------
# Population (for per-capita figures) comes from the profiles indicator store.

def population_of_zones():
    """{place code: (people, source)} for zones and municipalities where population is known."""
    return population.population_by_code()  # the profiles indicator store, registered at start-up
