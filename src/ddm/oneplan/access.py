"""Who may do what to a One Plan. Built on ddm.accounts.access; every service calls these.

- Content (vision, phases, focal areas, strategies, actions, indicators, reviews): whoever
  coordinates the zone — administrators, the provincial coordinator of its province, its hub members.
- Commitments: those content editors add any organisation's commitment. A submitter (or approver) adds
  only its own organisation's, and only to the plan of the zone that organisation governs (a municipality
  of the zone, or the district/metro itself): it cannot edit a plan, so it cannot join another zone's plan
  (and thereby gain indicator reporting there). Whoever submits for an organisation (its submitters and
  approvers, a consolidator covering it) manages (edits, reports on) that organisation's existing
  commitments wherever an editor placed them.
- Indicator values: the plan's editors, and whoever may report on one of the version's commitments.
- Documents: whoever may see the plan (everyone: One Plans are public) downloads its phase documents.
- Sign-offs: strictly the sphere's own role and scope, so nobody signs for another sphere:
  national = an administrator (DCoG national administrator role); province = a provincial
  coordinator of the zone's province; district or metro = a submitter of that municipality's
  organisation (organisation code = zone code, e.g. DC15, ETH); each local municipality of a
  district = a submitter of that municipality's organisation (code = MDB code, e.g. EC157).
  An administrator does not sign for the other spheres.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from ddm.accounts.access import (
    ORGANISATION_ROLES,
    Visitor,
    can_coordinate_place,
    can_submit_for,
    is_admin,
    roles_of,
)
from ddm.accounts.models import Organisation, RoleKind
from ddm.oneplan.models import Commitment, PhaseDocument, PlanVersion, SphereParty
from ddm.places.models import Place


def can_view_plan(user: Visitor, zone: Place) -> bool:
    """One Plans are public: the dashboard, the zone page (every version), the API and the exports answer
    everyone. Whoever may see a plan may download its documents, so this is the one place to narrow it."""
    return True


def plan_document(user: Visitor, zone: Place, pk: int) -> PhaseDocument:
    """A document attached to a phase of this zone's plan (any version), if the user may see the plan.

    The document must belong to the zone in the address: a document of another zone is not found."""
    if not can_view_plan(user, zone):
        raise PermissionDenied(f"You may not see the {zone.code} One Plan.")
    return get_object_or_404(PhaseDocument, pk=pk, phase__version__plan__zone=zone)


def can_edit_plan(user: Visitor, zone: Place) -> bool:
    return can_coordinate_place(user, zone)


def require_editor(user: Visitor, zone: Place) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to change a One Plan.")
    if not can_edit_plan(user, zone):
        province = zone.province.code if zone.province is not None else "its province"
        raise PermissionDenied(f"Only administrators, the provincial coordinator of {province} and hub members of "
                               f"{zone.code} may change the {zone.code} One Plan.")


def can_manage_commitment(user: Visitor, zone: Place, organisation: Organisation) -> bool:
    return can_edit_plan(user, zone) or can_submit_for(user, organisation)


def require_commitment_manager(user: Visitor, zone: Place, organisation: Organisation) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to change a commitment.")
    if not can_manage_commitment(user, zone, organisation):
        raise PermissionDenied(f"You may not manage commitments of {organisation.name} in {zone.code}.")


def _own_organisations(user: Visitor) -> list[Organisation]:
    """The organisations the user holds an organisation role in (submitter or approver)."""
    return [r.organisation for r in roles_of(user) if r.kind in ORGANISATION_ROLES and r.organisation is not None]


def committing_organisations(user: Visitor, zone: Place, version: PlanVersion) -> QuerySet[Organisation]:
    """Organisations the user may add commitments for in this version's plan."""
    if can_edit_plan(user, zone):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=[o.pk for o in _own_organisations(user) if _governs_in(o, zone)])


def _governs_in(organisation: Organisation, zone: Place) -> bool:
    """Is the organisation a municipality of this zone (or the district/metro municipality itself)?"""
    place = organisation.municipality
    while place is not None and place.level != "zone":
        place = place.parent
    return place is not None and place.pk == zone.pk


def can_add_commitment(user: Visitor, zone: Place, organisation: Organisation) -> bool:
    """The plan's editors; a submitter or approver of a municipality of the zone, for that municipality."""
    if can_edit_plan(user, zone):
        return True
    own = any(o.pk == organisation.pk for o in _own_organisations(user))
    return own and _governs_in(organisation, zone)


def require_commitment_adder(user: Visitor, zone: Place, organisation: Organisation) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to add a commitment.")
    if not can_add_commitment(user, zone, organisation):
        raise PermissionDenied(
            f"Only the {zone.code} plan's editors, or submitters of a municipality of {zone.code} for their own "
            f"municipality, may add a commitment of {organisation.name} to the {zone.code} One Plan."
        )


def _submitter_codes(user: Visitor) -> set[str]:
    return {r.organisation.code for r in roles_of(user) if r.kind == RoleKind.SUBMITTER and r.organisation is not None}


def can_sign(user: Visitor, party: str, place: Place | None) -> bool:
    """May the user sign (or return) for this party? place: province, zone or local municipality."""
    if not getattr(user, "is_authenticated", False):
        return False
    if party == SphereParty.NATIONAL:
        return is_admin(user)
    if place is None:  # every party but the national one signs for a place
        return False
    if party == SphereParty.PROVINCIAL:
        return any(r.kind == RoleKind.PROVINCIAL and r.province_id == place.pk for r in roles_of(user))
    if party in (SphereParty.DISTRICT, SphereParty.LOCAL):
        return place.code in _submitter_codes(user)
    return False


def require_signer(user: Visitor, party: str, place: Place | None) -> None:
    if not can_sign(user, party, place):
        where = f" {place.code}" if place is not None else ""
        raise PermissionDenied(f"You hold no role that may sign for {SphereParty(party).label}{where}.")


def can_report_on(user: Visitor, zone: Place, commitment: Commitment) -> bool:
    return can_manage_commitment(user, zone, commitment.organisation)


def can_report_indicator(user: Visitor, zone: Place, version: PlanVersion) -> bool:
    """Editors of the plan, and whoever may report on a commitment of this version (can_report_on: its
    organisation's submitters and approvers, a consolidator covering it): a role that reports nothing for
    this plan reports none of its indicators, whatever it may do elsewhere."""
    if can_edit_plan(user, zone):
        return True
    if not roles_of(user):
        return False  # no role, nothing to look up
    committed = Organisation.objects.filter(oneplan_commitments__action__strategy__focal_area__version=version)
    return any(can_submit_for(user, organisation) for organisation in committed.select_related("municipality").distinct())


def require_indicator_reporter(user: Visitor, zone: Place, version: PlanVersion) -> None:
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied("Sign in to report an indicator value.")
    if not can_report_indicator(user, zone, version):
        raise PermissionDenied(f"Only the {zone.code} plan's editors and committed organisations report indicators.")
