"""The zone summary: each zone's located groups (ddm.investment.located), stored when its data
changes, so that a page costs what reading its own zone's groups costs, never adding up the register.

    zone_groups(zone_ids, kinds) -> {Group: int cents}   zone_ids None: every zone
    year_totals(kinds, calendar, years) -> {(zone_id, sphere, sector): int cents}   the national views
    refresh(zone_ids)            add the zones up again from the register and store them (in a transaction)
    refresh_with_touched(zone_ids)   the same with the zones touched so far (an import's last step)
    refresh_all()                every zone (`ddm summary refresh`, `ddm setup`, after a bulk load)
    touch(zone_ids), touch_projects(project_ids)
                                 the zones' data changed in this transaction: they are stale from its
                                 commit on, and refreshed after it (by the job worker)

Figures never differ from the direct computation: the stored groups are exactly what
located.grouped_cents returns, and rows, totals and national views are worked out from groups the
same way whichever way they were read. A zone is read from the summary only when its state says
the summary was built after its last change (`ZoneSummaryState.built == generation`); any other zone
(never built, changed since, or a sum beyond 64-bit cents) is added up directly, so a missed
refresh costs time, never correctness.

What keeps it current: an import refreshes the zones it touched at its end, in its own transaction
(so the first page after the import already reads the summary); a save or delete of a project,
location, budget line, or an organisation's sphere (signals) touches the zones concerned; bulk writes
outside the import must call touch()/refresh() themselves, as they call caching.bump().

Concurrency: a change bumps its zones' generation in its own transaction (row locks held to its
commit); a refresh bumps the generation first (waiting for those locks), adds up (a new statement:
it sees every commit before it), stores, then marks built = that generation. A change committed
meanwhile bumps the generation again, so the zone stays stale until the next refresh.
"""

import logging
from collections.abc import Collection, Iterable, Iterator
from functools import partial
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import F, Model, Q, Sum
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone
from django_tasks import task

from ddm.accounts.models import Organisation
from ddm.investment import calendar as fy
from ddm.investment import located
from ddm.investment.located import Group
from ddm.investment.models import (
    BudgetLine,
    Location,
    Project,
    PublishedTotal,
    StagedLine,
    StagedLocation,
    StagedProject,
    ZoneLineTotal,
    ZoneSummary,
    ZoneSummaryState,
    ZoneYearTotal,
)
from ddm.places.models import Level, Place

log = logging.getLogger(__name__)
BIGINT = 2**63  # cents a stored row can hold; a zone with a larger group is added up directly
CALENDAR_MONTHS = tuple(sorted({fy.calendar_month(name) for name in fy.CALENDAR_DESCRIPTIONS}))
STORED = (*located.GROUP_FIELDS, "cents")
_pending: dict[str, set[int]] = {}  # per database alias: zones touched in the open transaction


# ---------------------------------------------------------------------------------------------
# Reading.

def built_zones(zone_ids: Iterable[int] | None = None) -> set[int]:
    """The zones (of zone_ids; None: all) whose stored summary is current."""
    states = ZoneSummaryState.objects.filter(built=F("generation"))
    if zone_ids is not None:
        states = states.filter(zone_id__in=zone_ids)
    return set(states.values_list("zone_id", flat=True))


def _all_zone_ids() -> set[int]:
    return set(Place.objects.filter(level=Level.ZONE).values_list("pk", flat=True))


def zone_groups(zone_ids: Iterable[int] | None = None, kinds: Collection[str] | None = None) -> dict[Group, int]:
    """{Group: integer cents} of the zones (None: every zone): stored for current zones, added up
    directly for the others (in one query for them all)."""
    zone_list = None if zone_ids is None else list(zone_ids)
    built = built_zones(zone_list)
    wanted = _all_zone_ids() if zone_list is None else set(zone_list)
    rest = wanted - built
    groups: dict[Group, int] = {}
    if built:
        rows = ZoneSummary.objects.filter(zone_id__in=built)
        if kinds is not None:
            rows = rows.filter(kind__in=list(kinds))
        for row in rows.values_list("zone", "organisation", "kind", "fy_first", "fy_last", "fy_start_month",
                                    "sector", "is_aggregate", "municipality", "precision", "cents"):
            groups[Group._make(row[:-1])] = row[-1]
    if rest:
        groups.update(located.grouped_cents(None if zone_list is None and not built else sorted(rest), kinds))
    return groups


def year_totals(kinds: Collection[str] | None, calendar: str, years: Collection[int] | None, direct: bool = False
                ) -> dict[tuple[int, str, str | None], int]:
    """{(zone_id, sphere, sector): integer cents} of the chosen kinds (None: all) over the chosen
    financial years of the calendar (a set of start years; None: every year, and lines whose years
    are not stated). Sector is None for aggregate lines. direct: add every zone up from the register."""
    month = fy.calendar_month(calendar)
    built: set[int] = set() if direct else built_zones()
    totals: dict[tuple[int, str, str | None], int] = {}
    rows = ZoneYearTotal.objects.filter(zone_id__in=built, calendar_month=month)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    if years is not None:
        rows = rows.filter(year__in=list(years))
    for row in rows.values("zone", "sphere", "sector").annotate(total=Sum("cents")).order_by():
        totals[(row["zone"], row["sphere"], row["sector"])] = int(row["total"])
    rest = _all_zone_ids() - built
    if rest:
        for key, amount in _spread_by_year(located.grouped_cents(sorted(rest), kinds), (month,)):
            zone_id, sphere, sector, _kind, _month, year = key
            if years is None or year in years:
                totals[(zone_id, sphere, sector)] = totals.get((zone_id, sphere, sector), 0) + amount
    return totals


def _spheres(organisation_ids: Iterable[int]) -> dict[int, str]:
    return dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "sphere"))


# (zone, sphere, sector, kind, calendar month, year: None when not stated)
YearKey = tuple[int, str, str | None, str, int, int | None]


def _spread_by_year(groups: dict[Group, int], months: Iterable[int]) -> Iterator[tuple[YearKey, int]]:
    """((zone, sphere, sector, kind, calendar month, year), cents) of every group spread over the
    financial years of each calendar as calendar.to_calendar spreads it (year None: not stated)."""
    spheres = _spheres({group.organisation_id for group in groups})
    for group, amount in groups.items():
        sector = None if group.is_aggregate else group.sector
        for month in months:
            for share in fy.to_calendar(located.from_cents(amount), group.fy_first, group.fy_last,
                                        group.fy_start_month, month):
                yield ((group.zone_id, spheres[group.organisation_id], sector, group.kind, month, share.year),
                       int(share.amount.scaleb(2)))


def line_totals(zone_id: int) -> dict[tuple[int, str, int | None, int | None, int], tuple[int, int]] | None:
    """{(organisation_id, kind, fy_first, fy_last, fy_start_month): (cents, number of lines)} of the
    zone's budget lines as stated (see ZoneLineTotal), or None when the zone has no current summary."""
    if zone_id not in built_zones([zone_id]):
        return None
    return {(r[0], r[1], r[2], r[3], r[4]): (r[5], r[6]) for r in ZoneLineTotal.objects.filter(zone_id=zone_id)
            .values_list("organisation", "kind", "fy_first", "fy_last", "fy_start_month", "cents", "lines")}


# ---------------------------------------------------------------------------------------------
# Refreshing.

# Each line of a counted project located in the zone once (however many of its locations are there).
LINE_TOTALS_SQL = """
SELECT l.zone_id, p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month, SUM(b.amount), COUNT(*)
FROM (SELECT DISTINCT zone_id, project_id FROM investment_location WHERE zone_id IN ({zones})) l
JOIN investment_project p ON p.id = l.project_id AND p.duplicate_of_id IS NULL AND NOT p.is_demo
JOIN investment_budgetline b ON b.project_id = l.project_id
GROUP BY l.zone_id, p.organisation_id, b.kind, b.fy_first, b.fy_last, b.fy_start_month
"""


def _line_totals(zone_ids: list[int]) -> dict[tuple[Any, ...], tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(LINE_TOTALS_SQL.format(zones=", ".join(["%s"] * len(zone_ids))), list(zone_ids))
        return {tuple(row[:6]): (located.to_cents(row[6]), row[7]) for row in cursor.fetchall()}

def _year_rows(groups: dict[Group, int]) -> dict[YearKey, int]:
    totals: dict[YearKey, int] = {}
    for key, amount in _spread_by_year(groups, CALENDAR_MONTHS):
        totals[key] = totals.get(key, 0) + amount
    return totals


def _fits(amounts: Iterable[int]) -> bool:
    return all(-BIGINT < amount < BIGINT for amount in amounts)


@transaction.atomic
def refresh(zone_ids: Iterable[int | None]) -> int:
    """Add the zones up again from the register and store them; returns the number of zones stored
    (a zone with a sum beyond 64-bit cents is left to the direct computation)."""
    zone_list = sorted({int(z) for z in zone_ids if z is not None})
    if not zone_list:
        return 0
    ZoneSummaryState.objects.bulk_create([ZoneSummaryState(zone_id=z) for z in zone_list], ignore_conflicts=True)
    ZoneSummaryState.objects.filter(zone_id__in=zone_list).update(generation=F("generation") + 1)  # locks them
    groups = located.grouped_cents(zone_list)
    years = _year_rows(groups)
    lines = _line_totals(zone_list)
    too_large = ({g.zone_id for g, c in groups.items() if not _fits([c])}
                 | {k[0] for k, c in years.items() if not _fits([c])} | {k[0] for k, (c, _n) in lines.items() if not _fits([c])})
    for model in (ZoneSummary, ZoneYearTotal, ZoneLineTotal):
        stale = model.objects.filter(zone_id__in=zone_list)
        stale._raw_delete(stale.db)  # derived rows: no signals, no history
    ZoneSummary.objects.bulk_create([
        ZoneSummary(**dict(zip(STORED, (*group, amount), strict=True)))
        for group, amount in groups.items() if group.zone_id not in too_large], batch_size=5000)
    ZoneYearTotal.objects.bulk_create([
        ZoneYearTotal(zone_id=zone_id, sphere=sphere, sector=sector, kind=kind, calendar_month=month, year=year,
                      cents=amount)
        for (zone_id, sphere, sector, kind, month, year), amount in years.items() if zone_id not in too_large],
        batch_size=5000)
    ZoneLineTotal.objects.bulk_create([
        ZoneLineTotal(zone_id=zone_id, organisation_id=org_id, kind=kind, fy_first=first, fy_last=last,
                      fy_start_month=month, cents=amount, lines=count)
        for (zone_id, org_id, kind, first, last, month), (amount, count) in lines.items() if zone_id not in too_large],
        batch_size=5000)
    stored = [z for z in zone_list if z not in too_large]
    ZoneSummaryState.objects.filter(zone_id__in=stored).update(built=F("generation"), refreshed=timezone.now())
    return len(stored)


def refresh_all() -> int:
    """Every zone (of every demarcation) from the register."""
    return refresh(_all_zone_ids())


@task()
def refresh_task(zone_ids: list[int]) -> int:
    """Refresh zones touched by a change (the job worker runs it after the change commits)."""
    return refresh(zone_ids)


# ---------------------------------------------------------------------------------------------
# Touching: a change marks its zones stale in its own transaction; they are refreshed after it.

def touch(zone_ids: Iterable[int | None], using: str = DEFAULT_DB_ALIAS) -> None:
    """The zones' data changed: stale from this transaction's commit on, refreshed after it. Zones
    never stored are added up directly anyway: nothing to do for them."""
    zone_set = {int(z) for z in zone_ids if z is not None}
    if not zone_set or not ZoneSummaryState.objects.using(using).filter(zone_id__in=zone_set).update(
            generation=F("generation") + 1):
        return
    _pending.setdefault(using, set()).update(zone_set)
    connection = connections[using]
    if not connection.in_atomic_block:
        _flush(using)
    elif not any(getattr(hook[1], "func", None) is _flush for hook in connection.run_on_commit):
        transaction.on_commit(partial(_flush, using), using=using)


def zones_of(project_ids: Iterable[int | None], using: str = DEFAULT_DB_ALIAS) -> set[int]:
    """The zones the projects are located in."""
    ids = [pk for pk in project_ids if pk is not None]
    if not ids:
        return set()
    return set(Location.objects.using(using).filter(project_id__in=ids, zone__isnull=False)
               .values_list("zone_id", flat=True).distinct())


def zones_of_staged(submission_id: int) -> set[int]:
    """The zones an import's staged changes touch (ddm.investment.intake.staging): where its new
    locations are, and every zone of each register project whose details, lines or places it changes
    (a project given a new place, or losing one, is split differently over its other places too);
    and the zones of published totals counting such a project (their reconciliations list its lines).
    Read before publishing (which deletes the staging rows). An import bumps these zones' cached pages
    only (ddm.caching.bump_zones): a zone missing here would keep showing its figures before the import."""
    staged_locations = StagedLocation.objects.filter(submission_id=submission_id)
    zones: set[int] = {z for z in staged_locations.filter(target__isnull=True).values_list("zone_id", flat=True)
                       .distinct() if z is not None}
    changed = StagedProject.objects.filter(submission_id=submission_id, target__isnull=False).values("target")
    with_lines = StagedLine.objects.filter(submission_id=submission_id, project__isnull=False).values("project")
    placed = staged_locations.filter(project__isnull=False).values("project")  # new or removed places
    projects = Q(project_id__in=changed) | Q(project_id__in=with_lines) | Q(project_id__in=placed)
    zones |= set(Location.objects.filter(projects, zone__isnull=False).values_list("zone_id", flat=True).distinct())
    components = Q(components__in=changed) | Q(components__in=with_lines) | Q(components__in=placed)
    zones |= set(PublishedTotal.objects.filter(components).values_list("zone_id", flat=True).distinct())
    return zones


def touch_projects(project_ids: Iterable[int | None], using: str = DEFAULT_DB_ALIAS) -> None:
    """The projects' lines, locations or attributes changed: touch the zones they are located in."""
    touch(zones_of(project_ids, using), using)


def refresh_with_touched(zone_ids: Iterable[int], using: str = DEFAULT_DB_ALIAS) -> int:
    """Refresh, now and in the open transaction, these zones and the ones touched so far (an import's
    last step, so that its commit carries a current summary)."""
    return refresh(set(zone_ids) | _pending.pop(using, set()))


def _flush(using: str) -> None:
    """After a commit: hand the touched zones to the job worker."""
    zone_ids = sorted(_pending.pop(using, set()))
    if not zone_ids:
        return
    try:
        refresh_task.enqueue(zone_ids)
    except Exception:  # the zones stay stale (added up directly) until the next refresh; never fail a save
        log.exception("zone summary: could not queue the refresh of zones %s", zone_ids)


# ---------------------------------------------------------------------------------------------
# Signals: single saves and deletes (bulk writes send none; their callers touch).

def _project_changed(sender: type[Model], instance: Project, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    touch_projects([instance.pk], using)


def _location_before(sender: type[Model], instance: Location, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    if instance.pk is not None:
        # Read by _location_changed.
        instance._summary_zone_before = (  # type: ignore[attr-defined]
            Location.objects.using(using).filter(pk=instance.pk).values_list("zone_id", flat=True).first())


def _location_changed(sender: type[Model], instance: Location, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    # The project's other locations too: its split over them changes with this one.
    touch([instance.zone_id, getattr(instance, "_summary_zone_before", None)], using)
    touch_projects([instance.project_id], using)


def _line_changed(sender: type[Model], instance: BudgetLine, using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    touch_projects([instance.project_id], using)


def _organisation_before(sender: type[Model], instance: Organisation, using: str = DEFAULT_DB_ALIAS,
                         **kwargs: Any) -> None:
    if instance.pk is None:
        return
    before = Organisation.objects.using(using).filter(pk=instance.pk).values_list("sphere", flat=True).first()
    if before is not None and before != instance.sphere:  # the national views store spheres
        touch(ZoneSummary.objects.using(using).filter(organisation_id=instance.pk)
              .values_list("zone_id", flat=True).distinct(), using)


def connect_signals() -> None:
    """Called once from InvestmentConfig.ready."""
    post_save.connect(_project_changed, sender=Project, dispatch_uid="summary.project")
    pre_save.connect(_location_before, sender=Location, dispatch_uid="summary.location.before")
    for signal in (post_save, post_delete):
        signal.connect(_location_changed, sender=Location, dispatch_uid=f"summary.location.{id(signal)}")
        signal.connect(_line_changed, sender=BudgetLine, dispatch_uid=f"summary.line.{id(signal)}")
    pre_save.connect(_organisation_before, sender=Organisation, dispatch_uid="summary.organisation")


def organisation_totals(kinds: Collection[str] | None = None) -> dict[tuple[int, str], int]:
    """{(organisation_id, kind): integer cents} located in any zone (None kinds: all)."""
    built = built_zones()
    rows = ZoneSummary.objects.filter(zone_id__in=built)
    if kinds is not None:
        rows = rows.filter(kind__in=list(kinds))
    totals = {(r["organisation"], r["kind"]): int(r["total"])
              for r in rows.values("organisation", "kind").annotate(total=Sum("cents")).order_by()}
    rest = _all_zone_ids() - built
    if rest:
        for group, amount in located.grouped_cents(sorted(rest), kinds).items():
            key = (group.organisation_id, group.kind)
            totals[key] = totals.get(key, 0) + amount
    return totals
