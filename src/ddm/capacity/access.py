"""Capacity's own access rules, built on ddm.accounts.access (same roles, same scopes).

- Hubs (positions, business plan, attachments): administrators, provincial coordinators of a
  province one of the hub's zones lies in, and hub members of one of the hub's zones.
- A hub's attachments (working documents, not public like the hub page) are downloaded by those
  editors and by whoever keeps the skills audit of a municipality the hub serves (below).
- A municipality's skills audit and requirement overrides: whoever coordinates its zone
  (admin, provincial coordinator, hub member) and the municipality's own submitters.
"""

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from ddm.accounts.access import Visitor, can_coordinate_place, can_submit_for, is_admin, require_permission, roles_of
from ddm.accounts.models import Organisation, RoleKind
from ddm.capacity.models import Hub
from ddm.places.models import Place


def can_edit_hub(user: Visitor, hub: Hub) -> bool:
    if is_admin(user):
        return True
    return any(can_coordinate_place(user, zone) for zone in hub.zones.all())


def can_create_hub(user: Visitor) -> bool:
    """Administrators and provincial coordinators register hubs (for zones they cover: HubForm)."""
    return is_admin(user) or any(r.kind == RoleKind.PROVINCIAL for r in roles_of(user))


def check_create_hub(request: HttpRequest) -> None:
    require_permission(request, can_create_hub, "Only administrators and provincial coordinators register hubs.")


def municipality_organisations(place: Place) -> QuerySet[Organisation]:
    return Organisation.objects.filter(municipality=place)


def can_edit_skills(user: Visitor, place: Place) -> bool:
    """Coordinators of the place's zone, or a submitter for the municipality itself."""
    if can_coordinate_place(user, place):
        return True
    return any(can_submit_for(user, org) for org in municipality_organisations(place))


def served_organisations(hub: Hub) -> QuerySet[Organisation]:
    """The municipalities' organisations of the hub's zones: the district or metro itself and its locals."""
    zones = list(hub.zones.all())
    return Organisation.objects.filter(Q(municipality__in=zones) | Q(municipality__parent__in=zones)).select_related(
        "municipality")


def can_view_attachments(user: Visitor, hub: Hub) -> bool:
    """The hub's editors, and the submitters (approvers, consolidators) of a municipality it serves."""
    if can_edit_hub(user, hub):
        return True
    if not roles_of(user):
        return False  # no role, nothing to look up
    return any(can_submit_for(user, org) for org in served_organisations(hub))


def check_attachments(request: HttpRequest, hub: Hub) -> None:
    require_permission(request, lambda user: can_view_attachments(user, hub),
                       f"Only {hub.name}'s coordinators and the municipalities it serves may open its attachments.")


def check_hub(request: HttpRequest, hub: Hub) -> None:
    require_permission(request, lambda user: can_edit_hub(user, hub), f"You have no role covering the zones of {hub.name}.")


def check_skills(request: HttpRequest, place: Place) -> None:
    require_permission(request, lambda user: can_edit_skills(user, place),
                       f"You may not change the skills audit of {place.code} {place.name}.")
