"""The commitment-to-delivery chain on a small register: flags, escalation times, pages and desk tasks.

Every expectation is worked out by hand in the comments (settings: missing after 90 days, to the
province after 30, to DCoG after 60)."""

import datetime
from decimal import Decimal

import pytest

from ddm.accounts.models import Organisation, RoleKind
from ddm.desk.tasks import tasks_for
from ddm.engagement.delivery import chain_for
from ddm.engagement.models import Event, Item, ItemKind, ItemStatus
from ddm.investment import delivery as project_delivery
from ddm.investment.models import BudgetLine, Location, Precision, ProgressReport, Project, Stage
from ddm.oneplan import delivery as plan_delivery
from ddm.oneplan import workflow
from ddm.oneplan.models import Action, Commitment, PlanIndicator, Strategy
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 11, 15)


def org(code, province):
    return Organisation.objects.create(code=code, name=f"Test {code}", sphere="provincial", kind="department",
                                       province=Place.objects.provinces().get(code=province))


def project(organisation, reference, lines, **fields):
    """A project located to DC15 with budget lines (amount, first year, last year)."""
    item = Project.objects.create(organisation=organisation, reference=reference, title=reference, **fields)
    for amount, first, last in lines:
        BudgetLine.objects.create(project=item, amount=Decimal(amount), fy_first=first, fy_last=last)
    zone = Place.objects.zones().get(code="DC15")
    Location.objects.create(project=item, precision=Precision.ZONE, place=zone, zone=zone, province_id=zone.province_id)
    return item


@pytest.fixture
def register(db):
    """DC15: project A (planned 1 Apr 2024 - 31 Mar 2026, R5m budget 2025/26, 10 % done at 30 Sep 2025),
    project B (funded only in 2022/23), project C (due 31 Mar 2025, still in construction)."""
    ec = org("t-ec-roads", "EC")
    a = project(ec, "A", [("5000000.00", 2025, 2025)], start_date=D(2024, 4, 1), end_date=D(2026, 3, 31))
    b = project(ec, "B", [("2000000.00", 2022, 2022)])
    c = project(ec, "C", [("1000000.00", 2025, 2025)], end_date=D(2025, 3, 31), stage=Stage.CONSTRUCTION)
    ProgressReport.objects.create(project=a, quarter_end=D(2025, 9, 30), stage=Stage.CONSTRUCTION,
                                  progress=Decimal("10"), expenditure_to_date=Decimal("4000000.00"))
    event = Event.objects.create(kind="imbizo", title="Test Imbizo", zone=Place.objects.zones().get(code="DC15"),
                                 date=D(2025, 1, 10))
    return {"a": a, "b": b, "c": c, "event": event}


def _item(event, due=None, projects=(), status=ItemStatus.OPEN):
    item = Item.objects.create(event=event, kind=ItemKind.COMMITMENT, text="Test commitment", due_date=due,
                               status=status)
    item.projects.set(projects)
    return item


def test_project_facts_behind_plan_unfunded_and_past_completion(register):
    a, b, c = project_delivery.deliveries([register["a"], register["b"], register["c"]], TODAY)
    # A: plan at 30 Sep 2025 = 547 / 729 days = 75.0 %; 10 % done is 65 points behind (> 20): late.
    assert a.planned == Decimal("75.0") and a.late == "10 % done at 30 Sep 2025 against 75 % planned"
    assert a.late_since == D(2025, 9, 30) and a.funded_years == ["2025/26"]
    # B: funded only in 2022/23, which ended 31 Mar 2023: unfunded since 1 Apr 2023.
    assert b.funded_years == [] and b.unfunded_since == D(2023, 4, 1) and b.late is None
    # C: planned completion 31 Mar 2025 passed, still in construction.
    assert c.late == "planned completion 31 Mar 2025 passed without handover" and c.late_since == D(2025, 3, 31)


def test_handover_is_not_late(register):
    c = register["c"]
    ProgressReport.objects.create(project=c, quarter_end=D(2025, 6, 30), stage=Stage.HANDOVER, progress=100)
    (fact,) = project_delivery.deliveries([c], TODAY)
    assert fact.late is None


def test_overdue_and_late_commitment_escalates_to_dcog(register):
    item = _item(register["event"], due=D(2025, 6, 30), projects=[register["a"]])
    chain = chain_for(item.pk, TODAY)
    assert [(f.kind, f.since) for f in chain.flags] == [("overdue", D(2025, 6, 30)), ("late", D(2025, 9, 30))]
    # Earliest flag 30 Jun 2025; 15 Nov 2025 is 138 days later (>= 60): with DCoG.
    assert (chain.escalation.level, chain.escalation.days, chain.escalation.next_level_on) == (
        plan_delivery.NATIONAL, 138, None)


def test_unfunded_since_the_commitment_was_made(register):
    item = _item(register["event"], projects=[register["b"]])
    chain = chain_for(item.pk, TODAY)
    # Made 10 Jan 2025, after B's last funded year ended (1 Apr 2023): unfunded since 10 Jan 2025.
    assert [(f.kind, f.since) for f in chain.flags] == [("unfunded", D(2025, 1, 10))]


def test_missing_after_ninety_days(register):
    item = _item(register["event"])
    # 10 Jan + 90 days = 10 Apr 2025.
    assert chain_for(item.pk, D(2025, 4, 9)).flags == []
    (flag,) = chain_for(item.pk, D(2025, 4, 10)).flags
    assert (flag.kind, flag.since) == ("missing", D(2025, 4, 10))


def test_closed_commitment_is_not_flagged(register):
    item = _item(register["event"], due=D(2025, 6, 30), projects=[register["c"]], status=ItemStatus.DONE)
    chain = chain_for(item.pk, TODAY)
    assert chain.flags == [] and chain.escalation is None


def test_escalation_times():
    flag = plan_delivery.Flag("late", "x", D(2025, 10, 1))
    assert plan_delivery.escalation([flag], D(2025, 10, 30)).level == plan_delivery.HUB  # 29 days
    hub = plan_delivery.escalation([flag], D(2025, 10, 30))
    assert hub.next_level_on == D(2025, 10, 31)
    province = plan_delivery.escalation([flag], D(2025, 10, 31))  # 30 days
    assert (province.level, province.next_level_on) == (plan_delivery.PROVINCE, D(2025, 11, 30))
    assert plan_delivery.escalation([flag], D(2025, 11, 30)).level == plan_delivery.NATIONAL  # 60 days
    assert plan_delivery.escalation([], D(2025, 11, 30)) is None


def _plan_action(zone_code, projects, indicator=True):
    zone = Place.objects.zones().get(code=zone_code)
    plan = workflow.start_plan(zone, None, check=False)
    version = plan.current
    area = version.focal_areas.first()
    strategy = Strategy.objects.create(focal_area=area, title="Roads")
    action = Action.objects.create(strategy=strategy, title="Tar the district roads")
    commitment = Commitment.objects.create(action=action, organisation=projects[0].organisation)
    commitment.projects.set(projects)
    if indicator:
        action.indicator = PlanIndicator.objects.create(
            version=version, code="water", name="Water", unit="%", source="test", baseline_value=Decimal("40"),
            baseline_year=2016, target_value=Decimal("60"), target_year=2030)
        action.save()
    return action


def test_action_chain_links_projects_both_ways(register):
    action = _plan_action("DC15", [register["a"], register["b"]])
    chain = plan_delivery.plan_chains(action.strategy.focal_area.version, TODAY)[0]
    assert [d.project.reference for d in chain.deliveries] == ["A", "B"]
    assert chain.indicator.code == "water" and chain.made is None  # a draft plan: never "missing"
    assert [f.kind for f in chain.flags] == ["late"]  # B unfunded but A funded: not unfunded
    chains = project_delivery.project_chains(register["a"], TODAY)
    assert [c.kind for c in chains] == ["action"]
    item = _item(register["event"], due=D(2026, 1, 31))
    item.action = action
    item.save()
    kinds = sorted(c.kind for c in project_delivery.project_chains(register["b"], TODAY))
    assert kinds == ["action", "commitment"]  # the Imbizo commitment reaches B through its action


def test_history_keeps_link_changes(register):
    action = _plan_action("DC15", [register["a"]], indicator=False)
    commitment = action.commitments.get()
    commitment.projects.add(register["b"])
    latest = commitment.history.order_by("-history_id").first()
    assert {row.project_id for row in latest.projects.all()} == {register["a"].pk, register["b"].pk}


def test_pages_show_the_chain(register, client):
    action = _plan_action("DC15", [register["a"]])
    item = _item(register["event"], due=D(2025, 6, 30), projects=[register["a"]])
    item.action = action
    item.save()
    page = client.get(f"/engagement/items/{item.pk}/?today=2025-11-15").content.decode()
    assert "From commitment to delivery" in page and "flag-overdue" in page and "flag-late" in page
    assert "Tar the district roads" in page and "Water: baseline 40" in page
    assert "Commitments it delivers" in client.get(register["a"].get_absolute_url()).content.decode()
    assert f'id="chain-action-{action.pk}"' in client.get("/oneplan/zones/DC15/").content.decode()


def test_desk_tasks_follow_the_escalation_level(register, make_user, zone):
    _item(register["event"], due=D(2025, 6, 30), projects=[register["a"]])  # with DCoG on 15 Nov 2025
    _item(register["event"], due=D(2025, 11, 1), projects=[register["a"]])  # late since 30 Sep: 46 days, province
    hub = make_user("hub", RoleKind.HUB, zone=zone("DC15"))
    ec = make_user("ec", RoleKind.PROVINCIAL, province=Place.objects.provinces().get(code="EC"))
    lp = make_user("lp", RoleKind.PROVINCIAL, province=Place.objects.provinces().get(code="LIM"))
    other_hub = make_user("hub36", RoleKind.HUB, zone=zone("DC36"))
    admin = make_user("admin", RoleKind.ADMIN)
    submitter = make_user("sub", RoleKind.SUBMITTER, organisation=register["a"].organisation)

    def escalations(user):
        return [t for t in tasks_for(user, TODAY) if t.kind == "escalation" and "Test commitment" in t.text]

    assert len(escalations(hub)) == 2  # the hub answers for every flagged commitment of its zone
    assert len(escalations(ec)) == 2  # one with the province, one with DCoG: both in its province
    assert ["DCoG" in t.text for t in escalations(admin)] == [True]
    assert escalations(lp) == [] and escalations(other_hub) == [] and escalations(submitter) == []
    assert "with the province after 46 days (escalates on 14 Nov 2025)" not in escalations(ec)[1].text
    assert "with the province after 46 days (escalates on 29 Nov 2025)" in escalations(ec)[1].text


def test_an_issue_page_has_no_chain(register, client):
    issue = Item.objects.create(event=register["event"], kind=ItemKind.ISSUE, text="Potholes")
    page = client.get(f"/engagement/items/{issue.pk}/")
    assert page.status_code == 200 and "From commitment to delivery" not in page.content.decode()
