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
lines (values() + Sum, helped by covering indexes), grouped by everything that decides a row; a
project with one location goes straight into its group, the locations of the few projects with
several are kept apart and split exactly in Python (one more query for their shares); then each
group is spread over years in Decimal. Splits are made on group sums (exact: the parts add up to
the group), so a row's cents may differ by rounding from adding per-line splits, never its totals.
"""

from collections import defaultdict
from typing import NamedTuple
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Count, Sum

from ddm.accounts.models import GOVERNMENT_SPHERES, Organisation, Sphere
from ddm.investment import calendar as fy
from ddm.investment.models import BudgetLine, Location, Project
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
        self._rows, self._sorted = list(rows), None

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
# Grouped amounts straight from the database.

# What decides a row: zone, organisation, kind, years as stated, sector, aggregate, municipality, precision.
GROUP_FIELDS = ("zone_id", "organisation_id", "kind", "fy_first", "fy_last", "fy_start_month", "sector",
                "is_aggregate", "municipality_id", "precision")


# The one aggregate query (plain SQL, the same on PostgreSQL and SQLite). The zone's locations are
# taken first, each with its project's number of locations (an index-only probe per location), so
# that the probe runs once per location, not once per budget line.
LOCATED_SQL = """
WITH l AS {materialized} (
    SELECT loc.id, loc.project_id, loc.zone_id, loc.municipality_id, loc."precision",
           (SELECT COUNT(*) FROM investment_location o WHERE o.project_id = loc.project_id) AS n
    FROM investment_location loc
    WHERE {zone_condition}
)
SELECT l.zone_id, p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month, p.sector,
       p.is_aggregate, l.municipality_id, l."precision",
       CASE WHEN l.n > 1 THEN l.id END, CASE WHEN l.n > 1 THEN l.project_id END, SUM(b.amount)
FROM l
JOIN investment_project p ON p.id = l.project_id AND p.duplicate_of_id IS NULL
JOIN investment_budgetline b ON b.project_id = l.project_id {kind_condition}
GROUP BY l.zone_id, p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month, p.sector,
         p.is_aggregate, l.municipality_id, l."precision",
         CASE WHEN l.n > 1 THEN l.id END, CASE WHEN l.n > 1 THEN l.project_id END
"""


def _located_rows(zone_ids, kinds):
    """Grouped sums of the zones' located budget lines (all zones when zone_ids is None).

    A project with one location is summed straight into its group. A location of a project with
    several locations stays its own row (columns 10 and 11: location and project ids) so that its
    share of the project can be worked out exactly in Python.
    """
    params = []
    if zone_ids is None:
        zone_condition = "loc.zone_id IS NOT NULL"
    else:
        zone_condition = f"loc.zone_id IN ({', '.join(['%s'] * len(zone_ids))})"
        params += list(zone_ids)
    kind_condition = ""
    if kinds is not None:
        kind_condition = f"AND b.kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else "AND 1 = 0"
        params += list(kinds)
    postgres = connection.vendor == "postgresql"
    sql = LOCATED_SQL.format(materialized="MATERIALIZED" if postgres else "", zone_condition=zone_condition,
                             kind_condition=kind_condition)
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # For this transaction only: JIT compilation costs more than this short query takes, and
            # hashing the groups beats sorting ~25k rows on twelve keys (the planner misjudges both).
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(sql, params)
        return cursor.fetchall()


def _location_shares(project_ids):
    """{project_id: ([location ids], [shares])} in a stable order, for exact splits."""
    shares = defaultdict(lambda: ([], []))
    query = Location.objects.filter(project_id__in=project_ids).order_by("project_id", "pk")
    for project_id, pk, share in query.values_list("project_id", "pk", "share"):
        shares[project_id][0].append(pk)
        shares[project_id][1].append(share)
    return shares


def grouped_amounts(zone_ids=None, kinds=None):
    """{group key (GROUP_FIELDS): Decimal} of located amounts in the given zones (None: all zones).

    A project with several locations is split exactly by Location.share (blank: equal shares) over
    all its locations, the same way whichever zone is asked for, so its parts add up to its amount.
    """
    kinds = list(kinds) if kinds is not None else None
    zone_ids = list(zone_ids) if zone_ids is not None else None
    totals = defaultdict(lambda: ZERO)
    split_rows = []
    for row in _located_rows(zone_ids, kinds):
        if row[12] is None:
            continue
        key = row[:7] + (bool(row[7]),) + row[8:10]  # SQLite gives booleans as 0/1
        if row[10] is None:
            totals[key] += cents(row[12])
        else:
            split_rows.append((key, row[10], row[11], row[12]))
    if split_rows:
        shares = _location_shares({project_id for _key, _loc, project_id, _amount in split_rows})
        for key, location_id, project_id, amount in split_rows:
            location_ids, weights = shares[project_id]
            totals[key] += fy.split_locations(cents(amount), weights)[location_ids.index(location_id)]
    return totals


# ---------------------------------------------------------------------------------------------
# Rows in a calendar and view.

def _check(calendar, view):
    month = fy.calendar_month(calendar)
    if view not in VIEWS:
        raise ValueError(f"unknown view {view!r}: use annual or stated")
    return month


def _lookups(groups):
    org_ids = {key[1] for key in groups}
    place_ids = {key[8] for key in groups if key[8] is not None}
    organisations = {o["pk"]: o for o in Organisation.objects.filter(pk__in=org_ids).values("pk", "code", "name", "sphere")}
    places = dict(Place.objects.filter(pk__in=place_ids).values_list("pk", "code"))
    return organisations, places


def _year_shares(first, last, month, amount, view, target_month):
    """(financial_year label, year, amount, apportioned) for one group in the chosen view."""
    single = first is not None and (last is None or last == first)
    if view == "stated":
        return [(fy.span_label(first, last, month), first if single else None, amount, False)]
    if single and month == target_month:
        return [(fy.fy_label(first, target_month), first, amount, False)]  # the common case, no split
    return [(fy.fy_label(s.year, target_month), s.year, s.amount, s.apportioned)
            for s in fy.to_calendar(amount, first, last, month, target_month)]


def rows_from_groups(groups, calendar="april", view="annual", include_private=True):
    target_month = _check(calendar, view)
    organisations, places = _lookups(groups)
    excluded = set() if include_private else {pk for pk, o in organisations.items() if o["sphere"] == Sphere.PRIVATE}
    labels = {}  # start year -> label in the target calendar
    cells = {}
    for (_zone, org_id, kind, first, last, month, sector, aggregate, m_id, precision), amount in groups.items():
        if org_id in excluded:
            continue
        sector = None if aggregate else sector
        if view == "annual" and month == target_month and first is not None and (last is None or last == first):
            # The common case: one year, stated in the calendar shown. No split.
            label = labels.get(first) or labels.setdefault(first, fy.fy_label(first, target_month))
            shares = ((label, first, amount, False),)
        else:
            shares = _year_shares(first, last, month, amount, view, target_month)
        for label, year, part, apportioned in shares:
            # Different spans can land in the same year: rows add up on everything they show.
            key = (org_id, label, kind, apportioned, sector, m_id, precision, aggregate, month, year)
            cells[key] = cells.get(key, ZERO) + part
    month_names = {}
    rows = []
    for (org_id, label, kind, apportioned, sector, m_id, precision, aggregate, month, year), amount in cells.items():
        o = organisations[org_id]
        if month not in month_names:
            month_names[month] = fy.calendar_name(month)
        rows.append(QRow(o["sphere"], o["code"], o["name"], label, kind, amount, apportioned, sector,
                         places.get(m_id), precision, aggregate, month_names[month], year))
    return rows


def zone_quantum(zone_code, calendar="april", view="annual", kinds=None, include_private=True):
    _check(calendar, view)
    zone = (Place.objects.zones().select_related("province").defer("geometry", "svg_path", "province__geometry", "province__svg_path")
            .get(code=str(zone_code).upper()))
    groups = grouped_amounts([zone.pk], kinds)
    return Quantum(zone, calendar, view, rows_from_groups(groups, calendar, view, include_private))


# ---------------------------------------------------------------------------------------------
# National views.

def _zone_year_totals(kinds, calendar, years):
    """{(zone_id, sphere, sector): Decimal} over the chosen years (None: every year, as stated)."""
    target_month = fy.calendar_month(calendar)
    groups = grouped_amounts(None, kinds)
    organisations, _places = _lookups(groups)
    result = defaultdict(lambda: ZERO)
    for key, amount in groups.items():
        sphere = organisations[key[1]]["sphere"]
        sector = None if key[7] else key[6]
        if years is None:
            result[(key[0], sphere, sector)] += amount
            continue
        for share in fy.to_calendar(amount, key[3], key[4], key[5], target_month):
            if share.year in years:
                result[(key[0], sphere, sector)] += share.amount
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
    if value is None or type(value) is Decimal and value.as_tuple().exponent == -2:
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
    for key, amount in grouped_amounts(None, kinds).items():
        located[(key[1], key[2])] += amount
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
# Population (for per-capita figures): soft lookup, profiles first, packaged Community Survey second.

def population_of_zones():
    """{place code: (people, source)} for zones and municipalities where population is known."""
    try:
        from ddm.profiles import services as profile_services  # optional: profiles may not provide it
        lookup = getattr(profile_services, "population_by_code", None)
    except ImportError:
        lookup = None
    if lookup is not None:
        found = lookup()
        if found:
            return found
    return _packaged_population()


_POPULATION = {}


def _packaged_population():
    if not _POPULATION:
        import csv
        from pathlib import Path

        path = Path(__file__).resolve().parent / "data" / "population_cs2016.csv"
        with open(path, newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                _POPULATION[row["code"]] = (int(row["population"]), "Stats SA Community Survey 2016")
    return _POPULATION
