"""Who may see a submission (writing goes through ddm.accounts.access.can_submit_for).

A submission is visible to administrators, to whoever may submit for its organisation (and the
user who made it), and to coordinators whose scope covers the organisation: a provincial
coordinator for organisations of their province and for national bodies and parastatals (whose
projects reach every province); a hub member for their zone's municipalities and for national
and provincial bodies and parastatals. Private companies' submissions: administrators and the
company's own submitters only.
"""

from ddm.accounts.access import can_submit_for, is_admin, roles_of
from ddm.accounts.models import RoleKind


def can_view_submission(user, submission):
    if not getattr(user, "is_authenticated", False):
        return False
    if is_admin(user) or submission.user_id == user.pk or can_submit_for(user, submission.organisation):
        return True
    org = submission.organisation
    if org.sphere == "private":
        return False
    for role in roles_of(user):
        if role.kind == RoleKind.PROVINCIAL and (org.province_id in (None, role.province_id)):
            return True
        if role.kind == RoleKind.HUB and _in_zone(org, role.zone_id):
            return True
    return False


def _in_zone(org, zone_id):
    if org.municipality_id is None:
        return True  # national, provincial bodies and parastatals reach every zone
    municipality = org.municipality
    return municipality.pk == zone_id or municipality.parent_id == zone_id


def visible_submissions(user, queryset):
    """The submissions of ``queryset`` the user may see (checked per row for coordinators)."""
    if is_admin(user):
        return queryset
    return [s for s in queryset.select_related("organisation__municipality") if can_view_submission(user, s)]
