"""Capacity's own access rules, built on ddm.accounts.access (same roles, same scopes).

- Hubs (positions, business plan, attachments): administrators, provincial coordinators of a
  province one of the hub's zones lies in, and hub members of one of the hub's zones.
- A municipality's skills audit and requirement overrides: whoever coordinates its zone
  (admin, provincial coordinator, hub member) and the municipality's own submitters.
"""

from ddm.accounts.access import can_coordinate_place, can_submit_for, is_admin, require_permission, roles_of
from ddm.accounts.models import Organisation, RoleKind


def can_edit_hub(user, hub):
    if is_admin(user):
        return True
    return any(can_coordinate_place(user, zone) for zone in hub.zones.all())


def can_create_hub(user):
    """Administrators and provincial coordinators register hubs (for zones they cover: HubForm)."""
    return is_admin(user) or any(r.kind == RoleKind.PROVINCIAL for r in roles_of(user))


def check_create_hub(request):
    require_permission(request, can_create_hub, "Only administrators and provincial coordinators register hubs.")


def municipality_organisations(place):
    return Organisation.objects.filter(municipality=place)


def can_edit_skills(user, place):
    """Coordinators of the place's zone, or a submitter for the municipality itself."""
    if can_coordinate_place(user, place):
        return True
    return any(can_submit_for(user, org) for org in municipality_organisations(place))


def check_hub(request, hub):
    require_permission(request, lambda user: can_edit_hub(user, hub), f"You have no role covering the zones of {hub.name}.")


def check_skills(request, place):
    require_permission(request, lambda user: can_edit_skills(user, place),
                       f"You may not change the skills audit of {place.code} {place.name}.")
