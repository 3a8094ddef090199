"""Who has not reported: per quarter, the organisations expected to report progress in each zone
against those that did, with completeness and timeliness as DHIS2 shows them for a data set.

Expected (per zone and organisation): an organisation with an active counted project located in the
zone (stage not close-out or cancelled), plus the zone's footprint (footprint.expected_departments:
national departments and the zone's provincial departments, and the zone's own municipalities),
which are expected even with no registered project there ("no project registered": the register
itself has a gap). Reported: at least one of its projects in the zone has a ProgressReport for the
quarter. On time: its first report for the quarter arrived within DEADLINE_DAYS of the quarter's end.

Completeness = reported / expected with projects; timeliness = on time / expected with projects
(DHIS2's "reporting rate" and "reporting rate on time"); organisations with no project in the zone
are listed apart and not counted in either rate (they cannot report progress on nothing).

    zone_completeness(zone, quarter_end) -> {"zone", "quarter_end", "rows": [...], "rates": {...}}
    national_completeness(quarter_end) -> {"quarter_end", "zones": [{"zone", "expected", "reported",
        "on_time", "completeness", "timeliness", "no_projects"}], "rates": {...}}
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, TypedDict

from django.db.models import Q

from ddm.accounts.models import Organisation, Sphere
from ddm.investment.models import Location, ProgressReport, Stage
from ddm.places.models import Place

DEADLINE_DAYS = 30  # a report within 30 days of the quarter's end is on time (IRM's monthly cycle + grace)
INACTIVE = (Stage.CLOSE_OUT, Stage.CANCELLED)


class Cell(TypedDict):
    """One organisation in one zone, for one quarter."""

    projects: int  # active counted projects expected to report
    reported_projects: int
    reported: bool
    on_time: bool
    first_report: datetime.datetime | None


class Rates(TypedDict):
    expected: int
    reported: int
    on_time: int
    completeness: Decimal | None  # per cent
    timeliness: Decimal | None
    no_projects: int


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def _expected_projects(zone_ids: list[int] | None) -> defaultdict[tuple[int, int], set[int]]:
    """{(zone_id, organisation_id): {project ids}} of active counted projects located in the zones."""
    query = (Location.objects.filter(project__duplicate_of__isnull=True, project__is_demo=False)
             .exclude(project__stage__in=INACTIVE))
    query = query.filter(zone_id__in=zone_ids) if zone_ids is not None else query.filter(zone__isnull=False)
    expected: defaultdict[tuple[int, int], set[int]] = defaultdict(set)
    for zone_id, org_id, project_id in query.values_list("zone_id", "project__organisation_id", "project_id"):
        expected[(zone_id, org_id)].add(project_id)
    return expected


def _reports(project_ids: Iterable[int], quarter_end: datetime.date) -> dict[int, datetime.datetime]:
    """{project id: first time it was reported for the quarter}."""
    return dict(ProgressReport.objects.filter(project_id__in=list(project_ids), quarter_end=quarter_end)
                .values_list("project_id", "first_reported"))


def _footprint(zones: Iterable[Place]) -> dict[int, set[int]]:
    """{zone id: {organisation id}} expected from the footprint (reference departments, municipalities)."""
    result: dict[int, set[int]] = {}
    departments = list(Organisation.objects.filter(is_reference=True).filter(
        Q(sphere=Sphere.NATIONAL) | Q(sphere=Sphere.PROVINCIAL)).values_list("pk", "sphere", "province_id"))
    municipalities: defaultdict[int, set[int]] = defaultdict(set)
    for org_id, place_id, parent_id in Organisation.objects.filter(sphere=Sphere.LOCAL).values_list(
            "pk", "municipality_id", "municipality__parent_id"):
        for zone_id in (place_id, parent_id):
            if zone_id is not None:
                municipalities[zone_id].add(org_id)
    for zone in zones:
        result[zone.pk] = {pk for pk, sphere, province in departments
                           if sphere == Sphere.NATIONAL or province == zone.province_id} | municipalities[zone.pk]
    return result


def _assess(zones: Sequence[Place], quarter_end: datetime.date, deadline_days: int = DEADLINE_DAYS
            ) -> dict[tuple[int, int], Cell]:
    zone_ids = [z.pk for z in zones]
    expected = _expected_projects(zone_ids)
    first = _reports({pk for ids in expected.values() for pk in ids}, quarter_end)
    due = datetime.datetime.combine(quarter_end + datetime.timedelta(days=deadline_days), datetime.time.max,
                                    tzinfo=datetime.UTC)
    footprint = _footprint(zones)
    cells: dict[tuple[int, int], Cell] = {}
    for zone in zones:
        orgs = {org for (z, org) in expected if z == zone.pk} | footprint[zone.pk]
        for org in orgs:
            projects = expected.get((zone.pk, org), set())
            times = [first[p] for p in projects if p in first]
            cells[(zone.pk, org)] = {
                "projects": len(projects), "reported_projects": len(times),
                "reported": bool(times), "on_time": bool(times) and min(times) <= due,
                "first_report": min(times) if times else None,
            }
    return cells


def _summary(cells: list[Cell]) -> Rates:
    with_projects = [c for c in cells if c["projects"]]
    expected, reported = len(with_projects), sum(1 for c in with_projects if c["reported"])
    on_time = sum(1 for c in with_projects if c["on_time"])
    return {"expected": expected, "reported": reported, "on_time": on_time,
            "completeness": _rate(reported, expected), "timeliness": _rate(on_time, expected),
            "no_projects": sum(1 for c in cells if not c["projects"])}


def zone_completeness(zone: Place, quarter_end: datetime.date, deadline_days: int = DEADLINE_DAYS) -> dict[str, Any]:
    cells = _assess([zone], quarter_end, deadline_days)
    organisations = Organisation.objects.in_bulk([org for _z, org in cells])
    rows: list[dict[str, Any]] = [{"organisation": organisations[org], **cell} for (_z, org), cell in cells.items()]
    rows.sort(key=lambda r: (not r["projects"], r["reported"], r["organisation"].sphere, r["organisation"].name))
    return {"zone": zone, "quarter_end": quarter_end, "deadline_days": deadline_days, "rows": rows,
            "rates": _summary(list(cells.values()))}


def national_completeness(quarter_end: datetime.date, deadline_days: int = DEADLINE_DAYS) -> dict[str, Any]:
    zones = list(Place.objects.zones().without_geometry().select_related("province").order_by("province__code", "code"))
    cells = _assess(zones, quarter_end, deadline_days)
    by_zone: defaultdict[int, list[Cell]] = defaultdict(list)
    for (zone_id, _org), cell in cells.items():
        by_zone[zone_id].append(cell)
    rows = [{"zone": zone, **_summary(by_zone[zone.pk])} for zone in zones]
    return {"quarter_end": quarter_end, "deadline_days": deadline_days, "zones": rows,
            "rates": _summary(list(cells.values()))}


def missing_reporters(quarter_end: datetime.date, zone: Place | None = None) -> list[tuple[Place, Organisation, int]]:
    """[(zone, organisation, projects)] expected with projects that have not reported (for reminders)."""
    zones = [zone] if zone is not None else list(Place.objects.zones().without_geometry())
    cells = _assess(zones, quarter_end)
    missing = [(z, org, c["projects"]) for (z, org), c in cells.items() if c["projects"] and not c["reported"]]
    organisations = Organisation.objects.in_bulk([org for _z, org, _n in missing])
    places = {z.pk: z for z in zones}
    result = [(places[z], organisations[org], n) for z, org, n in missing]
    result.sort(key=lambda r: (r[0].code, r[1].name))
    return result
