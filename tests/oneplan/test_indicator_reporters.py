"""Issue #15 (5): who reports One Plan indicator values. An actor reports only where its role lets it edit
the plan or report for it: the plan's editors, and whoever reports for an organisation committed in the
version (its submitters and approvers, a consolidator covering it). Everyone else is refused, in scope
or not. Adding a commitment stays with the editors and a municipality of the zone for itself."""

import itertools

import pytest
from oneplan_helpers import add_strategy_and_action, commit

from ddm.accounts.models import RoleKind
from ddm.oneplan import access, workflow
from ddm.oneplan.models import IndicatorActual, PlanIndicator
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(version, hub):
    """DC15's draft with commitments of EC Health (placed by the hub) and of EC157 (a local municipality)."""
    action = add_strategy_and_action(version, hub)[1]
    commit(action, hub, org_code="ec-health")
    commit(action, hub, org_code="EC157")
    return action


@pytest.fixture
def indicator(version):
    return PlanIndicator.objects.create(version=version, code="water", name="Households with piped water",
                                        source="Stats SA", baseline_value=100, baseline_year=2016,
                                        target_value=200, target_year=2030)


def _place(level, code):
    return Place.objects.current().get(level=level, code=code)


NAMES = itertools.count(1)


def _user(make_user, organisation, kind, scope):
    where = {key: organisation(code) if key == "organisation" else _place(key, code) for key, code in scope.items()}
    return make_user(f"reporter{next(NAMES)}", kind, **where)


MAY_REPORT = {
    "admin": (RoleKind.ADMIN, {}),
    "EC coordinator": (RoleKind.PROVINCIAL, {"province": "EC"}),
    "DC15 hub member": (RoleKind.HUB, {"zone": "DC15"}),
    "EC Health submitter (committed)": (RoleKind.SUBMITTER, {"organisation": "ec-health"}),
    "EC Health approver (committed)": (RoleKind.APPROVER, {"organisation": "ec-health"}),
    "EC157 submitter (committed municipality)": (RoleKind.SUBMITTER, {"organisation": "EC157"}),
    "EC157 approver (committed municipality)": (RoleKind.APPROVER, {"organisation": "EC157"}),
    "EC consolidator (covers EC Health, EC157)": (RoleKind.CONSOLIDATOR, {"province": "EC"}),
    "national consolidator": (RoleKind.CONSOLIDATOR, {}),
}
MAY_NOT_REPORT = {
    "KZN coordinator": (RoleKind.PROVINCIAL, {"province": "KZN"}),
    "eThekwini hub member": (RoleKind.HUB, {"zone": "ETH"}),
    "EC Education submitter (not committed)": (RoleKind.SUBMITTER, {"organisation": "ec-education"}),
    "EC156 approver (a municipality of the zone, not committed)": (RoleKind.APPROVER, {"organisation": "EC156"}),
    "DC36 approver (another zone's municipality)": (RoleKind.APPROVER, {"organisation": "DC36"}),
    "KZN consolidator": (RoleKind.CONSOLIDATOR, {"province": "KZN"}),
    "viewer": (RoleKind.VIEWER, {}),
    "no role": (None, {}),
}


@pytest.mark.parametrize("who", list(MAY_REPORT))
def test_editors_and_reporters_of_a_committed_organisation_report(client_for, make_user, organisation, committed,
                                                                   indicator, version, who):
    kind, scope = MAY_REPORT[who]
    user = _user(make_user, organisation, kind, scope)
    assert access.can_report_indicator(user, version.plan.zone, version)
    client = client_for()
    client.force_login(user)
    response = client.post(f"/oneplan/zones/DC15/indicators/{indicator.pk}/actuals/",
                           {"period": "2026Q1", "period_end": "2026-03-31", "value": "120",
                            "evidence": "Municipal water services report"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert IndicatorActual.objects.get(indicator=indicator).reporter == user


@pytest.mark.parametrize("who", list(MAY_NOT_REPORT))
def test_roles_reporting_nothing_for_this_plan_are_refused(client_for, make_user, organisation, committed, indicator,
                                                          version, who):
    kind, scope = MAY_NOT_REPORT[who]
    user = _user(make_user, organisation, kind, scope)
    assert not access.can_report_indicator(user, version.plan.zone, version)
    client = client_for()
    client.force_login(user)
    response = client.post(f"/oneplan/zones/DC15/indicators/{indicator.pk}/actuals/",
                           {"period": "2026Q1", "period_end": "2026-03-31", "value": "120", "evidence": "x"})
    assert response.status_code == 403
    assert not IndicatorActual.objects.exists()


def test_a_committed_organisation_reports_only_in_the_plan_it_is_committed_to(make_user, organisation, committed,
                                                                               zone, admin):
    other = workflow.start_plan(zone("DC44"), admin).current  # another EC zone: EC Health committed nowhere there
    for kind in (RoleKind.SUBMITTER, RoleKind.APPROVER):
        user = _user(make_user, organisation, kind, {"organisation": "ec-health"})
        assert not access.can_report_indicator(user, other.plan.zone, other)


def test_a_municipality_approver_may_add_its_own_commitment_and_nothing_else(client_for, organisation, committed,
                                                                              version):
    approver = client_for(RoleKind.APPROVER, organisation=organisation("EC156"))
    page = approver.get(f"/oneplan/zones/DC15/commitments/new/?action={committed.pk}")
    assert page.status_code == 200
    assert [o.code for o in page.context["form"].fields["organisation"].queryset] == ["EC156"]
    response = approver.post("/oneplan/zones/DC15/commitments/new/",
                             {"action": committed.pk, "organisation": organisation("EC156").pk, "description": "Roads"})
    assert response.status_code == 302
    assert access.can_report_indicator(approver.user, version.plan.zone, version)  # committed now


@pytest.mark.parametrize(("kind", "scope"), [
    (RoleKind.APPROVER, {"organisation": "ec-health"}),  # a department: an editor places its commitments
    (RoleKind.APPROVER, {"organisation": "DC36"}),  # a municipality of another zone
    (RoleKind.CONSOLIDATOR, {"province": "EC"}),  # no organisation of its own
])
def test_others_may_not_add_a_commitment(client_for, make_user, organisation, committed, kind, scope):
    user = _user(make_user, organisation, kind, scope)
    client = client_for()
    client.force_login(user)
    assert client.get(f"/oneplan/zones/DC15/commitments/new/?action={committed.pk}").status_code == 403
    target = organisation(scope.get("organisation", "EC156"))
    assert not access.can_add_commitment(user, _place("zone", "DC15"), target)
