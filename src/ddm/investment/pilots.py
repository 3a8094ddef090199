"""The three DDM pilots (eThekwini, Waterberg, O.R. Tambo) as published in 2019, and reconciliation
of any published total with the register's lines behind it.

The pilot figures (data/pilots.csv, sources in data/SOURCES.md) are loaded as a demo submission of
aggregate lines: one project per sphere and zone, `is_aggregate=True`, titled "aggregate line, no
project detail", located to the whole zone. Published totals (data/published_totals.csv) name the
lines they add up; `reconcile()` says what the figure includes, what it leaves out and where the
lines and the figure disagree.
"""

import csv
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, TypedDict

from django.db import transaction
from django.db.models import Count, QuerySet, Sum
from django.utils import timezone

from ddm import caching
from ddm.accounts.models import Organisation, Sphere
from ddm.investment import summary
from ddm.investment.calendar import span_label
from ddm.investment.located import cents, from_cents
from ddm.investment.models import (
    BudgetKind,
    BudgetLine,
    Location,
    Precision,
    Project,
    PublishedTotal,
    Submission,
    SubmissionStatus,
)
from ddm.numbers import rand_exact, rand_short
from ddm.places.models import Place

DATA_DIR = Path(__file__).resolve().parent / "data"
SOURCE = "DDM founding report / pilot launches 2019"
AGGREGATE_NOTE = "aggregate line, no project detail"
GOVERNMENT = {Sphere.NATIONAL, Sphere.PROVINCIAL, Sphere.LOCAL, Sphere.PARASTATAL}


class LineDict(TypedDict):
    """A component line of a published total."""

    project: Project
    reference: str
    organisation: str
    sphere: str
    kind: str
    amount: Decimal
    financial_years: str
    multi_year: bool
    years_stated: bool


class OtherGroup(TypedDict):
    """The zone's lines a published total leaves out, added up per organisation, kind and years as stated."""

    organisation: str
    sphere: str
    kind: str
    amount: Decimal
    count: int
    financial_years: str


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _year(value: str) -> int | None:
    return int(value) if value.strip() else None


def load_aggregate_organisations() -> dict[str, Organisation]:
    provinces = {p.code: p for p in Place.objects.provinces().without_geometry()}
    result: dict[str, Organisation] = {}
    for row in _rows("organisations_aggregate.csv"):
        result[row["code"]], _ = Organisation.objects.update_or_create(code=row["code"], defaults=dict(
            name=row["name"], sphere=row["sphere"], kind=row["kind"], fy_start_month=int(row["fy_start_month"]),
            province=provinces.get(row["province"]), is_reference=False,
        ))
    return result


def _submission(organisation: Organisation) -> Submission:
    submission, _ = Submission.objects.get_or_create(
        organisation=organisation, channel="demo", filename="pilots.csv",
        defaults=dict(status=SubmissionStatus.COMMITTED, finished=timezone.now(),
                      note=f"The DDM pilots as published: {SOURCE}. Aggregate lines, no project detail."),
    )
    return submission


def _load_line(row: dict[str, str], organisation: Organisation, zone: Place, submission: Submission) -> Project:
    first, last = _year(row["fy_first"]), _year(row["fy_last"])
    project, _ = Project.objects.update_or_create(organisation=organisation, reference=row["reference"], defaults=dict(
        title=f"{row['title']} ({AGGREGATE_NOTE})", is_aggregate=True, submission=submission,
        description=f"Published figure: {row['stated_as']}. Source: {SOURCE}. An aggregate line standing for "
                    "many projects; no project detail, no sector.",
    ))
    Location.objects.update_or_create(project=project, defaults=dict(
        precision=Precision.ZONE, place=zone, zone=zone, province_id=zone.province_id, municipality=None,
        name=zone.name, share=None,
    ))
    line = project.budget_lines.order_by("pk").first() or BudgetLine(project=project)
    line.kind, line.amount, line.fy_first, line.fy_last = row["kind"], Decimal(row["amount"]), first, last
    line.fy_start_month, line.stated_as, line.submission = int(row["fy_start_month"]), row["stated_as"], submission
    line.save()
    project.budget_lines.exclude(pk=line.pk).delete()
    return project


@transaction.atomic
def load_pilots() -> int:
    """Create or refresh the pilot lines and published totals; idempotent. Returns the line count."""
    organisations = load_aggregate_organisations()
    zones = {z.code: z for z in Place.objects.zones().without_geometry()}
    projects: dict[str, Project] = {}
    for row in _rows("pilots.csv"):
        organisation = organisations[row["organisation"]]
        projects[row["reference"]] = _load_line(row, organisation, zones[row["zone"]], _submission(organisation))
    for row in _rows("published_totals.csv"):
        total, _ = PublishedTotal.objects.update_or_create(key=row["key"], defaults=dict(
            zone=zones[row["zone"]], amount=Decimal(row["amount"]), stated_as=row["stated_as"], label=row["label"],
            source=SOURCE, includes=row["includes"], excludes=row["excludes"], note=row["note"],
            breakdown_published=row["breakdown_published"] == "yes",
        ))
        total.components.set([projects[ref] for ref in row["components"].split(";") if ref])
    return len(projects)


# ---------------------------------------------------------------------------------------------
# Reconciliation of a published total with its lines.

def _line_dict(line: BudgetLine) -> LineDict:
    organisation = line.project.organisation
    return {
        "project": line.project, "reference": line.project.reference, "organisation": organisation.name,
        "sphere": organisation.sphere, "kind": line.kind, "amount": line.amount,
        "financial_years": span_label(line.fy_first, line.fy_last, line.fy_start_month) or "years not stated",
        "multi_year": line.is_multi_year, "years_stated": line.fy_first is not None,
    }


def _zone_project_ids(zone: Place) -> QuerySet[Location, Any]:
    """The zone's counted projects, as a subquery (a project with several locations in the zone once)."""
    return Location.objects.filter(zone=zone, project__duplicate_of__isnull=True,
                                   project__is_demo=False).values("project_id")


def _component_lines(published: PublishedTotal) -> QuerySet[BudgetLine]:
    return (BudgetLine.objects.filter(project__in=published.components.all())
            .select_related("project__organisation").order_by("project__organisation__sphere", "pk"))


def _other_groups(published: PublishedTotal) -> list[OtherGroup]:
    """The zone's lines a published total leaves out, added up per organisation, kind and years as
    stated (the zone's register can hold tens of thousands of lines: none is built as an object): from
    the zone summary's line totals less the published total's own lines, or added up in SQL when the
    zone has no current summary."""
    stored = summary.line_totals(published.zone_id)
    if stored is None:
        return _other_groups_direct(published)
    in_zone = Location.objects.filter(zone_id=published.zone_id, project__in=published.components.all(),
                                      project__duplicate_of__isnull=True).values("project_id")
    return _named_groups(stored, BudgetLine.objects.filter(project__in=in_zone).select_related("project"))


def _named_groups(stored: dict[tuple[int, str, int | None, int | None, int], tuple[int, int]],
                  component_lines: Iterable[BudgetLine]) -> list[OtherGroup]:
    """The stored line totals less the component lines, per organisation name and sphere, kind and
    years, in the order of the direct query (years not stated last)."""
    totals = dict(stored)
    for line in component_lines:
        key = (line.project.organisation_id, line.kind, line.fy_first, line.fy_last, line.fy_start_month)
        amount, count = totals[key]
        totals[key] = (amount - int(line.amount.scaleb(2)), count - 1)
    organisations = {pk: (name, sphere) for pk, name, sphere in Organisation.objects.filter(
        pk__in={key[0] for key in totals}).values_list("pk", "name", "sphere")}
    merged: dict[tuple[str, str, str, int | None, int | None, int], list[int]] = {}
    for (org_id, kind, first, last, month), (amount, count) in totals.items():
        if count:
            sums = merged.setdefault((*organisations[org_id], kind, first, last, month), [0, 0])
            sums[0] += amount
            sums[1] += count
    order = sorted(merged, key=lambda k: (k[1], k[0], k[2], _nulls_last(k[3]), _nulls_last(k[4])))
    return [{
        "organisation": name, "sphere": sphere, "kind": kind, "amount": from_cents(merged[key][0]),
        "count": merged[key][1], "financial_years": span_label(first, last, month) or "years not stated",
    } for key in order for name, sphere, kind, first, last, month in [key]]


def _nulls_last(year: int | None) -> tuple[bool, int]:
    return (year is None, year or 0)


def _other_groups_direct(published: PublishedTotal) -> list[OtherGroup]:
    """_other_groups added up in SQL from the register."""
    rows = (BudgetLine.objects.filter(project__in=_zone_project_ids(published.zone))
            .exclude(project__in=published.components.all())
            .values("project__organisation__name", "project__organisation__sphere", "kind", "fy_first", "fy_last",
                    "fy_start_month")
            .annotate(total=Sum("amount"), count=Count("pk"))
            .order_by("project__organisation__sphere", "project__organisation__name", "kind", "fy_first", "fy_last"))
    return [{
        "organisation": r["project__organisation__name"], "sphere": r["project__organisation__sphere"],
        "kind": r["kind"], "amount": cents(r["total"]), "count": r["count"],
        "financial_years": span_label(r["fy_first"], r["fy_last"], r["fy_start_month"]) or "years not stated",
    } for r in rows]


def reconcile(published: PublishedTotal) -> dict[str, Any]:
    """What a published total adds up, checked against the register. Amounts are Decimal.

    Returns lines (its components' lines), lines_sum, difference (published - lines), government and
    private parts, by_kind, other_lines (the zone's lines it leaves out, added up per organisation, kind
    and years as stated, with their count) and plain-language findings. Two queries, whatever the zone's size.
    """
    lines = [_line_dict(line) for line in _component_lines(published)]
    total = sum((line["amount"] for line in lines), Decimal("0.00"))
    result: dict[str, Any] = {
        "published": published, "lines": lines, "lines_sum": total,
        "difference": published.amount - total if published.breakdown_published else None,
        "government": sum((l["amount"] for l in lines if l["sphere"] in GOVERNMENT), Decimal("0.00")),
        "private": sum((l["amount"] for l in lines if l["sphere"] == Sphere.PRIVATE), Decimal("0.00")),
        "by_kind": _by(lines, "kind"), "other_lines": _other_groups(published),
    }
    result["findings"] = _findings(published, result)
    return result


def _by(lines: list[LineDict], field: Literal["kind", "sphere", "organisation"]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line[field]] = totals.get(line[field], Decimal("0.00")) + line["amount"]
    return totals


def _findings(published: PublishedTotal, r: dict[str, Any]) -> list[str]:
    if not published.breakdown_published:
        return ["Only the total was published, with no breakdown by sphere, organisation or year: the register "
                "holds no lines for it, so it is not in the quantum table or any total above."]
    findings = [_sum_finding(published, r)]
    if r["private"] and "government" in published.label.lower():
        findings.append(f"Published as {published.label}, it includes {rand_short(r['private'], 2)} of private "
                        f"investment: the government lines alone are {rand_short(r['government'], 2)}.")
    multi = [l for l in r["lines"] if l["multi_year"]]
    if multi and len(multi) < len(r["lines"]):
        spans = ", ".join(f"{l['organisation']} {l['financial_years']}" for l in multi)
        findings.append(f"It adds multi-year totals ({spans}) to single-year or undated figures, so it is not "
                        "the spending of any one year.")
    if any(not l["years_stated"] for l in r["lines"]):
        findings.append("It includes figures whose years were not stated.")
    if len(r["by_kind"]) > 1:
        kinds = " and ".join(BudgetKind(k).label.lower() for k in r["by_kind"])
        findings.append(f"It adds different kinds of figure: {kinds}.")
    findings.extend(_not_included(r["other_lines"]))
    return findings


def _not_included(lines: list[OtherGroup]) -> list[str]:
    """One finding per organisation and kind among the zone's lines the published total leaves out."""
    groups: dict[tuple[str, str], list[OtherGroup]] = {}
    for line in lines:
        groups.setdefault((line["organisation"], line["kind"]), []).append(line)
    findings: list[str] = []
    for (organisation, kind), group in groups.items():
        total = sum((l["amount"] for l in group), Decimal("0.00"))
        years = sorted({l["financial_years"] for l in group})
        span = years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"
        line_count = sum(l["count"] for l in group)
        count = f"{line_count} lines, " if line_count > 1 else ""
        findings.append(f"Not included: {organisation}, {BudgetKind(kind).label.lower()} "
                        f"{rand_short(total)} ({count}{span}).")
    return findings


def _sum_finding(published: PublishedTotal, r: dict[str, Any]) -> str:
    if r["difference"] == 0:
        return f"Its lines add up exactly to the published {published.stated_as}."
    return (f"Its lines add up to {rand_short(r['lines_sum'], 2)} ({rand_exact(r['lines_sum'])}), not the published "
            f"{published.stated_as}: a difference of {rand_short(abs(r['difference']), 2)} the lines do not explain.")


def published_for_zone(zone: Place) -> list[dict[str, Any]]:
    """Reconciliations of every published total of a zone (two queries each, none per line), computed
    once per data version and shared by every process (ddm.caching): a metro's other lines are
    hundreds of thousands on a national register."""
    return caching.remember("investment:published", lambda: [
        reconcile(t) for t in PublishedTotal.objects.filter(zone=zone).select_related("zone")], zone=zone.code)


def published_json(reconciliation: dict[str, Any]) -> dict[str, Any]:
    p = reconciliation["published"]
    return {
        "key": p.key, "amount": str(p.amount), "stated_as": p.stated_as, "label": p.label, "source": p.source,
        "includes": p.includes, "excludes": p.excludes, "note": p.note, "breakdown_published": p.breakdown_published,
        "lines_sum": str(reconciliation["lines_sum"]),
        "difference": None if reconciliation["difference"] is None else str(reconciliation["difference"]),
        "government_in_lines": str(reconciliation["government"]), "private_in_lines": str(reconciliation["private"]),
        "lines": [{"organisation": l["organisation"], "reference": l["reference"], "sphere": l["sphere"],
                   "kind": l["kind"], "financial_years": l["financial_years"], "amount": str(l["amount"])}
                  for l in reconciliation["lines"]],
        "findings": reconciliation["findings"],
    }
