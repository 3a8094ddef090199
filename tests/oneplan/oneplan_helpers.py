"""Helpers of the One Plan tests (plain functions; fixtures are in conftest.py)."""

from ddm.accounts.models import Organisation
from ddm.oneplan import funding, workflow
from ddm.oneplan.models import Action, Commitment, FocalArea, PhaseKind, Strategy

DC15_LOCALS = ["EC153", "EC154", "EC155", "EC156", "EC157"]


def add_strategy_and_action(version, editor, area_code="infrastructure"):
    area = FocalArea.objects.get(version=version, code=area_code)
    strategy = workflow.save_content(Strategy(focal_area=area, title="Bulk water for every town"), version, editor, "Strategy")
    action = workflow.save_content(Action(strategy=strategy, title="Mzimvubu water project phase 1"), version, editor, "Action")
    return strategy, action


def commit(action, user, org_code="DC15", projects=(), lines=()):
    commitment = Commitment(action=action, organisation=Organisation.objects.get(code=org_code))
    return funding.save_commitment(commitment, user, projects=list(projects), budget_lines=list(lines))


def to_adoption(version, editor):
    """Satisfy each gate and advance until the Adoption phase."""
    workflow.link_profile(version, editor)
    workflow.advance(version, editor)
    workflow.set_vision(version, editor, "A prosperous, connected O.R. Tambo by 2040.")
    workflow.advance(version, editor)
    _, action = add_strategy_and_action(version, editor)
    workflow.advance(version, editor)
    commit(action, editor)
    workflow.advance(version, editor)
    version.focal_areas.update(reviewed=True)
    workflow.advance(version, editor)
    version.refresh_from_db()
    assert version.current_phase == PhaseKind.ADOPTION
    return version
