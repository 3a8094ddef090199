"""Located amounts, computed directly from the register: the zones' budget lines added up per group
(what decides a quantum row), exactly, in integer cents.

    grouped_cents(zone_ids, kinds) -> {Group: int cents}    zone_ids None: every zone

This is the quantum's ground truth. Pages do not call it on every visit: `ddm.investment.summary`
stores its result per zone when data changes and reads it back; this module is what the summary
is refreshed from, what a zone without a stored summary falls back to, and what tests compare the
summary with.

Counting rules: only counted projects (not confirmed duplicates); a project in several places is
split by Location.share (blank: equal shares) so that its parts add up to its amount.

How: one aggregate SQL query (the same text on SQLite and PostgreSQL, built by `located_query`)
over the zones' locations, their projects and budget lines, grouped by everything that decides a
row. The zones' locations are taken first, and the split of the projects among them that have other
locations is worked out once per project (not once per budget line). A project with one location goes straight into its
group; a location of a project with several (a few per cent) stays its own row with what its split
needs, and is split exactly in Python: equal shares in integers, explicit shares (and amounts beyond
INTEGER_LIMIT) by calendar.split_locations, with one more query for them all.
"""

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, NamedTuple, overload

from django.db import connection

from ddm.investment import calendar as fy
from ddm.investment.models import Location

CENT = Decimal("0.01")
# Beyond this many cents the exact integer shortcuts are not used (Decimal's 28 digits could then
# round differently from integer division); the Decimal functions of ddm.investment.calendar decide.
INTEGER_LIMIT = 10**20


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
    """One row of the located query: its group, the location kept apart for a split (None: no split to
    make), the split (the project's number of locations, negative for its last location, which takes
    the rounding cents; 0 when some location has an explicit share; None: no split) and the sum in
    integer cents (None: no amount)."""

    group: Group
    location_id: int | None
    split: int | None
    cents: int | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> "Located":
        """A database row: the group's fields, location, split and the sum in Rand."""
        fields = list(row[:len(GROUP_FIELDS)])
        fields[GROUP_FIELDS.index("is_aggregate")] = bool(fields[GROUP_FIELDS.index("is_aggregate")])  # SQLite: 0/1
        location_id, split, amount = row[len(GROUP_FIELDS):]
        return cls(Group._make(fields), location_id, split, to_cents(amount))


# The located query. {zones} and {kinds} are filled by located_query with placeholders; columns
# are named as the fields of Group, then location_id, split and amount (Located.from_row reads them).
# `here`: the zones' locations; `shared`: for the projects among them with several locations (a few
# per cent), how many, whether any has an explicit share and which is the last (it takes the
# rounding cents), worked out once per project.
LOCATED_SQL = """
WITH here AS (
    SELECT loc.id, loc.project_id, loc.zone_id, loc.municipality_id, loc."precision"
    FROM investment_location loc WHERE {zones}
), shared AS (
    SELECT o.project_id, COUNT(*) AS n, COUNT(o.share) AS shares, MAX(o.id) AS last_id
    FROM investment_location o WHERE o.project_id IN (SELECT project_id FROM here)
    GROUP BY o.project_id HAVING COUNT(*) > 1
), l AS (
    SELECT h.*, CASE WHEN s.shares > 0 THEN 0 WHEN s.last_id = h.id THEN -s.n ELSE s.n END AS split
    FROM here h LEFT JOIN shared s ON s.project_id = h.project_id
)
SELECT l.zone_id AS zone_id, p.organisation_id AS organisation_id, b.kind AS kind, b.fy_first AS fy_first,
       b.fy_last AS fy_last, b.fy_start_month AS fy_start_month, p.sector AS sector, p.is_aggregate AS is_aggregate,
       l.municipality_id AS municipality_id, l."precision" AS "precision",
       CASE WHEN l.split IS NOT NULL THEN l.id END AS location_id, l.split AS split, SUM(b.amount) AS amount
FROM l
JOIN investment_project p ON p.id = l.project_id AND p.duplicate_of_id IS NULL AND {demo}
JOIN investment_budgetline b ON b.project_id = l.project_id {kinds}
GROUP BY l.zone_id, p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month, p.sector, p.is_aggregate,
         l.municipality_id, l."precision", CASE WHEN l.split IS NOT NULL THEN l.id END, l.split
"""


def _placeholders(values: Collection[object]) -> str:
    return ", ".join(["%s"] * len(values))


def located_query(zone_ids: Collection[int] | None, kinds: Collection[str] | None, demo: bool = False
                  ) -> tuple[str, list[Any]]:
    """(sql, params) of the located query for these zones (None: every zone) and kinds (None: all):
    real projects only, or (demo=True) only the invented demo projects (Project.is_demo)."""
    if zone_ids is None:
        zones, params = "loc.zone_id IS NOT NULL", list[Any]()
    else:
        zones, params = f"loc.zone_id IN ({_placeholders(zone_ids) or 'NULL'})", list(zone_ids)
    if demo:
        zones += " AND loc.project_id IN (SELECT id FROM investment_project WHERE is_demo)"
    kind_condition = ""
    if kinds is not None:
        kind_condition = f"AND b.kind IN ({_placeholders(kinds)})" if kinds else "AND 1 = 0"
        params += list(kinds)
    return LOCATED_SQL.format(zones=zones, kinds=kind_condition, demo="p.is_demo" if demo else "NOT p.is_demo"), params


def located_rows(zone_ids: Collection[int] | None = None, kinds: Collection[str] | None = None, demo: bool = False
                 ) -> list[Located]:
    """The located query's rows, their sums in integer cents."""
    sql, params = located_query(zone_ids, kinds, demo)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [Located.from_row(row) for row in cursor.fetchall()]


@overload
def cents(value: None) -> None: ...
@overload
def cents(value: Decimal | float) -> Decimal: ...
def cents(value: Decimal | float | None) -> Decimal | None:
    """A database sum as exact Rand: SQLite adds decimals as floating point, so sums are brought back
    to the cent (amounts are stored to the cent, so this only undoes float noise). PostgreSQL's
    numeric sums are exact already."""
    if value is None or (type(value) is Decimal and value.as_tuple().exponent == -2):
        return value
    return Decimal(value).quantize(CENT)


@overload
def to_cents(value: None) -> None: ...
@overload
def to_cents(value: Decimal | float) -> int: ...
def to_cents(value: Decimal | float | None) -> int | None:
    """A database sum (Decimal, or float/int on SQLite) as exact integer cents; None stays None."""
    if value is None:
        return None
    return int(cents(value).scaleb(2))


def from_cents(amount: int) -> Decimal:
    """Integer cents as Decimal Rand with two decimals (the same value and form as a numeric sum)."""
    return Decimal(amount).scaleb(-2)


def _location_shares(project_ids: Iterable[int]) -> defaultdict[int, tuple[list[int], list[Decimal | None]]]:
    """{project_id: ([location ids], [shares])} in a stable order, for exact splits."""
    shares: defaultdict[int, tuple[list[int], list[Decimal | None]]] = defaultdict(lambda: ([], []))
    query = Location.objects.filter(project_id__in=project_ids).order_by("project_id", "pk")
    for project_id, pk, share in query.values_list("project_id", "pk", "share"):
        shares[project_id][0].append(pk)
        shares[project_id][1].append(share)
    return shares


def _equal_part(split: int, amount: int) -> int:
    """A location's part in cents of its project's amount in cents when all shares are blank (split:
    the number of locations, negative for the project's last location): as calendar.split_locations,
    every part but the last is cut down to the cent (toward zero) and the last takes the rest."""
    n = -split if split < 0 else split
    part = amount // n if amount >= 0 else -(-amount // n)
    return amount - part * (n - 1) if split < 0 else part


def _resolve_splits(rows: list[Located]) -> list[Located]:
    """The located rows whose location's part needs calendar.split_locations (explicit shares, or
    amounts beyond INTEGER_LIMIT), with the part (cents) as amount and no split left to make."""
    if not rows:
        return []
    projects = dict(Location.objects.filter(pk__in={row.location_id for row in rows}).values_list("pk", "project_id"))
    shares = _location_shares(set(projects.values()))
    resolved: list[Located] = []
    for row in rows:
        # A row to split names its location and has an amount (located_parts).
        assert row.location_id is not None and row.cents is not None
        location_ids, weights = shares[projects[row.location_id]]
        part = fy.split_locations(from_cents(row.cents), weights)[location_ids.index(row.location_id)]
        resolved.append(row._replace(location_id=None, split=None, cents=int(part.scaleb(2))))
    return resolved


def located_parts(located: list[Located]) -> Iterator[tuple[Located, int]]:
    """(located row, its cents) for every row with an amount; a location of a project with several
    locations gets its part of the project (see the module docstring)."""
    batch = located
    while batch:
        later: list[Located] = []
        for row in batch:
            amount, split = row.cents, row.split
            if amount is None:
                continue
            if split is None:
                yield row, amount
            elif split == 0 or not -INTEGER_LIMIT < amount < INTEGER_LIMIT:
                later.append(row)
            else:
                yield row, _equal_part(split, amount)
        batch = _resolve_splits(later)


def grouped_cents(zone_ids: Collection[int] | None = None, kinds: Collection[str] | None = None, demo: bool = False
                  ) -> dict[Group, int]:
    """{Group: integer cents} of the located amounts in the given zones (None: every zone), straight
    from the register; real projects only, or (demo=True) the invented demo projects only."""
    totals: dict[Group, int] = {}
    for row, amount in located_parts(located_rows(zone_ids, kinds, demo)):
        key = row.group
        totals[key] = totals.get(key, 0) + amount
    return totals
