import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from oneplan_helpers import DC15_LOCALS, add_strategy_and_action, commit, to_adoption

from ddm.accounts.models import RoleKind
from ddm.oneplan import signoff, workflow
from ddm.oneplan.models import (
    Action,
    FocalArea,
    PhaseKind,
    PhaseStatus,
    PlanEvent,
    PlanFrozen,
    SignOff,
    Strategy,
    VersionStatus,
)

pytestmark = pytest.mark.django_db


def test_new_plan_has_seven_phases_in_order_and_default_focal_areas(version):
    kinds = list(version.phases.values_list("kind", flat=True))
    assert kinds == ["diagnostic", "vision", "strategy", "implementation_planning", "drafting", "adoption",
                     "implementation"]
    assert version.current_phase == PhaseKind.DIAGNOSTIC
    assert version.focal_areas.count() == 6
    assert version.phase(PhaseKind.DIAGNOSTIC).status == PhaseStatus.IN_PROGRESS


def test_diagnostic_gate_needs_the_profile_link(version, hub):
    with pytest.raises(workflow.WorkflowError, match="profile"):
        workflow.advance(version, hub)
    workflow.link_profile(version, hub)
    assert version.profile_url.endswith("/DC15/")
    workflow.advance(version, hub)
    assert version.current_phase == PhaseKind.VISION
    diagnostic = version.phase(PhaseKind.DIAGNOSTIC)
    assert diagnostic.status == PhaseStatus.COMPLETED and diagnostic.actual_end is not None


def test_vision_gate_needs_the_vision_statement(version, hub):
    workflow.link_profile(version, hub)
    workflow.advance(version, hub)
    with pytest.raises(workflow.WorkflowError, match="vision"):
        workflow.advance(version, hub)
    with pytest.raises(workflow.WorkflowError):
        workflow.set_vision(version, hub, "   ")
    workflow.set_vision(version, hub, "A connected district.")
    workflow.advance(version, hub)
    assert version.current_phase == PhaseKind.STRATEGY


def _at(version, hub, kind):
    workflow.link_profile(version, hub)
    workflow.advance(version, hub)
    workflow.set_vision(version, hub, "Vision")
    workflow.advance(version, hub)
    if kind == PhaseKind.STRATEGY:
        return None
    _, action = add_strategy_and_action(version, hub)
    workflow.advance(version, hub)
    if kind == PhaseKind.IMPLEMENTATION_PLANNING:
        return action
    commit(action, hub)
    workflow.advance(version, hub)
    return action


def test_strategy_gate_needs_a_strategy(version, hub):
    _at(version, hub, PhaseKind.STRATEGY)
    with pytest.raises(workflow.WorkflowError, match="strategy"):
        workflow.advance(version, hub)
    add_strategy_and_action(version, hub)
    workflow.advance(version, hub)
    assert version.current_phase == PhaseKind.IMPLEMENTATION_PLANNING


def test_implementation_planning_gate_needs_a_committed_action(version, hub):
    action = _at(version, hub, PhaseKind.IMPLEMENTATION_PLANNING)
    with pytest.raises(workflow.WorkflowError, match="committed"):
        workflow.advance(version, hub)
    commit(action, hub)
    workflow.advance(version, hub)
    assert version.current_phase == PhaseKind.DRAFTING


def test_drafting_gate_accepts_all_focal_areas_reviewed(version, hub):
    _at(version, hub, PhaseKind.DRAFTING)
    version.focal_areas.exclude(code="people").update(reviewed=True)
    with pytest.raises(workflow.WorkflowError, match="draft document"):
        workflow.advance(version, hub)
    version.focal_areas.update(reviewed=True)
    workflow.advance(version, hub)
    assert version.current_phase == PhaseKind.ADOPTION


def test_drafting_gate_accepts_a_draft_document(version, hub, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    _at(version, hub, PhaseKind.DRAFTING)
    with pytest.raises(workflow.WorkflowError):
        workflow.advance(version, hub)
    upload = SimpleUploadedFile("draft.pdf", b"%PDF-1.4 draft", content_type="application/pdf")
    workflow.add_document(version.phase(PhaseKind.DRAFTING), hub, "Draft One Plan", upload)
    workflow.advance(version, hub)
    assert version.current_phase == PhaseKind.ADOPTION


def test_oversized_document_is_refused(version, hub, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DDM_MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("big.pdf", b"x" * 11)
    with pytest.raises(Exception, match="limit"):
        workflow.add_document(version.phase(PhaseKind.DIAGNOSTIC), hub, "Too big", upload)


def test_adoption_gate_refuses_advance_without_signoffs(version, hub):
    to_adoption(version, hub)
    with pytest.raises(workflow.WorkflowError, match="signed"):
        workflow.advance(version, hub)


def test_every_sphere_signs_and_the_last_adopts_and_freezes(version, hub, signatories):
    to_adoption(version, hub)
    keys = [p.key for p in signoff.required_parties(version)]
    assert keys == ["national", "provincial:EC", "district:DC15"] + [f"local:{c}" for c in DC15_LOCALS]
    for key in keys[:-1]:
        signoff.sign(version, signatories[key], key, comment=f"{key} agrees")
        version.refresh_from_db()
        assert version.status == VersionStatus.DRAFT
    signoff.sign(version, signatories[keys[-1]], keys[-1])
    version.refresh_from_db()
    assert version.status == VersionStatus.ADOPTED and version.frozen and version.adopted_on is not None
    assert version.current_phase == PhaseKind.IMPLEMENTATION
    assert SignOff.objects.filter(version=version, cleared__isnull=True).count() == 8
    assert PlanEvent.objects.filter(version=version, kind="adopt").exists()


def test_metro_needs_national_province_and_metro_only(zone, make_user):
    coordinator = make_user("kzn", RoleKind.PROVINCIAL, province=zone("ETH").province)
    version = workflow.start_plan(zone("ETH"), coordinator).current
    assert [p.key for p in signoff.required_parties(version)] == ["national", "provincial:KZN", "district:ETH"]


@pytest.mark.parametrize("who", ["hub", "other-lm", "viewer", "other-province", "admin-for-province"])
def test_wrong_scope_signoffs_are_refused(version, hub, signatories, make_user, organisation, zone, who):
    to_adoption(version, hub)
    user, key = {
        "hub": (hub, "provincial:EC"),
        "other-lm": (make_user("lim361", RoleKind.SUBMITTER, organisation=organisation("LIM361")), "local:EC157"),
        "viewer": (make_user("viewer", RoleKind.VIEWER), "national"),
        "other-province": (make_user("kzn", RoleKind.PROVINCIAL, province=zone("ETH").province), "provincial:EC"),
        "admin-for-province": (signatories["national"], "provincial:EC"),
    }[who]
    with pytest.raises(PermissionDenied):
        signoff.sign(version, user, key)
    assert not SignOff.objects.filter(version=version).exists()


def test_signing_outside_adoption_and_twice_is_refused(version, hub, signatories):
    with pytest.raises(workflow.WorkflowError, match="not awaiting adoption"):
        signoff.sign(version, signatories["national"], "national")
    to_adoption(version, hub)
    signoff.sign(version, signatories["national"], "national")
    with pytest.raises(workflow.WorkflowError, match="already signed"):
        signoff.sign(version, signatories["national"], "national")
    with pytest.raises(workflow.WorkflowError, match="not a sphere"):
        signoff.sign(version, signatories["local:EC157"], "local:LIM361")


def test_return_for_revision_reopens_drafting_and_clears_signoffs(version, hub, signatories):
    to_adoption(version, hub)
    signoff.sign(version, signatories["national"], "national")
    signoff.sign(version, signatories["provincial:EC"], "provincial:EC")
    with pytest.raises(workflow.WorkflowError, match="reasons"):
        signoff.return_for_revision(version, signatories["local:EC157"], "local:EC157", "")
    signoff.return_for_revision(version, signatories["local:EC157"], "local:EC157", "Ward 12 water scheme missing")
    version.refresh_from_db()
    assert version.current_phase == PhaseKind.DRAFTING
    assert version.phase(PhaseKind.DRAFTING).status == PhaseStatus.IN_PROGRESS
    assert signoff.active_signoffs(version) == []
    # The record stays: two cleared sign-offs and the return with its reasons.
    assert SignOff.objects.filter(version=version, cleared__isnull=False).count() == 3
    assert SignOff.objects.get(version=version, decision="returned").comment == "Ward 12 water scheme missing"
    assert PlanEvent.objects.filter(version=version, kind="return").exists()
    # Back through drafting to adoption: everyone must sign again.
    workflow.advance(version, hub)
    assert len(signoff.missing_parties(version)) == 8


@pytest.fixture
def adopted(version, hub, signatories):
    to_adoption(version, hub)
    for key, user in signatories.items():
        signoff.sign(version, user, key)
    version.refresh_from_db()
    return version


def test_adopted_version_refuses_edits(adopted, hub):
    with pytest.raises(workflow.WorkflowError, match="frozen"):
        workflow.set_vision(adopted, hub, "Another vision")
    with pytest.raises(workflow.WorkflowError, match="frozen"):
        workflow.link_profile(adopted, hub)
    area = adopted.focal_areas.first()
    with pytest.raises(workflow.WorkflowError, match="frozen"):
        workflow.save_content(Strategy(focal_area=area, title="New"), adopted, hub, "Strategy")
    # Even a direct model save is refused: the guard is on the model.
    action = Action.objects.get(strategy__focal_area__version=adopted)
    action.title = "changed"
    with pytest.raises(PlanFrozen):
        action.save()
    with pytest.raises(PlanFrozen):
        FocalArea.objects.filter(version=adopted).first().delete()
    with pytest.raises(workflow.WorkflowError, match="frozen"):
        workflow.update_phase(adopted.phase(PhaseKind.VISION), hub, owner="someone")
    # The implementation phase itself stays open for its own dates.
    workflow.update_phase(adopted.phase(PhaseKind.IMPLEMENTATION), hub, planned_end=datetime.date(2030, 3, 31))


def test_review_creates_a_new_version_and_leaves_the_old_one_unchanged(adopted, hub):
    plan = adopted.plan
    old_vision = adopted.vision
    old_action = Action.objects.get(strategy__focal_area__version=adopted)
    with pytest.raises(workflow.WorkflowError, match="why"):
        workflow.start_review(plan, hub, "")
    new = workflow.start_review(plan, hub, "Five-year review 2025")
    assert new.number == 2 and new.status == VersionStatus.DRAFT and not new.frozen
    assert new.current_phase == PhaseKind.DRAFTING and new.vision == old_vision
    copied = Action.objects.get(strategy__focal_area__version=new)
    assert copied.copied_from == old_action and copied.pk != old_action.pk
    assert copied.commitments.count() == 1
    workflow.set_vision(new, hub, "Revised vision")
    workflow.save_content(Strategy(focal_area=new.focal_areas.first(), title="Added in review"), new, hub, "Strategy")
    adopted.refresh_from_db()
    assert adopted.vision == old_vision and adopted.frozen and adopted.status == VersionStatus.ADOPTED
    assert Strategy.objects.filter(focal_area__version=adopted).count() == 1
    assert plan.current == new and plan.adopted == adopted
    with pytest.raises(workflow.WorkflowError, match="not adopted"):
        workflow.start_review(plan, hub, "again")


def test_adopting_the_reviewed_version_supersedes_the_old_one(adopted, hub, signatories):
    new = workflow.start_review(adopted.plan, hub, "Review")
    with pytest.raises(workflow.WorkflowError):
        workflow.advance(new, hub)  # copied focal areas start unreviewed and there is no draft document
    new.focal_areas.update(reviewed=True)
    workflow.advance(new, hub)
    for key, user in signatories.items():
        signoff.sign(new, user, key)
    adopted.refresh_from_db()
    new.refresh_from_db()
    assert new.status == VersionStatus.ADOPTED and adopted.status == VersionStatus.SUPERSEDED
    assert adopted.frozen and adopted.plan.adopted == new


def test_content_edits_need_an_editor(version, make_user, organisation, zone):
    submitter = make_user("sub", RoleKind.SUBMITTER, organisation=organisation("DC15"))
    other_hub = make_user("hub36", RoleKind.HUB, zone=zone("DC36"))
    for user in (submitter, other_hub, make_user("viewer", RoleKind.VIEWER)):
        with pytest.raises(PermissionDenied):
            workflow.set_vision(version, user, "Not allowed")
        with pytest.raises(PermissionDenied):
            workflow.advance(version, user)
    version.refresh_from_db()
    assert version.vision == ""
