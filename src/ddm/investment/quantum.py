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

How it is computed: the zone's located groups (everything that decides a row, with its sum in
integer cents, multi-place projects already split exactly) are read from the zone summary
(ddm.investment.summary, stored when the zone's data changes; a few thousand rows for a metro), or
added up from the register when the zone has no current summary (ddm.investment.located: the same
groups). Rows are then built in integer cents: a group that lands whole in one year goes straight
into its row; a group spread over several years is split by month overlap (calendar.to_calendar's
rule, in integers). Splits are made on group sums (exact: the parts add up to the group), so a
row's cents may differ by rounding from adding per-line splits, never its totals. Amounts become
Decimal Rand only in the rows. The national views add up the summary's year totals per zone.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from operator import attrgetter
from typing import Any, NamedTuple, TypedDict, overload

from django.db import connection
from django.db.models import Count, Sum

from ddm.accounts.models import GOVERNMENT_SPHERES, Organisation, Sphere
from ddm.investment import calendar as fy
from ddm.investment import located, summary
from ddm.investment.located import CENT, GROUP_FIELDS, Group, cents, from_cents  # noqa: F401 (GROUP_FIELDS: part of the interface)
from ddm.investment.models import BudgetLine, Project
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
    "demo": "Lines of invented demo projects (loaded by ddm setup's demo data) are NOT included in any total; "
            "they are shown apart, labelled demo.",
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
    demo: bool = False  # a line of an invented demo project: shown apart, never in a real total

    def as_dict(self) -> dict[str, Any]:
        return {
            "sphere": self.sphere, "organisation": self.organisation, "organisation_name": self.organisation_name,
            "financial_year": self.financial_year, "kind": self.kind, "amount": str(self.amount),
            "apportioned": self.apportioned, "sector": self.sector, "municipality": self.municipality,
            "precision": self.precision, "is_aggregate": self.is_aggregate, "stated_calendar": self.stated_calendar,
            "demo": self.demo,
        }


# What select, total and by filter on: one value or several (None: any).
Choice = str | Iterable[str | None] | None


def _matches(row: QRow, spheres: set[Any] | None, kinds: set[Any] | None, years: set[Any] | None,
             filters: dict[str, Any]) -> bool:
    if spheres is not None and row.sphere not in spheres:
        return False
    if kinds is not None and row.kind not in kinds:
        return False
    if years is not None and row.financial_year not in years:
        return False
    return all(getattr(row, name) == value for name, value in filters.items())


def _frozen(value: Choice) -> str | frozenset[str | None] | None:
    return value if value is None or isinstance(value, str) else frozenset(value)


@overload
def _as_set(value: None) -> None: ...
@overload
def _as_set(value: str | Iterable[str | None]) -> set[Any]: ...
def _as_set(value: Choice) -> set[Any] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return {value}
    return set(value)


class Quantum:
    """Rows and totals of real figures; the lines of invented demo projects (Project.is_demo) are kept
    apart in demo_rows and demo_totals(), never in rows, total(), by() or totals()."""

    def __init__(self, zone: Place, calendar: str, view: str, rows: Iterable[QRow], demo_rows: Iterable[QRow] = ()
                 ) -> None:
        self.zone, self.calendar, self.view = zone, calendar, view
        self.demo_rows = sorted(demo_rows, key=_row_order)
        self._rows = list(rows)
        self._sorted: list[QRow] | None = None
        self._totals: Totals | None = None
        self._by: dict[tuple[Any, ...], dict[Any, Decimal]] = {}  # by()'s answers: the page's tables ask some twice
        self._kind_rows: dict[str, list[QRow]] | None = None
        self._kinds: list[str] | None = None
        self._years: list[str | None] | None = None

    @property
    def rows(self) -> list[QRow]:
        """The rows in display order (sphere, organisation, year, kind, ...), sorted on first use:
        totals and by() do not need the order."""
        if self._sorted is None:
            self._sorted = sorted(self._rows, key=_row_order)
        return self._sorted

    @property
    def calendar_description(self) -> str:
        return fy.CALENDAR_DESCRIPTIONS[self.calendar]

    def select(self, spheres: Choice = None, kinds: Choice = None, years: Choice = None, **filters: Any) -> list[QRow]:
        """The rows matching the filters, in display order."""
        return self._filter(self.rows, spheres, kinds, years, filters)

    @staticmethod
    def _filter(rows: list[QRow], spheres: Choice, kinds: Choice, years: Choice, filters: dict[str, Any]) -> list[QRow]:
        sphere_set, kind_set, year_set = _as_set(spheres), _as_set(kinds), _as_set(years)
        if filters:
            return [r for r in rows if _matches(r, sphere_set, kind_set, year_set, filters)]
        # The common cases without a function call per row: a metro's cold page filters its thousands of
        # rows a few dozen times.
        if sphere_set is None and year_set is None:
            return list(rows) if kind_set is None else [r for r in rows if r.kind in kind_set]
        return [r for r in rows if (sphere_set is None or r.sphere in sphere_set)
                and (kind_set is None or r.kind in kind_set) and (year_set is None or r.financial_year in year_set)]

    def _of_kinds(self, kinds: Choice) -> list[QRow]:
        """The rows of these kinds (None: all), in no particular order: the rows are split by kind once
        per quantum, since the page's totals and tables ask kind by kind."""
        if kinds is None:
            return self._rows
        split = getattr(self, "_kind_rows", None)
        if split is None:
            split = {}
            for row in self._rows:
                split.setdefault(row.kind, []).append(row)
            self._kind_rows = split
        return [row for kind in _as_set(kinds) for row in split.get(kind, ())]

    def total(self, spheres: Choice = None, kinds: Choice = None, years: Choice = None, **filters: Any) -> Decimal:
        return sum((r.amount for r in self._filter(self._of_kinds(kinds), spheres, None, years, filters)), ZERO)

    def by(self, *fields: str, spheres: Choice = None, kinds: Choice = None, years: Choice = None,
           **filters: Any) -> dict[Any, Decimal]:
        """Amounts added up per value of ``fields`` (one field: its value; several: a tuple of them)."""
        asked = (fields, _frozen(spheres), _frozen(kinds), _frozen(years), tuple(sorted(filters.items())))
        memo = getattr(self, "_by", None)  # a quantum cached before the memo existed has none
        if memo is None:
            memo = self._by = {}
        if asked not in memo:
            result: dict[Any, Decimal] = {}
            key_of = attrgetter(*fields)  # one field: the value itself; several: a tuple of them
            for row in self._filter(self._of_kinds(kinds), spheres, None, years, filters):
                key = key_of(row)
                result[key] = result.get(key, ZERO) + row.amount
            memo[asked] = result
        return dict(memo[asked])  # a copy: the caller may change it

    def government(self, kind: Choice = None) -> Decimal:
        return self.total(spheres=GOVERNMENT, kinds=kind)

    def private(self, kind: Choice = None) -> Decimal:
        return self.total(spheres=PRIVATE, kinds=kind)

    @property
    def kinds(self) -> list[str]:
        kinds = getattr(self, "_kinds", None)  # asked for by every table: worked out once per quantum
        if kinds is None:
            kinds = self._kinds = sorted({r.kind for r in self._rows}, key=_kind_order)
        return list(kinds)

    @property
    def years(self) -> list[str | None]:
        years = getattr(self, "_years", None)
        if years is None:
            labels = {(r.year if r.year is not None else 10**6, r.financial_year or "") for r in self._rows}
            years = self._years = [label or None for _y, label in sorted(labels)]
        return list(years)

    @property
    def apportioned(self) -> bool:
        return any(r.apportioned for r in self._rows)

    def totals(self) -> "Totals":
        """Totals for JSON/exports: each says what it includes; kinds are never added together."""
        if self._totals is None:
            self._totals = self._compute_totals()
        return self._totals

    def _compute_totals(self) -> "Totals":
        by_sphere: defaultdict[str, dict[str, Decimal]] = defaultdict(dict)
        for (sphere, kind), amount in self.by("sphere", "kind").items():
            by_sphere[sphere][kind] = amount
        by_precision: defaultdict[str, dict[str, Decimal]] = defaultdict(dict)
        for (precision, kind), amount in self.by("precision", "kind").items():
            by_precision[precision][kind] = amount
        return {
            "government": {k: self.government(k) for k in self.kinds},
            "private": {k: self.private(k) for k in self.kinds},
            "by_sphere": dict(by_sphere),
            "by_precision": dict(by_precision),
            "includes": INCLUDES,
            "demo": self.demo_totals(),
        }

    def demo_totals(self) -> "DemoTotals":
        """The demo lines' own totals ({"government": {kind: Decimal}, "private": {...}}), labelled and
        never added to the real ones."""
        demo = Quantum(self.zone, self.calendar, self.view, self.demo_rows)
        return {"government": {k: demo.government(k) for k in demo.kinds},
                "private": {k: demo.private(k) for k in demo.kinds}, "note": DEMO_NOTE}


class DemoTotals(TypedDict):
    government: dict[str, Decimal]  # kind -> amount
    private: dict[str, Decimal]
    note: str


class Totals(TypedDict):
    """Quantum.totals(): amounts per kind, never added across kinds; government and private apart."""

    government: dict[str, Decimal]
    private: dict[str, Decimal]
    by_sphere: dict[str, dict[str, Decimal]]
    by_precision: dict[str, dict[str, Decimal]]
    includes: dict[str, str]
    demo: DemoTotals


DEMO_NOTE = ("Invented demo projects loaded with the demo data: not real figures, not included in the "
             "government or private totals.")
KIND_ORDER = {"budget": 0, "adjusted": 1, "actual": 2, "planned": 3}
SPHERE_RANK = {sphere: i for i, sphere in enumerate(SPHERE_ORDER)}


def _kind_order(kind: str) -> int:
    return KIND_ORDER.get(kind, 9)


def _row_order(row: QRow) -> tuple[int, str, int, str, int, str, str]:
    return (SPHERE_RANK.get(row.sphere, 99), row.organisation_name, row.year if row.year is not None else 10**6,
            row.financial_year or "", KIND_ORDER.get(row.kind, 9), row.municipality or "", row.sector or "")


# ---------------------------------------------------------------------------------------------
# Located amounts per group, in integer cents: from the zone summary (ddm.investment.summary), which
# stores exactly what the direct computation (ddm.investment.located) gives.

def grouped_amounts(zone_ids: Iterable[int] | None = None, kinds: Iterable[str] | None = None
                    ) -> defaultdict[Group, Decimal]:
    """{group key (GROUP_FIELDS): Decimal} of located amounts in the given zones (None: all zones).

    A project with several locations is split exactly by Location.share (blank: equal shares) over
    all its locations, the same way whichever zone is asked for, so its parts add up to its amount.
    """
    kind_list = list(kinds) if kinds is not None else None
    totals: defaultdict[Group, Decimal] = defaultdict(lambda: ZERO)
    for key, amount in summary.zone_groups(zone_ids, kind_list).items():
        totals[key] = from_cents(amount)
    return totals

# ---------------------------------------------------------------------------------------------
# Rows in a calendar and view.

def check_view(calendar: str, view: str) -> int:
    """The calendar's first month; ValueError for an unknown calendar or view."""
    month = fy.calendar_month(calendar)
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: use annual or stated")
    return month


LOOKUP_SQL = """
SELECT 0, id, code, name, sphere FROM accounts_organisation WHERE id IN ({organisations})
UNION ALL
SELECT 1, id, code, NULL, NULL FROM places_place WHERE id IN ({places})
"""


def _lookups(org_ids: Iterable[int], place_ids: Iterable[int | None]
             ) -> tuple[dict[int, tuple[str, str, str]], dict[int | None, str | None]]:
    """({organisation pk: (sphere, code, name)}, {place pk: code, None: None}) in one query."""
    org_list, place_list = list(org_ids), [pk for pk in place_ids if pk is not None]
    organisations: dict[int, tuple[str, str, str]] = {}
    places: dict[int | None, str | None] = {None: None}
    if not org_list:
        return organisations, places
    sql = LOOKUP_SQL.format(organisations=", ".join(["%s"] * len(org_list)),
                            places=", ".join(["%s"] * len(place_list)) or "NULL")
    with connection.cursor() as cursor:
        cursor.execute(sql, org_list + place_list)
        for table, pk, code, name, sphere in cursor.fetchall():
            if table == 0:
                organisations[pk] = (sphere, code, name)
            else:
                places[pk] = code
    return organisations, places


# How a group lands in one year of a view: (label, year, apportioned, weight: months of overlap or None).
Landing = tuple[str | None, int | None, bool, int | None]


def _schedule(first: int | None, last: int | None, month: int, view: str, target_month: int
              ) -> tuple[tuple[Landing, ...], int | None]:
    """How a group with these stated years lands in the view: ((label, year, apportioned, weight), ...)
    and the weights' total (months of overlap, as calendar.to_calendar; None: one year, the whole amount)."""
    single = first is not None and (last is None or last == first)
    if view == "stated":
        return ((fy.span_label(first, last, month), first if single else None, False, None),), None
    if first is None:
        return ((None, None, False, None),), None
    start, end = fy.months_of(first, last, month)
    years: list[tuple[int, int]] = []
    for year in range((start - (target_month - 1)) // 12, (end - 1 - (target_month - 1)) // 12 + 1):
        y_start, y_end = fy.months_of(year, year, target_month)
        overlap = min(end, y_end) - max(start, y_start)
        if overlap > 0:
            years.append((year, overlap))
    if len(years) == 1:
        return ((fy.fy_label(years[0][0], target_month), years[0][0], False, None),), None
    return tuple((fy.fy_label(y, target_month), y, True, w) for y, w in years), sum(w for _y, w in years)


def _spread(amount: int, schedule: tuple[Landing, ...], total: int, first: int | None, last: int | None, month: int,
            target_month: int) -> list[tuple[str | None, int | None, bool, int]]:
    """[(label, year, apportioned, cents)] of a group's amount in cents: calendar.to_calendar's split
    (every share but the last cut down to the cent, toward zero; the last takes the rest), in integers."""
    if not -located.INTEGER_LIMIT < amount < located.INTEGER_LIMIT:
        shares = fy.to_calendar(from_cents(amount), first, last, month, target_month)
        return [(label, year, apportioned, int(s.amount.scaleb(2)))
                for (label, year, apportioned, _w), s in zip(schedule, shares, strict=True)]
    parts: list[tuple[str | None, int | None, bool, int]] = []
    given = 0
    magnitude, negative = (-amount, True) if amount < 0 else (amount, False)
    for label, year, apportioned, weight in schedule[:-1]:
        assert weight is not None  # a spread schedule weighs every year
        part = magnitude * weight // total
        part = -part if negative else part
        given += part
        parts.append((label, year, apportioned, part))
    label, year, apportioned, _weight = schedule[-1]
    parts.append((label, year, apportioned, amount - given))
    return parts


class Cell(NamedTuple):
    """What a row shows (all but the amount): rows are the sums of the groups' parts per cell."""

    organisation_id: int
    financial_year: str | None
    kind: str
    apportioned: bool
    sector: str | None
    municipality_id: int | None
    precision: str
    is_aggregate: bool
    fy_start_month: int
    year: int | None


def _rows(groups: dict[Group, int], calendar: str, view: str, include_private: bool, demo: bool = False) -> list[QRow]:
    """The quantum's rows from {Group: integer cents}.

    Each group lands in the view's years as its schedule says: whole in one year, or split over
    several by month overlap (calendar.to_calendar's rule, in integers). Splits are made on group
    sums, so the parts add up to the group exactly; rows add up the parts landing in the same cell.
    """
    target_month = check_view(calendar, view)
    organisations, places = _lookups({group.organisation_id for group in groups},
                                     {group.municipality_id for group in groups})
    private = set() if include_private else {pk for pk, o in organisations.items() if o[0] == Sphere.PRIVATE}
    schedules: dict[tuple[int | None, int | None, int], tuple[tuple[Landing, ...], int | None]] = {}
    cells: dict[Cell, int] = {}
    for group, amount in groups.items():
        if group.organisation_id in private:
            continue
        span = (group.fy_first, group.fy_last, group.fy_start_month)
        if span not in schedules:
            schedules[span] = _schedule(*span, view, target_month)
        schedule, weights = schedules[span]
        if weights is None:  # the common case: the group lands whole in one year
            label, year, apportioned, _weight = schedule[0]
            parts = [(label, year, apportioned, amount)]
        else:
            parts = _spread(amount, schedule, weights, *span, target_month)
        aggregate = bool(group.is_aggregate)
        sector = None if aggregate else group.sector
        for label, year, apportioned, part in parts:
            cell = Cell(group.organisation_id, label, group.kind, apportioned, sector, group.municipality_id,
                        group.precision, aggregate, group.fy_start_month, year)
            cells[cell] = cells.get(cell, 0) + part
    months = {month: fy.calendar_name(month) for month in {cell.fy_start_month for cell in cells}}
    make = QRow._make  # positional, in QRow's field order: tens of thousands of rows for a large zone
    return [make((*organisations[cell.organisation_id], cell.financial_year, cell.kind, Decimal(amount) * CENT,
                  cell.apportioned, cell.sector, places[cell.municipality_id], cell.precision, cell.is_aggregate,
                  months[cell.fy_start_month], cell.year, demo))
            for cell, amount in cells.items()]


def rows_from_groups(groups: dict[tuple[Any, ...], Decimal], calendar: str = "april", view: str = "annual",
                     include_private: bool = True) -> list[QRow]:
    """The quantum's rows from {group key (GROUP_FIELDS): Decimal} (amounts to the cent, as
    grouped_amounts gives them)."""
    in_cents: dict[Group, int] = {}
    for key, amount in groups.items():
        scaled = Decimal(amount).scaleb(2)
        if scaled != scaled.to_integral_value():
            raise ValueError(f"amount {amount} is not to the cent")
        in_cents[Group(*key)] = int(scaled)
    return _rows(in_cents, calendar, view, include_private)


def zone_quantum(zone_code: str, calendar: str = "april", view: str = "annual", kinds: Iterable[str] | None = None,
                 include_private: bool = True, direct: bool = False) -> Quantum:
    """The quantum of a zone (see the module docstring); direct=True adds it up from the register
    instead of reading the zone summary (the same figures: tests and benchmarks compare the two)."""
    check_view(calendar, view)
    zone = (Place.objects.zones().select_related("province")
            .defer("geometry", "svg_path", "province__geometry", "province__svg_path")
            .get(code=str(zone_code).upper()))
    kind_list = list(kinds) if kinds is not None else None
    groups = located.grouped_cents([zone.pk], kind_list) if direct else summary.zone_groups([zone.pk], kind_list)
    # Demo lines are never in the summary: asked for apart (their projects are few, found by their index).
    demo = located.grouped_cents([zone.pk], kind_list, demo=True)
    demo_rows = _rows(demo, calendar, view, include_private, demo=True) if demo else []
    return Quantum(zone, calendar, view, _rows(groups, calendar, view, include_private), demo_rows)


def shared_zone_quantum(zone_code: str, calendar: str = "april", view: str = "annual") -> Quantum:
    """zone_quantum of every kind, computed once per data version and shared by every process
    (ddm.caching): pages and the API ask for it on every visit."""
    from ddm import caching

    check_view(calendar, view)
    code = str(zone_code).upper()
    if not code.isalnum() or len(code) > 12:
        raise Place.DoesNotExist(f"no zone {zone_code!r}")
    return caching.remember("investment:quantum", lambda: _prepared(zone_quantum(code, calendar, view)), calendar,
                            view, zone=code)


def _prepared(quantum: Quantum) -> Quantum:
    """The quantum with its display order and totals worked out, so that every process reading it from
    the cache gets them with it."""
    quantum.rows, quantum.totals(), quantum.years
    quantum._by, quantum._kind_rows = {}, None  # made for the totals: not worth their pickling
    return quantum


# ---------------------------------------------------------------------------------------------
# National views.

def _zone_year_totals(kinds: list[str] | None, calendar: str, years: set[int] | None, direct: bool = False
                      ) -> dict[tuple[int, str, str | None], Decimal]:
    """{(zone_id, sphere, sector): Decimal} over the chosen years (None: every year, as stated), from
    the zone summary's year totals (each group spread as calendar.to_calendar spreads it)."""
    return {key: from_cents(amount) for key, amount in summary.year_totals(kinds, calendar, years, direct).items()}


def _years_arg(years: str | int | Iterable[str | int] | None) -> set[int] | None:
    if years is None:
        return None
    if isinstance(years, (str, int)):
        years = [years]
    return {y if isinstance(y, int) else fy.parse_fy_label(y) for y in years}


class RankingRow(TypedDict):
    zone: str
    name: str
    province: str
    government: Decimal
    private: Decimal
    population: int | None
    population_source: str | None
    government_per_capita: Decimal | None


def national_ranking(calendar: str = "april", kind: str | None = "budget", year: str | int | None = None,
                     direct: bool = False) -> list[RankingRow]:
    """See the module docstring; direct=True adds every zone up from the register (the same figures)."""
    totals = _zone_year_totals([kind] if kind else None, calendar, _years_arg(year), direct)
    population = population_of_zones()
    ranking: list[RankingRow] = []
    for zone in Place.objects.zones().without_geometry().select_related("province"):
        assert zone.province is not None  # every zone lies in a province
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


class SharedRanking(TypedDict):
    rows: list[RankingRow]
    computed: datetime.datetime


def shared_national_ranking(calendar: str = "april", kind: str = "budget", year: str | None = None) -> SharedRanking:
    """national_ranking with when it was computed ({"rows", "computed"}): it adds up every zone
    (seconds with hundreds of thousands of projects), so it is computed once per data version and
    shared by every process (ddm.caching); the job worker computes the default one after each import."""
    from django.utils import timezone

    from ddm import caching

    return caching.remember("investment:ranking", lambda: SharedRanking(
        rows=national_ranking(calendar, kind, year), computed=timezone.now()), calendar, kind, year)


def shared_unmapped_count() -> int:
    """Counted projects with no location in any zone, nationally (one count per data version, shared)."""
    from ddm import caching

    return caching.remember("investment:unmapped-count",
                            lambda: Project.objects.counted().exclude(locations__zone__isnull=False).count())


def spend_by_zone_and_sector(kind: str | None = "budget", years: str | int | Iterable[str | int] | None = None,
                             calendar: str = "april", include_private: bool = False
                             ) -> dict[tuple[str, str | None], Decimal]:
    totals = _zone_year_totals([kind] if kind else None, calendar, _years_arg(years))
    codes = dict(Place.objects.zones().values_list("pk", "code"))
    spheres = SPHERE_ORDER if include_private else GOVERNMENT
    result: defaultdict[tuple[str, str | None], Decimal] = defaultdict(lambda: ZERO)
    for (zone_id, sphere, sector), amount in totals.items():
        if sphere in spheres:
            result[(codes[zone_id], sector)] += amount
    return dict(result)


def per_capita(amount: Decimal | int, people: int | None) -> Decimal | None:
    if not people:
        return None
    return (Decimal(amount) / Decimal(people)).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------------------------
# Quality: how much is located, and what belongs to no zone.

def located_and_unmapped(kind: str | None = None) -> dict[str, Any]:
    """Per organisation and kind: total Rand of counted projects, Rand located in zones, Rand not
    located (no zone-level location: unmapped, or only province/national). Returns
    {"rows": [...], "total": {kind: {...}}} with Decimal amounts."""
    kinds = [kind] if kind else None
    lines = BudgetLine.objects.filter(project__duplicate_of__isnull=True, project__is_demo=False)
    if kinds:
        lines = lines.filter(kind__in=kinds)
    totals = {(r["project__organisation_id"], r["kind"]): cents(r["total"]) for r in lines.values(
        "project__organisation_id", "kind").annotate(total=Sum("amount")).order_by()}
    located_by_key = {key: from_cents(amount) for key, amount in summary.organisation_totals(kinds).items()}
    organisations = {o.pk: o for o in Organisation.objects.filter(pk__in={k[0] for k in totals})}
    rows: list[dict[str, Any]] = []
    for (org_id, kind_), total in sorted(totals.items(), key=lambda kv: (organisations[kv[0][0]].name, kv[0][1])):
        in_zones = located_by_key.get((org_id, kind_), ZERO)
        rows.append({"organisation": organisations[org_id], "kind": kind_, "total": total, "located": in_zones,
                     "unmapped": total - in_zones, "unmapped_share": _share(total - in_zones, total)})
    overall: defaultdict[str, dict[str, Any]] = defaultdict(lambda: {"total": ZERO, "located": ZERO, "unmapped": ZERO})
    for row in rows:
        for field in ("total", "located", "unmapped"):
            overall[row["kind"]][field] += row[field]
    for values in overall.values():
        values["unmapped_share"] = _share(values["unmapped"], values["total"])
    return {"rows": rows, "total": dict(overall)}


def _share(part: Decimal | int, whole: Decimal | int | None) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def unmapped_projects(organisation: Organisation | None = None) -> list[Any]:
    """Counted projects with no zone-level location (they belong to no zone), with their lines' totals
    per kind in `totals_by_kind` (Projects with location_count and totals_by_kind added: Any to the checker)."""
    query = Project.objects.counted().exclude(locations__zone__isnull=False).select_related("organisation")
    if organisation is not None:
        query = query.filter(organisation=organisation)
    query = query.annotate(location_count=Count("locations", distinct=True)).order_by("organisation__name", "reference")
    projects = list(query)
    sums: defaultdict[int, dict[str, Decimal]] = defaultdict(dict)
    for row in BudgetLine.objects.filter(project__in=[p.pk for p in projects]).values("project_id", "kind").annotate(
            total=Sum("amount")).order_by():
        sums[row["project_id"]][row["kind"]] = cents(row["total"])
    for project in projects:
        project.totals_by_kind = sums.get(project.pk, {})  # type: ignore[attr-defined]  # read by the unmapped page
    return projects


# ---------------------------------------------------------------------------------------------
# Population (for per-capita figures) comes from the profiles indicator store.

def population_of_zones() -> dict[str, tuple[int, str]]:
    """{place code: (people, source)} for zones and municipalities where population is known."""
    return population.population_by_code()  # the profiles indicator store, registered at start-up
