"""Demo delivery data on the three pilot zones: invented projects (Project.is_demo, "(demo)" in their
titles) of the district and metro municipalities, with budget lines and a quarterly progress report,
so that the commitment-to-delivery chain, its flags and the national M&E results have something to
show. Counted in no real total (see ddm.investment.quantum).

Dates are set from the day the demo is loaded, so that the flags it shows stay true:
- DC15-1 Mthatha bulk water: funded this year, 15 % done with 64 % of its budget spent (late,
  and "money spent, nothing moving");
- DC15-2 Port St Johns access road: funded only three years ago (unfunded);
- DC36-1 Mokopane pipeline repair: planned completion passed without handover (late);
- ETH-1 informal settlement standpipes: funded, 5 points behind plan (no flag).
Idempotent: projects are keyed by reference; a quarter's report is replaced, never added twice.
"""

import datetime
from collections.abc import Callable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from ddm.accounts.models import Organisation
from ddm.investment import progress
from ddm.investment.calendar import fy_label
from ddm.investment.delivery import financial_year, planned_progress
from ddm.investment.models import BudgetLine, Location, Precision, Project, Stage
from ddm.places.models import Place

DEMO_NOTE = "Demo record (DDM Hub delivery demo), invented to show the commitment-to-delivery chain: "


# (zone, reference, title, sector, start, end, [(year offset, Rand)], (stage, progress or None, spent), quarter).
Spec = tuple[str, str, str, str, datetime.date | None, datetime.date | None, list[tuple[int, str]],
             tuple[str, Decimal | None, Decimal] | None, datetime.date]


def _specs(today: datetime.date) -> list[Spec]:
    """(zone, reference, title, sector, start, end, [(year offset, Rand)], (stage, progress or None, spent))."""
    y = financial_year(today, 7)  # the municipalities' July-June year
    quarter = progress.current_quarter_end(today)
    return [
        ("DC15", "DEMO-DELIVERY-DC15-1", "Mthatha bulk water pipeline (demo)", "water",
         datetime.date(y - 2, 7, 1), datetime.date(y + 1, 6, 30), [(-1, "40000000.00"), (0, "30000000.00")],
         (Stage.CONSTRUCTION, Decimal("15"), Decimal("45000000.00")), quarter),
        ("DC15", "DEMO-DELIVERY-DC15-2", "Port St Johns access road (demo)", "transport",
         None, None, [(-3, "20000000.00")], None, quarter),
        ("DC36", "DEMO-DELIVERY-DC36-1", "Mokopane bulk water pipeline repair (demo)", "water",
         datetime.date(y - 1, 7, 1), quarter - datetime.timedelta(days=90), [(-1, "12000000.00"), (0, "3000000.00")],
         (Stage.CONSTRUCTION, Decimal("60"), Decimal("9000000.00")), quarter),
        ("ETH", "DEMO-DELIVERY-ETH-1", "Informal settlement standpipes (demo)", "water",
         datetime.date(y - 1, 7, 1), datetime.date(y + 2, 6, 30), [(0, "25000000.00"), (1, "25000000.00")],
         (Stage.CONSTRUCTION, None, Decimal("10000000.00")), quarter),
    ]


@transaction.atomic
def load(echo: Callable[[str], None], today: datetime.date | None = None) -> None:
    today = today or timezone.localdate()
    made = 0
    for zone_code, reference, title, sector, start, end, lines, report, quarter in _specs(today):
        organisation = Organisation.objects.filter(code=zone_code).first()
        zone = Place.objects.zones().filter(code=zone_code).first()
        if organisation is None or zone is None:
            continue
        project, _ = Project.objects.update_or_create(organisation=organisation, reference=reference, defaults={
            "title": title, "sector": sector, "is_demo": True, "start_date": start, "end_date": end,
            "description": DEMO_NOTE + "not a real project, budget or progress report."})
        Location.objects.update_or_create(project=project, defaults={
            "precision": Precision.ZONE, "place": zone, "zone": zone, "province_id": zone.province_id})
        project.budget_lines.all().delete()
        year = financial_year(today, organisation.fy_start_month)
        BudgetLine.objects.bulk_create([BudgetLine(
            project=project, kind="budget", amount=Decimal(amount), fy_first=year + offset, fy_last=year + offset,
            fy_start_month=organisation.fy_start_month, stated_as=fy_label(year + offset, organisation.fy_start_month))
            for offset, amount in lines])
        if report is not None:
            stage, done, spent = report
            if done is None:  # 5 points behind the straight-line plan: no flag
                planned = planned_progress(project, quarter)
                assert planned is not None  # this demo project has both planned dates
                done = max(planned - 5, Decimal("0"))
            progress.record(project, quarter, stage=stage, progress=done, expenditure_to_date=Decimal(spent),
                            note="Demo report (illustrative).")
        made += 1
    echo(f"investment: {made} demo delivery projects (DEMO-DELIVERY-*) in DC15, DC36 and ETH, labelled demo")
