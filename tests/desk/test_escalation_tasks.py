"""The escalation tasks are complete (no cut at 100 chains) and commitments flagged only "missing"
are summed up per zone (#14). Settings: missing after 90 days, to the province after 30 days of the
earliest flag, to DCoG after 60.

Hand-worked: today 15 Nov 2025; events made 10 Jan 2025, so "missing" began 10 Apr 2025 (90 days) and
has been with DCoG since 9 Jun 2025 (60 days later); a due date of 30 Jun 2025 makes "overdue" begin
then: 138 days, with DCoG."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Q

from ddm.accounts.models import Organisation, RoleKind
from ddm.desk.tasks import tasks_for
from ddm.engagement.delivery import open_item_chains
from ddm.engagement.models import Event, Item, ItemKind
from ddm.investment.models import BudgetLine, Location, Precision, Project, Stage
from ddm.oneplan import workflow
from ddm.oneplan.delivery import adopted_action_chains
from ddm.oneplan.models import Action, Commitment, Strategy, VersionStatus
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 11, 15)
MANY = 105  # more than the 100 the list used to stop at


def _event(zone_code):
    return Event.objects.create(kind="imbizo", title=f"Launch {zone_code}", date=D(2025, 1, 10),
                                zone=Place.objects.zones().get(code=zone_code))


def _escalations(user):
    return [t for t in tasks_for(user, TODAY) if t.kind == "escalation"]


def test_every_flagged_commitment_reaches_dcog_beyond_the_hundredth(make_user):
    event = _event("DC15")
    Item.objects.bulk_create([Item(event=event, kind=ItemKind.COMMITMENT, text=f"Commitment {n:03d}",
                                   due_date=D(2025, 6, 30)) for n in range(1, MANY + 1)])
    admin = make_user("admin", RoleKind.ADMIN)
    texts = [t.text for t in _escalations(admin) if "Commitment" in t.text]
    # Each is overdue (138 days) and missing: two flags, so each is its own task.
    assert len(texts) == MANY
    assert any(t.startswith("DC15: Commitment 105 is with DCoG (national) after 219 days") for t in texts)
    assert len([c for c in open_item_chains(Q(), TODAY, batch=7) if c.zone.code == "DC15"]) == MANY


def test_every_flagged_action_of_an_adopted_plan_reaches_dcog_beyond_the_hundredth(make_user):
    zone = Place.objects.zones().get(code="DC15")
    roads = Organisation.objects.create(code="t-ec-roads", name="Test roads", sphere="provincial", kind="department",
                                        province=zone.province)
    # Planned completion 31 Mar 2025 passed in construction: late since then, with DCoG since 30 May 2025.
    late = Project.objects.create(organisation=roads, reference="C", title="C", end_date=D(2025, 3, 31),
                                  stage=Stage.CONSTRUCTION)
    BudgetLine.objects.create(project=late, amount=Decimal("1000000.00"), fy_first=2025, fy_last=2025)
    Location.objects.create(project=late, precision=Precision.ZONE, place=zone, zone=zone, province_id=zone.province_id)
    version = workflow.start_plan(zone, None, check=False).current
    version.status, version.adopted_on = VersionStatus.ADOPTED, D(2025, 2, 1)
    version.save()
    strategy = Strategy.objects.create(focal_area=version.focal_areas.first(), title="Roads")
    for n in range(1, MANY + 1):
        action = Action.objects.create(strategy=strategy, title=f"Action {n:03d}")
        Commitment.objects.create(action=action, organisation=roads).projects.set([late])
    assert len(list(adopted_action_chains(None, TODAY, batch=10))) == MANY
    texts = [t.text for t in _escalations(make_user("admin", RoleKind.ADMIN)) if "Action" in t.text]
    assert len(texts) == MANY
    # 31 Mar 2025 to 15 Nov 2025: 229 days.
    assert any(t.startswith("DC15: Action 105 is with DCoG (national) after 229 days: late: C: planned completion "
                            "31 Mar 2025 passed") for t in texts)


def test_commitments_with_no_project_are_one_task_per_zone(make_user):
    """The reference data holds the real 2019 launch statements, one in ETH (18 Oct 2019) and one in DC36
    (26 Nov 2019), with no project: missing since 16 Jan 2020 and 24 Feb 2020 (90 days later)."""
    event = _event("ETH")
    for n in range(2):
        Item.objects.create(event=event, kind=ItemKind.COMMITMENT, text=f"ETH statement {n}")
    overdue = Item.objects.create(event=_event("DC15"), kind=ItemKind.COMMITMENT, text="Overdue and missing",
                                  due_date=D(2025, 6, 30))
    admin = make_user("admin", RoleKind.ADMIN)
    tasks = _escalations(admin)
    # ETH's oldest: 16 Jan 2020 to 15 Nov 2025 = 2130 days; DC36's: 24 Feb 2020 to 15 Nov 2025 = 2091 days;
    # DC15's: missing since 10 Apr 2025, 219 days (made 309 days ago).
    assert sorted(t.text for t in tasks) == [
        "DC15: Overdue and missing is with DCoG (national) after 219 days: overdue: due 30 Jun 2025, not done; "
        "missing: no project linked 309 days after it was made (10 Jan 2025)",
        "DC36: 1 commitment has no project linked (the oldest with DCoG (national) after 2091 days): link the "
        "projects that deliver it, or mark it done or dropped",
        "ETH: 3 commitments have no project linked (the oldest with DCoG (national) after 2130 days): link the "
        "projects that deliver them, or mark them done or dropped",
    ]
    by_zone = {t.text[:4]: t.url for t in tasks}
    assert by_zone["ETH:"] == "/engagement/zones/ETH/" and by_zone["DC15"] == f"/engagement/items/{overdue.pk}/"
    # The flag itself stays on each commitment's chain: the three of ETH and the one of DC36.
    chains = list(open_item_chains(Q(), TODAY))
    assert sorted(c.zone.code for c in chains if [f.kind for f in c.flags] == ["missing"]) == ["DC36", "ETH", "ETH",
                                                                                               "ETH"]
