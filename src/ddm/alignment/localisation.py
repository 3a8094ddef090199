"""Department localisation: how much of each department's registered Rand is located in zones.

For every national and provincial department (reference organisations of kind "department"), for
one budget kind (default "budget", all financial years; kinds are never added together):
- total: its counted projects' lines (confirmed duplicates and aggregate lines excluded: an aggregate
  stands for a published sphere total, not for a department's projects);
- located in zones, split by precision (point, ward, municipality, zone) -- the quantum's exact
  shares, so a project in several places counts each located part once;
- not located: province-level, national-level and unmapped (no location at all);
- zones where it has nothing located: of the 52 zones for a national department, of its own
  province's zones for a provincial department;
- flag "only national/province-level" when it has Rand registered and none of it in any zone.
"""

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Q, Sum

from ddm.accounts.models import Organisation, OrganisationKind, Sphere
from ddm.investment.models import BudgetLine, Precision
from ddm.investment.quantum import Group, grouped_amounts
from ddm.numbers import rand_exact
from ddm.places.models import Place

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
ZONE_PRECISIONS = [Precision.POINT, Precision.WARD, Precision.MUNICIPALITY, Precision.ZONE]
INCLUDES = (
    "Rand of budget lines of kind '{kind}' over all financial years in the register, of counted projects "
    "(confirmed duplicates excluded; aggregate lines standing for a published sphere total excluded). "
    "Located = the part of each project located at point, ward, municipality "
    "or zone precision (multi-place projects split by their shares). Zones with nothing: of all 52 zones for "
    "a national department, of its province's zones for a provincial one. Source: DDM Hub investment register."
)


def _grouped(kind: str) -> dict[Group, Decimal]:
    return grouped_amounts(None, [kind])


class DepartmentRow(TypedDict):
    """One national or provincial department: its registered Rand and where it is located."""

    organisation: str
    name: str
    sphere: str
    province: str | None
    total: Decimal
    located: Decimal  # in zones, at point, ward, municipality or zone precision
    located_share: Decimal | None  # percent of total
    by_precision: dict[Precision, Decimal]
    province_level: Decimal
    national_level: Decimal
    unmapped: Decimal
    zones_expected: int
    zones_without: list[str]  # zone codes
    only_national_or_province: bool


@dataclass
class Report:
    kind: str
    rows: list[DepartmentRow]
    zones_by_province: dict[int | None, list[tuple[int, str]]]  # province id: [(zone id, code)]

    @property
    def includes(self) -> str:
        return INCLUDES.format(kind=self.kind)


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1")) if whole else None


def _line_sums(kind: str, departments: list[int], extra: Q | None = None) -> dict[int, Decimal]:
    lines = BudgetLine.objects.filter(kind=kind, project__duplicate_of__isnull=True, project__is_demo=False,
                                      project__is_aggregate=False,
                                      project__organisation__in=departments)
    if extra is not None:
        lines = lines.filter(extra)
    sums = lines.values_list("project__organisation_id").annotate(total=Sum("amount")).order_by()
    return {org_id: Decimal(total).quantize(CENT) for org_id, total in sums}


def localisation(kind: str = "budget") -> Report:
    departments = list(Organisation.objects.filter(
        kind=OrganisationKind.DEPARTMENT, sphere__in=[Sphere.NATIONAL, Sphere.PROVINCIAL],
    ).select_related("province").order_by("sphere", "province__code", "name"))
    ids = [d.pk for d in departments]
    totals = _line_sums(kind, ids)
    unmapped = _line_sums(kind, ids, Q(project__locations__isnull=True))
    national_only = _line_sums(kind, ids, Q(project__locations__precision=Precision.NATIONAL)
                               & ~Q(project__locations__precision__in=[p for p in Precision.values if p != "national"]))
    located: defaultdict[int, defaultdict[str, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    zones_of: defaultdict[int, set[int]] = defaultdict(set)
    for key, amount in _grouped(kind).items():
        zone_id, org_id, is_aggregate, precision = key[0], key[1], key[7], key[9]
        if is_aggregate:
            continue
        located[org_id][precision] += amount
        if amount:
            zones_of[org_id].add(zone_id)
    zones: list[tuple[int, str, int | None]] = list(
        Place.objects.zones().without_geometry().order_by("code").values_list("pk", "code", "province_id"))
    zones_by_province: defaultdict[int | None, list[tuple[int, str]]] = defaultdict(list)
    for pk, code, province_id in zones:
        zones_by_province[province_id].append((pk, code))
    rows = [_row(d, totals, unmapped, national_only, located, zones_of, zones, zones_by_province) for d in departments]
    return Report(kind, rows, dict(zones_by_province))


def _row(dept: Organisation, totals: dict[int, Decimal], unmapped: dict[int, Decimal], national_only: dict[int, Decimal],
         located: Mapping[int, Mapping[str, Decimal]], zones_of: Mapping[int, set[int]],
         zones: list[tuple[int, str, int | None]], zones_by_province: Mapping[int | None, list[tuple[int, str]]]
         ) -> DepartmentRow:
    total = totals.get(dept.pk, ZERO)
    by_precision = {p: located[dept.pk].get(p, ZERO) for p in ZONE_PRECISIONS}
    in_zones = sum(by_precision.values(), ZERO)
    not_mapped = unmapped.get(dept.pk, ZERO)
    national = national_only.get(dept.pk, ZERO)
    expected = zones if dept.sphere == Sphere.NATIONAL else [(pk, code, None) for pk, code in
                                                             zones_by_province.get(dept.province_id, [])]
    missing = [code for pk, code, *_ in expected if pk not in zones_of[dept.pk]]
    return {
        "organisation": dept.code, "name": dept.name, "sphere": dept.sphere,
        "province": dept.province.code if dept.province is not None else None, "total": total, "located": in_zones,
        "located_share": _share(in_zones, total), "by_precision": by_precision,
        "province_level": total - in_zones - not_mapped - national, "national_level": national,
        "unmapped": not_mapped, "zones_expected": len(expected), "zones_without": missing,
        "only_national_or_province": bool(total) and not in_zones,
    }


def reporting(report: Report) -> list[DepartmentRow]:
    """Departments with Rand registered (the others are listed only by count)."""
    return [r for r in report.rows if r["total"]]


def as_json(report: Report) -> dict[str, Any]:
    rows = reporting(report)
    return {
        "kind": report.kind, "includes": report.includes,
        "departments_without_projects": len(report.rows) - len(rows),
        "departments": [
            {**{k: r[k] for k in ("organisation", "name", "sphere", "province", "total", "located", "located_share",
                                  "province_level", "national_level", "unmapped", "zones_expected",
                                  "zones_without", "only_national_or_province")},
             "by_precision": {str(p): v for p, v in r["by_precision"].items()}}
            for r in rows
        ],
    }


CSV_HEADER = ["organisation", "name", "sphere", "province", "total_rand", "located_rand", "located_share_pct",
              "point", "ward", "municipality", "zone", "province_level", "national_level", "unmapped",
              "zones_expected", "zones_without_count", "zones_without", "only_national_or_province"]


def csv_rows(report: Report) -> Iterator[list[Any]]:
    for r in reporting(report):
        yield [r["organisation"], r["name"], r["sphere"], r["province"] or "", r["total"], r["located"],
               r["located_share"], *[r["by_precision"][p] for p in ZONE_PRECISIONS], r["province_level"],
               r["national_level"], r["unmapped"], r["zones_expected"], len(r["zones_without"]),
               " ".join(r["zones_without"]), "yes" if r["only_national_or_province"] else "no"]


def text_lines(report: Report) -> Iterator[str]:
    rows = reporting(report)
    yield (f"Department localisation -- kind {report.kind}; {len(rows)} departments with Rand registered, "
           f"{len(report.rows) - len(rows)} without")
    for r in rows:
        flag = "  ONLY NATIONAL/PROVINCE-LEVEL" if r["only_national_or_province"] else ""
        share = f"{r['located_share']}%" if r["located_share"] is not None else "-"
        yield (f"{r['organisation']:<40} total {rand_exact(r['total'])}; in zones {share}; "
               f"nothing in {len(r['zones_without'])} of {r['zones_expected']} zones{flag}")
    yield ""
    yield report.includes
