"""Who may see a submission (writing goes through ddm.accounts.access.can_submit_for).

A submission is visible to administrators, to whoever may submit for its organisation (and the
user who made it), and to coordinators whose scope covers the organisation: a provincial
coordinator for organisations of their province and for national bodies and parastatals (whose
projects reach every province); a hub member for their zone's municipalities, its province's
provincial bodies, and national bodies and parastatals. Never another province's bodies: a hub
member does not see more than the coordinator of its own province. Private companies'
submissions: administrators and the company's own submitters only.
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from ddm.accounts.access import Visitor, can_submit_for, is_admin, roles_of
from ddm.accounts.models import Organisation, RoleKind
from ddm.investment.models import Submission
from ddm.places.models import Place


def can_view_submission(user: Visitor, submission: Submission) -> bool:
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
        if role.kind == RoleKind.HUB and role.zone is not None and _in_zone(org, role.zone):
            return True
    return False


def _in_zone(org: Organisation, zone: Place) -> bool:
    municipality = org.municipality  # None without a query when unset
    if municipality is None:
        # National bodies and parastatals reach every zone; a provincial body only its province's.
        return org.province_id in (None, zone.province_id)
    return municipality.pk == zone.pk or municipality.parent_id == zone.pk


def visible_submissions(user: Visitor, queryset: QuerySet[Submission]) -> Iterable[Submission]:
    """The submissions of ``queryset`` the user may see (checked per row for coordinators)."""
    if is_admin(user):
        return queryset
    return [s for s in queryset.select_related("organisation__municipality") if can_view_submission(user, s)]
