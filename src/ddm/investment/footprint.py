"""Department footprint: which organisations have located projects in which zones, and who is silent.

- national_footprint(kind): organisations x zones, project counts and Rand located (each project's
  share of each zone, as in the quantum), for every organisation with located projects;
- zone_footprint(zone, kind): the organisations present in one zone, and the reference departments
  expected there (national departments and the zone's provincial departments) with no localised
  project in it;
- silent_organisations(): reference organisations that have submitted nothing at all.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from ddm.accounts.models import Organisation, Sphere
from ddm.investment.models import Location, Project, Submission
from ddm.investment.quantum import Quantum, grouped_amounts
from ddm.places.models import Place

ZERO = Decimal("0.00")


def _counts(zone_ids: Iterable[int] | None = None) -> dict[tuple[int, int], int]:
    """{(organisation_id, zone_id): number of counted projects located there}."""
    # The few duplicates and demo projects are left out through their own indexes: filtering on the joined
    # project made PostgreSQL read every project of the national register for one zone's counts.
    query = Location.objects.filter(zone__isnull=False).exclude(
        project__in=Project.objects.filter(duplicate_of__isnull=False)).exclude(project__in=Project.objects.demo())
    if zone_ids is not None:
        query = query.filter(zone_id__in=zone_ids)
    rows = query.values("project__organisation_id", "zone_id").annotate(n=Count("project_id", distinct=True)).order_by()
    return {(r["project__organisation_id"], r["zone_id"]): r["n"] for r in rows}


def _amounts(zone_ids: Iterable[int] | None, kind: str | None) -> defaultdict[tuple[int, int], Decimal]:
    totals: defaultdict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    for key, amount in grouped_amounts(zone_ids, [kind] if kind else None).items():
        totals[(key[1], key[0])] += amount
    return totals


def national_footprint(kind: str | None = "budget") -> dict[str, Any]:
    """{"zones": [Place], "rows": [{"organisation", "cells": [{"count", "amount"} per zone], totals}]}"""
    zones = list(Place.objects.zones().without_geometry().order_by("province__code", "code"))
    counts, amounts = _counts(), _amounts(None, kind)
    org_ids = {org for org, _zone in counts}
    rows: list[dict[str, Any]] = []
    for organisation in Organisation.objects.filter(pk__in=org_ids).order_by("sphere", "name"):
        cells: list[dict[str, Any]] = [
            {"count": counts.get((organisation.pk, z.pk), 0), "amount": amounts.get((organisation.pk, z.pk), ZERO)}
            for z in zones]
        rows.append({"organisation": organisation, "cells": cells,
                     "zones_present": sum(1 for c in cells if c["count"]),
                     "count": sum(c["count"] for c in cells), "amount": sum((c["amount"] for c in cells), ZERO)})
    return {"zones": zones, "rows": rows, "kind": kind}


def expected_departments(zone: Place) -> QuerySet[Organisation]:
    """Reference departments that could have projects in a zone: national, and its province's."""
    return Organisation.objects.filter(is_reference=True).filter(
        Q(sphere=Sphere.NATIONAL) | Q(sphere=Sphere.PROVINCIAL, province_id=zone.province_id))


def zone_footprint(zone: Place, kind: str | None = "budget", quantum: Quantum | None = None) -> dict[str, Any]:
    """quantum: the zone's (every kind, private included, as shared_zone_quantum gives it), when the
    caller has it: the amounts are its rows added up per organisation (the same cents as the zone
    summary's groups: a group's parts over its years add up to it), not the summary read again."""
    counts = _counts([zone.pk])
    present_ids = {org for org, _zone in counts}
    organisations = list(Organisation.objects.filter(pk__in=present_ids))
    amounts: dict[tuple[int, int], Decimal]
    if quantum is None:
        amounts = _amounts([zone.pk], kind)
    else:
        by_code = quantum.by("organisation", kinds=kind)
        amounts = {(o.pk, zone.pk): by_code[o.code] for o in organisations if o.code in by_code}
    present: list[dict[str, Any]] = [
        {"organisation": o, "count": counts[(o.pk, zone.pk)], "amount": amounts.get((o.pk, zone.pk), ZERO)}
        for o in organisations]
    present.sort(key=lambda r: (-r["amount"], r["organisation"].name))
    absent = list(expected_departments(zone).exclude(pk__in=present_ids).select_related("province")
                  .order_by("sphere", "name"))
    return {"present": present, "absent": absent, "kind": kind}


def silent_organisations() -> QuerySet[Organisation]:
    """Reference organisations with no project and no submission at all."""
    submitted = Submission.objects.values("organisation_id")
    return (Organisation.objects.filter(is_reference=True, projects__isnull=True)
            .exclude(pk__in=submitted).select_related("province").order_by("sphere", "province__code", "name"))


HEAT_LEVELS = ((Decimal("0.5"), 4), (Decimal("0.2"), 3), (Decimal("0.05"), 2))


def heat_level(part: Decimal, whole: Decimal) -> int:
    """How much of an organisation's located budget a cell holds: 4 (half or more), 3 (a fifth),
    2 (a twentieth), 1 (less), 0 (none)."""
    if not part or not whole:
        return 0
    share = part / whole
    return next((level for floor, level in HEAT_LEVELS if share >= floor), 1)


def folded(data: dict[str, Any], provinces: Sequence[Place], province: Place | None = None) -> dict[str, Any]:
    """The national matrix as a page shows it: one column per province (the sum of its zones' Rand),
    or, for one province, one column per zone of it; rows largest located budget first.

    {"columns": [(code, name)], "rows": [{"organisation", "zones_present", "count", "amount",
    "cells": [{"amount", "level"}]}]}"""
    names = {p.pk: (p.code, p.name) for p in provinces}
    column_of: list[int | None]  # per zone of data["zones"]: its column, None when it has none
    if province is None:
        columns = [names[p.pk] for p in provinces]
        column_of = [columns.index(names[z.province_id]) for z in data["zones"]]
    else:
        zones = [(i, z) for i, z in enumerate(data["zones"]) if z.province_id == province.pk]
        columns = [(z.code, z.name) for _i, z in zones]
        column_of = [None] * len(data["zones"])
        for n, (i, _z) in enumerate(zones):
            column_of[i] = n
    rows: list[dict[str, Any]] = []
    for row in data["rows"]:
        amounts, present = [ZERO] * len(columns), False
        for i, cell in enumerate(row["cells"]):
            column = column_of[i]
            if column is not None:
                amounts[column] += cell["amount"]
                present = present or bool(cell["count"])
        if not present:
            continue
        rows.append({**{k: row[k] for k in ("organisation", "zones_present", "count", "amount")},
                     "cells": [{"amount": a, "level": heat_level(a, row["amount"])} for a in amounts]})
    rows.sort(key=lambda r: (-r["amount"], r["organisation"].name))
    return {"columns": columns, "rows": rows}
