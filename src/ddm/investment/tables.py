"""The tables of the investment pages, built once for the HTML page and for its CSV/XLSX exports.

A Table has a header and rows of plain values or Money cells (an amount with an "apportioned"
flag). Pages render Money as Rand with a footnote mark; exports write the Decimal amount.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import F, OuterRef, Subquery, Sum

from ddm.accounts.models import Sphere
from ddm.investment import quantum as q
from ddm.investment.models import BudgetKind, BudgetLine, Location, Precision, Project, Sector
from ddm.numbers import number, percent
from ddm.places.models import Place

ZERO = Decimal("0.00")
SPHERE_LABELS = dict(Sphere.choices)
KIND_LABELS = dict(BudgetKind.choices)
SECTOR_LABELS = dict(Sector.choices)
PRECISION_LABELS = dict(Precision.choices)
APPORTIONED_NOTE = ("* includes apportioned shares: multi-year lines spread evenly over their years, or lines "
                    "stated in another calendar converted by month overlap.")


@dataclass
class Money:
    amount: Decimal
    apportioned: bool = False

    def __add__(self, other: "Money") -> "Money":
        return Money(self.amount + other.amount, self.apportioned or other.apportioned)


@dataclass
class Percent:
    value: Decimal

    def __str__(self) -> str:
        return percent(self.value, 1)


@dataclass
class Table:
    key: str
    title: str
    header: list[str]
    rows: list[list[Any]]  # plain values, Money and Percent cells
    notes: list[str] = field(default_factory=list)
    css: list[str] = field(default_factory=list)  # per-row CSS class ("subtotal", ...)

    def export_rows(self) -> Iterator[list[Any]]:
        for row in self.rows:
            yield [c.amount if isinstance(c, Money) else c.value if isinstance(c, Percent) else c for c in row]

    @property
    def rows_with_css(self) -> list[tuple[str, list[Any]]]:
        return [(self.css[i] if i < len(self.css) else "", row) for i, row in enumerate(self.rows)]

    @property
    def has_apportioned(self) -> bool:
        return any(isinstance(c, Money) and c.apportioned for row in self.rows for c in row)


def _cells(rows: Iterable[q.QRow], key: Callable[[q.QRow], Hashable]) -> defaultdict[Any, Money]:
    # Added up as Decimals, one Money per cell (not one per row: a metro's cold page adds up its
    # thousands of rows several times).
    amounts: dict[Any, Decimal] = {}
    apportioned: set[Any] = set()
    for row in rows:
        cell = key(row)
        amounts[cell] = amounts.get(cell, ZERO) + row.amount
        if row.apportioned:
            apportioned.add(cell)
    cells: defaultdict[Any, Money] = defaultdict(lambda: Money(ZERO))
    cells.update((cell, Money(amount, cell in apportioned)) for cell, amount in amounts.items())
    return cells


def _year_label(label: str | None) -> str:
    return label or "years not stated"


def quantum_tables(quantum: q.Quantum, population: tuple[int, str] | None = None) -> list["Table"]:
    """One sphere x financial-year table per kind; government and private subtotals, never a sum of both."""
    tables: list[Table] = []
    for kind in quantum.kinds:
        rows = quantum.select(kinds=kind)
        present = {r.financial_year for r in rows}
        years = [y for y in quantum.years if y in present]
        cells = _cells(rows, lambda r: (r.sphere, r.financial_year))
        sphere_totals = _cells(rows, lambda r: r.sphere)
        body: list[list[Any]] = []
        css: list[str] = []
        for sphere in q.SPHERE_ORDER:
            if sphere in sphere_totals:
                body.append([SPHERE_LABELS[sphere]] + [cells.get((sphere, y), "") for y in years]
                            + [sphere_totals[sphere]])
                css.append("")
        for label, spheres in (("Government (national + provincial + local + parastatal)", q.GOVERNMENT),
                               ("Private sector (not added to government)", q.PRIVATE)):
            per_year = [sum((cells[(s, y)] for s in spheres if (s, y) in cells), Money(ZERO)) for y in years]
            shown = [cell if any((s, y) in cells for s in spheres) else "" for cell, y in zip(per_year, years, strict=True)]
            body.append([label] + shown + [sum(per_year, Money(ZERO))])
            css.append("subtotal")
        notes = [f"{KIND_LABELS.get(kind, kind)}, {quantum.calendar_description}; Rand.", APPORTIONED_NOTE,
                 q.INCLUDES["government"], q.INCLUDES["private"]]
        if population and kind == BudgetKind.BUDGET:
            people, source = population
            government = body[-2][1:]
            body.append([f"Government per person ({number(people)} people)"]
                        + [q.per_capita(c.amount, people) if c else "" for c in government])
            css.append("percapita")
            notes.append(f"Per person: government budget over the population, {number(people)} people ({source}).")
        tables.append(Table(f"quantum-{kind}", f"{KIND_LABELS.get(kind, kind)} by sphere and financial year",
                            ["Sphere"] + [_year_label(y) for y in years] + ["All years"], body, notes, css))
    return tables


def organisation_table(quantum: q.Quantum) -> Table:
    totals = quantum.by("sphere", "organisation", "organisation_name", "kind")
    kinds = quantum.kinds
    orgs = sorted({k[:3] for k in totals}, key=lambda k: (q.SPHERE_ORDER.index(k[0]), k[2]))
    rows = [[name, SPHERE_LABELS[sphere]] + [totals.get((sphere, code, name, kind), "") for kind in kinds]
            for sphere, code, name in orgs]
    return Table("organisations", "By organisation (all years)", ["Organisation", "Sphere"]
                 + [KIND_LABELS.get(k, k) for k in kinds], rows, ["Amounts in Rand over all years, as stated."])


def municipality_table(quantum: q.Quantum, municipalities: Sequence[Place],
                       population: dict[str, tuple[int, str]]) -> Table:
    """Government and private per local municipality, per kind; per person for government budgets."""
    kinds = quantum.kinds
    gov = quantum.by("municipality", "kind", spheres=q.GOVERNMENT)
    private = quantum.by("municipality", "kind", spheres=q.PRIVATE)
    rows: list[list[Any]] = []
    for code, name in [(m.code, m.name) for m in municipalities] + [(None, "Located only to the zone as a whole")]:
        people = population.get(code, (None, None))[0] if code else None
        budget = gov.get((code, BudgetKind.BUDGET), ZERO)
        rows.append([code or "", name] + [gov.get((code, k), "") for k in kinds] + [private.get((code, k), "") for k in kinds]
                    + [people or "", q.per_capita(budget, people) if people and budget else ""])
    header = (["Code", "Municipality"] + [f"Government: {KIND_LABELS.get(k, k)}" for k in kinds]
              + [f"Private: {KIND_LABELS.get(k, k)}" for k in kinds]
              + ["Population (Stats SA Census 2022)", "Government budget per person, all years (Rand)"])
    return Table("municipalities", "By local municipality (all years)", header, rows,
                 ["Each project's share of each municipality; projects located only to the zone are shown apart."])


def sector_table(quantum: q.Quantum) -> Table:
    kinds = quantum.kinds
    gov = quantum.by("sector", "kind", spheres=q.GOVERNMENT)
    private = quantum.by("sector", "kind", spheres=q.PRIVATE)
    sectors = [s for s in SECTOR_LABELS if any((s, k) in gov or (s, k) in private for k in kinds)]
    rows: list[list[Any]] = []
    for sector in [*sectors, None]:
        if sector is None and not any((None, k) in gov or (None, k) in private for k in kinds):
            continue
        label = SECTOR_LABELS[sector] if sector else "No sector (aggregate lines)"
        rows.append([label] + [gov.get((sector, k), "") for k in kinds] + [private.get((sector, k), "") for k in kinds])
    header = (["Sector"] + [f"Government: {KIND_LABELS.get(k, k)}" for k in kinds]
              + [f"Private: {KIND_LABELS.get(k, k)}" for k in kinds])
    return Table("sectors", "By sector (all years)", header, rows)


def quality_table(quantum: q.Quantum) -> Table:
    """How precisely each kind's Rand is located: point, ward, municipality, only the zone."""
    kinds = quantum.kinds
    by = quantum.by("precision", "kind")
    kind_totals = quantum.by("kind")
    rows: list[list[Any]] = []
    for precision in (Precision.POINT, Precision.WARD, Precision.MUNICIPALITY, Precision.ZONE):
        row: list[Any] = [PRECISION_LABELS[precision]]
        for kind in kinds:
            amount = by.get((precision, kind), ZERO)
            # A kind with a total has a share (None only for a zero whole).
            row += [amount, Percent(cast(Decimal, q._share(amount, kind_totals[kind]))) if kind_totals.get(kind) else ""]
        rows.append(row)
    header = ["Located to"] + [h for k in kinds for h in (f"{KIND_LABELS.get(k, k)} (Rand)", "%")]
    return Table("quality", "Quality-adjusted totals: how precisely the Rand is located", header, rows,
                 ["Government and private together here: this table measures location precision, not spending. "
                  "Projects with no location in any zone are not in any zone's figures (see the unmapped list)."])


def zone_projects(zone: Place, limit: int = 100, offset: int = 0) -> tuple[list[Project], int]:
    """A page of the zone's counted projects, largest budget first (each with its budget lines added as
    .total), and the number of all of them. Driven by the zone's locations (index on zone) and each of
    their projects' budget lines (index on project), so it costs what the zone's data costs, never a
    scan of the national register; the few duplicates are excluded through their own index."""
    located = Location.objects.filter(zone=zone).exclude(project__in=Project.objects.filter(duplicate_of__isnull=False))
    budget = (BudgetLine.objects.filter(project=OuterRef("project_id"), kind=BudgetKind.BUDGET).order_by()
              .values("project").annotate(total=Sum("amount")).values("total"))
    ranked = (located.values("project_id").distinct().annotate(total=Subquery(budget))
              .order_by(F("total").desc(nulls_last=True), "project_id")[offset:offset + limit])
    totals = {row["project_id"]: row["total"] for row in ranked}
    projects = Project.objects.select_related("organisation").order_by().in_bulk(totals)
    for pk, total in totals.items():
        projects[pk].total = total  # type: ignore[attr-defined]  # as .annotate() would set it
    return [projects[pk] for pk in totals], located.values("project_id").distinct().count()


def zone_project_table(projects: list[Project]) -> Table:
    rows = [[p.reference, f"{p.title} (demo, not counted)" if p.is_demo else p.title, p.organisation.name,
             SPHERE_LABELS.get(p.organisation.sphere, ""),
             SECTOR_LABELS.get(p.sector, "") if not p.is_aggregate else "aggregate line",
             p.total if p.total is not None else ""]  # type: ignore[attr-defined]  # set by zone_projects
            for p in projects]
    return Table("projects", "Projects located in the zone", ["Reference", "Title", "Organisation", "Sphere", "Sector",
                 "Budget, all years (Rand, as stated)"], rows,
                 ["The last column adds a project's budget lines as stated: the whole project, not its share of this "
                  "zone; other kinds (actual, planned) are on the project page."])
