"""`ddm setup` steps of the alignment app.

Reference data: none to load (place aliases are read from data/place_aliases.csv when matching).
Demo data: a few second reports of the investment demo's real projects, so the duplicate review
has something to show: each is marked as demo in its reference (DEMO-ALIGN-...) and description.
Nothing is added when the investment demo projects are absent.
"""

from collections.abc import Callable
from decimal import Decimal

from django.db import transaction

from ddm.accounts.models import Organisation
from ddm.investment.models import BudgetKind, BudgetLine, Location, Project

DEMO_NOTE = "Demo record (DDM Hub alignment demo), not a real submission: "

# (original reference, organisation, reference, title, offset in degrees, amounts {fy: Rand})
DEMO = [
    ("water-and-sanitation-giyani-water-services-phase-2", "DC33", "DEMO-ALIGN-1",
     "Giyani Water Services Ph II (bulk and reticulation)", 0.002, {2017: "610000000.00"}),
    ("water-and-sanitation-mogalakwena-bulk-water-supply-phase-1", "LIM367", "DEMO-ALIGN-2",
     "MOGALAKWENA BWS PHASE I", 0.003, {2016: "150000000.00", 2017: "140000000.00"}),
    ("water-and-sanitation-mogalakwena-bulk-water-supply-phase-1", "LIM367", "DEMO-ALIGN-3",
     "Mogalakwena Bulk Water Supply Phase 2", 0.004, {2020: "95000000.00"}),
    ("health-eastern-cape-bambisana-hospital", "ec-health", "DEMO-ALIGN-4",
     "Bambisana Hosp. - refurbishment and new wards", 0.001, {2016: "14000000.00", 2017: "25000000.00"}),
]


def load_reference(echo: Callable[[str], None]) -> None:
    """Nothing to load: the matcher's data file is read from the package when needed."""


@transaction.atomic
def load_demo(echo: Callable[[str], None]) -> None:
    made = 0
    for original_ref, org_code, reference, title, offset, amounts in DEMO:
        original = Project.objects.filter(reference=original_ref).prefetch_related("locations").first()
        organisation = Organisation.objects.filter(code=org_code).first()
        source = original.locations.first() if original is not None else None
        if original is None or organisation is None or source is None:
            continue
        project, _ = Project.objects.update_or_create(
            organisation=organisation, reference=reference,
            defaults={"title": title, "sector": "water" if "ALIGN-4" not in reference else "health", "is_demo": True,
                      "description": DEMO_NOTE + f"a second report of '{original.title}' to show duplicate review."},
        )
        project.locations.all().delete()
        Location.objects.create(
            project=project, precision=source.precision, latitude=(source.latitude or 0) + offset if source.latitude else None,
            longitude=source.longitude, place=source.place, municipality=source.municipality, zone=source.zone,
            province=source.province,
        )
        project.budget_lines.all().delete()
        for year, amount in amounts.items():
            BudgetLine.objects.create(project=project, kind=BudgetKind.ACTUAL, amount=Decimal(amount), fy_first=year,
                                      fy_last=year, stated_as=f"{year}/{(year + 1) % 100:02d}")
        made += 1
    if made:
        echo(f"alignment: {made} demo second reports (DEMO-ALIGN-*) for the duplicate review")
