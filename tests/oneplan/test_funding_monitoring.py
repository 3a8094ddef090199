import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from oneplan_helpers import add_strategy_and_action, commit, to_adoption

from ddm.accounts.models import Organisation, RoleKind
from ddm.investment.models import BudgetLine, Location, Precision
from ddm.oneplan import funding, monitoring, signoff, workflow
from ddm.oneplan.models import Action, Commitment, CommitmentReport, PlanIndicator, ProjectStage, Strategy
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


def test_funding_status_follows_the_linked_budget_lines(version, hub, project_factory):
    _, action = add_strategy_and_action(version, hub)
    project = project_factory("DC15", "P1", "DC15", {"planned": "500000", "budget": "0"})
    planned, zero = project.budget_lines.get(kind="planned"), project.budget_lines.get(kind="budget")
    c = commit(action, hub, projects=[project])
    assert funding.commitment_status(c) == funding.UNFUNDED
    c = funding.save_commitment(c, hub, projects=[project], budget_lines=[zero])
    assert funding.commitment_status(c) == funding.UNFUNDED  # a zero budget funds nothing
    c = funding.save_commitment(c, hub, projects=[project], budget_lines=[zero, planned])
    assert funding.commitment_status(c) == funding.PLANNED
    assert not funding.action_funded(action)
    adjusted = BudgetLine.objects.create(project=project, kind="adjusted", amount=Decimal("1.00"), fy_first=2020)
    c = funding.save_commitment(c, hub, projects=[project], budget_lines=[adjusted])
    assert funding.commitment_status(c) == funding.FUNDED
    assert funding.action_funded(action)
    assert funding.linked_amounts(c) == {"adjusted": Decimal("1.00")}


def test_share_of_actions_funded(version, hub, project_factory):
    strategy, funded_action = add_strategy_and_action(version, hub)
    unfunded_action = workflow.save_content(Action(strategy=strategy, title="Unfunded"), version, hub, "Action")
    project = project_factory("DC15", "P1", "DC15", {"budget": "100"})
    commit(funded_action, hub, projects=[project], lines=project.budget_lines.all())
    commit(unfunded_action, hub)
    assert funding.action_funding_share(version) == (1, 2, Decimal("0.5"))


def test_links_must_belong_to_the_committing_organisation(version, hub, project_factory):
    _, action = add_strategy_and_action(version, hub)
    foreign = project_factory("EC157", "X1", "DC15", {"budget": "100"})
    own = project_factory("DC15", "P1", "DC15", {"budget": "100"})
    with pytest.raises(ValidationError, match="another organisation"):
        commit(action, hub, projects=[foreign])
    with pytest.raises(ValidationError, match="not lines of the linked projects"):
        commit(action, hub, projects=[own], lines=foreign.budget_lines.all())
    assert not Commitment.objects.exists()


def test_submitters_manage_only_their_own_organisations_commitments(version, hub, make_user, organisation):
    _, action = add_strategy_and_action(version, hub)
    own = make_user("sub-dc15", RoleKind.SUBMITTER, organisation=organisation("DC15"))
    other = make_user("sub-ec157", RoleKind.SUBMITTER, organisation=organisation("EC157"))
    commitment = commit(action, own, org_code="DC15")
    with pytest.raises(PermissionDenied):
        commit(action, other, org_code="DC15")
    with pytest.raises(PermissionDenied):
        funding.delete_commitment(commitment, other)
    with pytest.raises(PermissionDenied):
        workflow.save_content(Strategy(focal_area=version.focal_areas.first(), title="x"), version, own, "Strategy")
    funding.delete_commitment(commitment, own)
    assert not Commitment.objects.exists()


def test_alignment_shares_on_a_small_register(version, hub, project_factory):
    _, action = add_strategy_and_action(version, hub)
    a = project_factory("DC15", "A", "DC15", {"budget": "1000000", "planned": "5000000"})
    b = project_factory("DC15", "B", "DC15", {"budget": "600000"}, fy=(2020, 2022))
    dc36 = Place.objects.zones().get(code="DC36")
    Location.objects.create(project=b, precision=Precision.ZONE, place=dc36, zone=dc36, province_id=dc36.province_id)
    duplicate = project_factory("DC15", "C", "DC15", {"budget": "200000"})
    duplicate.duplicate_of = a
    duplicate.save()
    project_factory("DC15", "D", "DC36", {"budget": "999999"})
    commit(action, hub, projects=[a], lines=a.budget_lines.all())
    # By hand: A 1,000,000 whole in DC15; B 600,000 split over two zones = 300,000; C duplicate, D elsewhere.
    result = funding.alignment(version)
    assert result.total == Decimal("1300000.00") and result.serving == Decimal("1000000.00")
    assert result.share == Decimal("1000000") / Decimal("1300000")
    assert (result.projects_total, result.projects_serving) == (2, 1)
    assert "Budget" in result.basis and "all stated financial years" in result.basis
    # One financial year: B's three-year line gives 200,000 a year, half of it in DC15; A is 2020 only.
    fy2021 = funding.alignment(version, financial_year=2021)
    assert fy2021.total == Decimal("100000.00") and fy2021.serving == Decimal("0.00") and fy2021.share == 0
    planned = funding.alignment(version, kind="planned")
    assert planned.total == planned.serving == Decimal("5000000.00")


def test_alignment_without_investment_has_no_share(version):
    assert funding.alignment(version).share is None


def _indicator(version, base, target):
    return PlanIndicator(version=version, code="x", name="Indicator", source="test", baseline_value=Decimal(base),
                         baseline_year=2016, target_value=Decimal(target), target_year=2026)


MID = datetime.date(2021, 12, 31)  # exactly half way: 1,826 of 3,652 days from 2016-12-31 to 2026-12-31


@pytest.mark.parametrize("value,status", [
    ("32.5", "on_track"), ("32.49", "at_risk"), ("25", "at_risk"), ("24.99", "off_track"), ("5", "off_track"),
    ("60", "on_track"), ("70", "on_track"),
])
def test_progress_status_boundaries_for_a_rising_target(version, value, status):
    indicator = _indicator(version, "10", "60")  # expected at MID: 35; 90 % of the way = 32.5, 60 % = 25
    assert monitoring.expected_value(indicator, MID) == Decimal("35")
    assert monitoring.classify(indicator, Decimal(value), MID).status == status


@pytest.mark.parametrize("value,status", [("31", "on_track"), ("31.01", "at_risk"), ("34", "at_risk"),
                                          ("34.01", "off_track"), ("19", "on_track")])
def test_progress_status_boundaries_for_a_falling_target(version, value, status):
    indicator = _indicator(version, "40", "20")  # expected at MID: 30; 90 % of the fall = 31, 60 % = 34
    assert monitoring.classify(indicator, Decimal(value), MID).status == status


def test_no_status_without_actuals_or_before_the_baseline(version, hub):
    indicator = workflow.save_content(_indicator(version, "10", "60"), version, hub, "Indicator")
    assert monitoring.progress(indicator).status == monitoring.NO_STATUS
    assert monitoring.classify(indicator, Decimal("11"), datetime.date(2016, 6, 30)).status == monitoring.NO_STATUS
    with pytest.raises(workflow.WorkflowError, match="evidence"):
        monitoring.report_actual(indicator, hub, "2021", MID, Decimal("33"), " ")
    monitoring.report_actual(indicator, hub, "2019", datetime.date(2019, 12, 31), Decimal("1"), "old survey")
    monitoring.report_actual(indicator, hub, "2021", MID, Decimal("33"), "GHS 2021")
    result = monitoring.progress(indicator)
    assert result.status == monitoring.ON_TRACK and result.actual.period == "2021"
    assert "<svg" in monitoring.chart_svg(indicator)


def test_indicator_reports_need_plan_editor_or_committed_organisation(version, hub, make_user, organisation):
    indicator = workflow.save_content(_indicator(version, "10", "60"), version, hub, "Indicator")
    _, action = add_strategy_and_action(version, hub)
    commit(action, hub, org_code="EC157")
    committed = make_user("sub-ec157", RoleKind.SUBMITTER, organisation=organisation("EC157"))
    stranger = make_user("sub-ec153", RoleKind.SUBMITTER, organisation=organisation("EC153"))
    monitoring.report_actual(indicator, committed, "2021", MID, Decimal("30"), "municipal records")
    with pytest.raises(PermissionDenied):
        monitoring.report_actual(indicator, stranger, "2021", MID, Decimal("30"), "x")


def test_quarterly_reminders_list_commitments_without_a_report(version, hub, signatories, project_factory):
    to_adoption(version, hub)
    action = Action.objects.get(strategy__focal_area__version=version)
    # A second commitment, made before adoption freezes the version.
    version.refresh_from_db()
    for key, user in signatories.items():
        if key != "national":
            signoff.sign(version, user, key)
    signoff.return_for_revision(version, signatories["national"], "national", "Add the municipality's commitment")
    second = commit(action, hub, org_code="EC157")
    workflow.advance(version, hub)
    for key, user in signatories.items():
        signoff.sign(version, user, key)
    first = Commitment.objects.exclude(pk=second.pk).get(action=action)
    on = datetime.date(2026, 8, 15)
    assert monitoring.quarter_of(on) == "2026Q3"
    quarter, missing = monitoring.reminders(on=on)
    assert quarter == "2026Q3" and set(missing) == {first, second}
    CommitmentReport.objects.create(commitment=first, quarter="2026Q2", progress="last quarter")
    CommitmentReport.objects.create(commitment=second, quarter="2026Q3", progress="this quarter")
    assert monitoring.reminders(on=on)[1] == [first]


def test_draft_plans_get_no_reminders(version, hub):
    _, action = add_strategy_and_action(version, hub)
    commit(action, hub)
    assert monitoring.reminders()[1] == []


def test_project_stages_only_for_linked_projects(version, hub, project_factory, make_user, organisation):
    _, action = add_strategy_and_action(version, hub)
    linked = project_factory("DC15", "P1", "DC15", {"budget": "100"})
    other = project_factory("DC15", "P2", "DC15", {"budget": "100"})
    commitment = commit(action, hub, projects=[linked])
    stage = monitoring.save_stage(ProjectStage(commitment=commitment, project=linked, stage="preparation",
                                               status="in_progress"), hub)
    assert monitoring.stages_of(commitment)[linked]["preparation"] == stage
    with pytest.raises(workflow.WorkflowError, match="not linked"):
        monitoring.save_stage(ProjectStage(commitment=commitment, project=other, stage="preparation"), hub)
    with pytest.raises(workflow.WorkflowError, match="before"):
        monitoring.save_stage(ProjectStage(commitment=commitment, project=linked, stage="funding",
                                           planned_start=datetime.date(2025, 5, 1),
                                           planned_end=datetime.date(2025, 1, 1)), hub)
    stranger = make_user("sub-ec157", RoleKind.SUBMITTER, organisation=organisation("EC157"))
    with pytest.raises(PermissionDenied):
        monitoring.save_stage(ProjectStage(commitment=commitment, project=linked, stage="funding"), stranger)


def test_organisation_fixture_sanity():
    # The district and metro organisations that sign are the municipalities' own reference organisations.
    assert Organisation.objects.get(code="DC15").kind == "municipality"
    assert Organisation.objects.get(code="ETH").kind == "municipality"


def test_dashboard_count_query_follows_the_same_funding_rule(version, hub, project_factory):
    strategy, funded = add_strategy_and_action(version, hub)
    planned_only = workflow.save_content(Action(strategy=strategy, title="Planned only"), version, hub, "Action")
    zero = workflow.save_content(Action(strategy=strategy, title="Zero budget"), version, hub, "Action")
    workflow.save_content(Action(strategy=strategy, title="No commitment"), version, hub, "Action")
    p1 = project_factory("DC15", "P1", "DC15", {"actual": "5"})
    p2 = project_factory("DC15", "P2", "DC15", {"planned": "5"})
    p3 = project_factory("DC15", "P3", "DC15", {"budget": "0"})
    commit(funded, hub, projects=[p1], lines=p1.budget_lines.all())
    commit(planned_only, hub, projects=[p2], lines=p2.budget_lines.all())
    commit(zero, hub, projects=[p3], lines=p3.budget_lines.all())
    funded_count, total, _share = funding.action_funding_share(version)
    assert (funded_count, total) == (1, 4)
    assert funding.funded_action_counts([version.pk]) == {version.pk: (1, 4)}
