"""Explicit access checks. Every view and API call goes through these helpers.

Reading public pages needs no login. Writing needs a role whose scope covers the object:
- administrator (or Django superuser): everything;
- provincial coordinator: places in their province, and organisations of that province;
- hub member: their zone and its municipalities;
- submitter: their organisation's own data;
- organisation approver: submits for their organisation and approves its submissions;
- consolidator: submits for the government organisations in its scope (its province's departments
  and municipalities; every government organisation when it has no province);
- viewer: reads what is public, writes nothing.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from ddm.accounts.models import GOVERNMENT_SPHERES, Organisation, Role, RoleKind, Sphere
from ddm.places.models import Level, Place

# request.user: a signed-in user or AnonymousUser (the helpers answer False / no roles for the latter). Any, because
# roles_of caches the roles on the user object, which neither django-stubs class declares.
Visitor = Any


def roles_of(user: Visitor) -> list[Role]:
    if not getattr(user, "is_authenticated", False):
        return []
    cached = getattr(user, "_ddm_roles", None)
    if cached is None:
        cached = list(Role.objects.filter(user=user).select_related("province", "zone", "organisation"))
        user._ddm_roles = cached
    return cached


def is_admin(user: Visitor) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or any(r.kind == RoleKind.ADMIN for r in roles_of(user))


def _zone_of(place: Place) -> Place | None:
    if place.level == Level.ZONE:
        return place
    if place.level in (Level.MUNICIPALITY, Level.WARD) and place.parent is not None:
        return _zone_of(place.parent)
    return None


def _province_id_of(place: Place) -> int | None:
    return place.province_id or (place.pk if place.level == Level.PROVINCE else None)


def can_coordinate_place(user: Visitor, place: Place) -> bool:
    """Admin, the province's coordinator, or a hub member of the zone containing the place."""
    if is_admin(user):
        return True
    zone = _zone_of(place)
    for role in roles_of(user):
        if role.kind == RoleKind.PROVINCIAL and role.province_id == _province_id_of(place):
            return True
        if role.kind == RoleKind.HUB and zone is not None and role.zone_id == zone.pk:
            return True
    return False


ORGANISATION_ROLES = (RoleKind.SUBMITTER, RoleKind.APPROVER)


def can_submit_for(user: Visitor, organisation: Organisation) -> bool:
    """May the user change this organisation's projects and budgets?"""
    if is_admin(user):
        return True
    return any((r.kind in ORGANISATION_ROLES and r.organisation_id == organisation.pk)
               or (r.kind == RoleKind.CONSOLIDATOR and _consolidates(r, organisation)) for r in roles_of(user))


def organisation_province_id(organisation: Organisation) -> int | None:
    """The province of a provincial organisation, or of a municipality (through its place)."""
    if organisation.province_id:
        return organisation.province_id
    municipality = organisation.municipality
    return _province_id_of(municipality) if municipality is not None else None


def can_approve_for(user: Visitor, organisation: Organisation) -> bool:
    """May the user approve (publish) or return this organisation's submissions?

    The organisation's approvers; for provincial and municipal organisations the coordinator of
    their province; administrators (DCoG) for everyone, and alone for national bodies,
    parastatals and companies."""
    if is_admin(user):
        return True
    roles = roles_of(user)
    if any(r.kind == RoleKind.APPROVER and r.organisation_id == organisation.pk for r in roles):
        return True
    if organisation.sphere not in (Sphere.PROVINCIAL, Sphere.LOCAL):
        return False
    province_id = organisation_province_id(organisation)
    return province_id is not None and any(
        r.kind == RoleKind.PROVINCIAL and r.province_id == province_id for r in roles)


def _consolidates(role: Role, organisation: Organisation) -> bool:
    """A consolidator's scope: its province's government organisations, or all of them."""
    if organisation.sphere not in GOVERNMENT_SPHERES:
        return False
    return role.province_id is None or organisation_province_id(organisation) == role.province_id


def organisations_for(user: Visitor) -> QuerySet[Organisation]:
    """Organisations the user may submit for (all of them for an administrator)."""
    if is_admin(user):
        return Organisation.objects.all()
    roles = roles_of(user)
    ids = [r.organisation_id for r in roles if r.kind in ORGANISATION_ROLES and r.organisation_id is not None]
    found = Organisation.objects.filter(pk__in=ids)
    for role in roles:
        if role.kind == RoleKind.CONSOLIDATOR:
            scope = Organisation.objects.government()
            found = found | (scope if role.province_id is None else scope.filter(province_id=role.province_id))
    return found.distinct()


def require_login(request: HttpRequest) -> None:
    """Refuses a visitor who has not signed in: SignInFirstMiddleware turns this into the sign-in redirect."""
    if not request.user.is_authenticated:
        raise PermissionDenied("Sign in to make changes.")


def require_permission(request: HttpRequest, allowed: Callable[[Visitor], bool], refusal: str) -> None:
    """Refuses a visitor who has not signed in, then a user for whom allowed(user) is false, with the refusal."""
    require_login(request)
    if not allowed(request.user):
        raise PermissionDenied(refusal)


def require_coordinator(request: HttpRequest, place: Place) -> None:
    """Refuses a user who does not coordinate the place's zone (admin, provincial coordinator, hub member)."""
    require_permission(request, lambda user: can_coordinate_place(user, place),
                       f"You have no role covering {place.code} {place.display_name}.")


def get_zone_for_user(request: HttpRequest, code: str, write: bool = False) -> Place:
    """The zone with this MDB code; with write=True the user must coordinate it."""
    zone = get_object_or_404(Place.objects.zones(), code=code.upper())
    if write:
        require_coordinator(request, zone)
    return zone
