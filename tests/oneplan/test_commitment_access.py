"""Issue #15 (4) and (5): the commitment edit page works, and a submitter cannot join another zone's plan."""

import pytest
from django.core.exceptions import PermissionDenied
from oneplan_helpers import add_strategy_and_action, commit

from ddm.accounts.models import Organisation, RoleKind
from ddm.oneplan import access, funding
from ddm.oneplan.models import Commitment, PlanIndicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(version, hub):
    return add_strategy_and_action(version, hub)[1]


def test_existing_commitment_edit_page_renders_for_admin_and_hub(client_for, zone, action, hub, project_factory):
    project = project_factory("DC15", "P1", "DC15", {"budget": "100"})
    other = project_factory("EC157", "P2", "DC15", {"budget": "5"})
    item = commit(action, hub, projects=[project], lines=project.budget_lines.all())
    for client in (client_for(RoleKind.ADMIN), client_for(RoleKind.HUB, zone=zone("DC15"))):
        page = client.get(f"/oneplan/zones/DC15/commitments/{item.pk}/")
        assert page.status_code == 200
        offered = set(page.context["form"].fields["projects"].queryset.values_list("reference", flat=True))
        assert offered == {"P1", "P2"} and other.pk  # the linked project and the zone's others, each once


def test_submitter_manages_an_existing_commitment_of_its_organisation_placed_by_an_editor(
        client_for, organisation, action, hub):
    national = Organisation.objects.filter(sphere="national").first()
    item = commit(action, hub, org_code=national.code)
    own = client_for(RoleKind.SUBMITTER, organisation=item.organisation)
    page = own.get(f"/oneplan/zones/DC15/commitments/{item.pk}/")
    assert page.status_code == 200
    response = own.post(f"/oneplan/zones/DC15/commitments/{item.pk}/",
                        {"action": action.pk, "organisation": item.organisation.pk, "description": "Updated"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.description == "Updated"


def test_submitter_of_another_zone_cannot_add_its_commitment_nor_then_report_indicators(
        client_for, make_user, organisation, action, version, hub):
    """The chain of issue #15 (5): a DC36 submitter joins the DC15 draft, then reports DC15 indicators."""
    outsider_org = organisation("DC36")
    outsider = client_for(RoleKind.SUBMITTER, organisation=outsider_org)
    assert outsider.get(f"/oneplan/zones/DC15/commitments/new/?action={action.pk}").status_code == 403
    response = outsider.post("/oneplan/zones/DC15/commitments/new/",
                             {"action": action.pk, "organisation": outsider_org.pk, "description": "Mine now"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        funding.save_commitment(Commitment(action=action, organisation=outsider_org), outsider.user)
    assert not Commitment.objects.filter(organisation=outsider_org).exists()
    assert not access.can_report_indicator(outsider.user, version.plan.zone, version)
    indicator = PlanIndicator.objects.create(version=version, code="x", name="X", source="s", baseline_value=1,
                                             baseline_year=2016, target_value=2, target_year=2030)
    assert outsider.post(f"/oneplan/zones/DC15/indicators/{indicator.pk}/actuals/",
                         {"period": "2026Q1", "value": "1"}).status_code == 403


def test_submitter_cannot_move_a_commitment_to_an_organisation_it_may_not_add(client_for, organisation, action, hub):
    local = client_for(RoleKind.SUBMITTER, organisation=organisation("EC157"))
    item = commit(action, hub, org_code="EC157")
    item.organisation = organisation("DC36")
    with pytest.raises(PermissionDenied):
        funding.save_commitment(item, local.user)


def test_a_municipality_of_the_zone_may_commit_itself(client_for, organisation, action):
    local = client_for(RoleKind.SUBMITTER, organisation=organisation("EC157"))
    response = local.post("/oneplan/zones/DC15/commitments/new/",
                          {"action": action.pk, "organisation": organisation("EC157").pk, "description": "Roads"})
    assert response.status_code == 302
