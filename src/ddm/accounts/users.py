"""User management for administrators and provincial coordinators: invite, assign and remove scoped roles.

A coordinator manages hub members, submitters and viewers within their own province; only an
administrator grants administrator or coordinator roles. Every change is kept in the role history.
"""

from typing import Unpack

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from ddm.accounts.access import Visitor, is_admin, roles_of
from ddm.accounts.models import Organisation, Role, RoleKind, RoleScope
from ddm.places.models import Place

COORDINATOR_GRANTS = (RoleKind.HUB, RoleKind.SUBMITTER, RoleKind.VIEWER)


def coordinated_provinces(user: Visitor) -> list[Place]:
    return [r.province for r in roles_of(user) if r.kind == RoleKind.PROVINCIAL and r.province is not None]


def can_manage_users(user: Visitor) -> bool:
    return is_admin(user) or bool(coordinated_provinces(user))


def require_manager(user: Visitor) -> None:
    if not can_manage_users(user):
        raise PermissionDenied("Only national administrators and provincial coordinators manage users and roles.")


def grantable_kinds(user: Visitor) -> list[RoleKind]:
    if is_admin(user):
        return list(RoleKind)
    return list(COORDINATOR_GRANTS) if coordinated_provinces(user) else []


def _province_scope(provinces: list[Place]) -> Q:
    """Roles inside these provinces: their coordinators, their zones' hub members, their organisations."""
    return Q(province__in=provinces) | Q(zone__province__in=provinces) | Q(organisation__province__in=provinces)


def visible_users(user: Visitor) -> QuerySet[User]:
    """Users the manager may see: everyone for an administrator; for a coordinator, users holding a role in
    their province, and users with no role yet (to give them one)."""
    require_manager(user)
    users = get_user_model().objects.order_by("username").prefetch_related(
        "ddm_roles__province", "ddm_roles__zone", "ddm_roles__organisation__province")
    if is_admin(user):
        return users
    in_scope = Role.objects.filter(_province_scope(coordinated_provinces(user))).values("user_id")
    return users.filter(Q(pk__in=in_scope) | Q(ddm_roles__isnull=True)).distinct()


def check_grant(manager: Visitor, role: Role) -> None:
    """Raise PermissionDenied unless the manager may grant (or remove) this role; ValidationError if malformed."""
    require_manager(manager)
    if role.kind not in grantable_kinds(manager):
        raise PermissionDenied(f"A provincial coordinator does not grant the role '{role.get_kind_display()}': "
                               "ask a national administrator.")
    if is_admin(manager):
        return
    provinces = {p.pk for p in coordinated_provinces(manager)}
    province_id = role.zone.province_id if role.zone else getattr(role.organisation, "province_id", None)
    if role.kind != RoleKind.VIEWER and province_id not in provinces:
        raise PermissionDenied(f"{role.zone or role.organisation} is outside your province.")


@transaction.atomic
def grant(manager: Visitor, user: User, kind: str, province: Place | None = None, zone: Place | None = None,
          organisation: Organisation | None = None) -> Role:
    role = Role(user=user, kind=kind, province=province, zone=zone, organisation=organisation)
    role.clean()
    check_grant(manager, role)
    if Role.objects.filter(user=user, kind=kind, province=province, zone=zone, organisation=organisation).exists():
        raise ValidationError(f"{user.get_username()} already holds the role {role}.")
    role.save()
    return role


@transaction.atomic
def revoke(manager: Visitor, role: Role) -> None:
    check_grant(manager, role)
    role.delete()


@transaction.atomic
def invite(manager: Visitor, username: str, full_name: str, email: str, kind: str,
           **scope: Unpack[RoleScope]) -> tuple[User, str]:
    """Create the user with no usable password and the role; the returned link lets them choose a password."""
    require_manager(manager)
    User = get_user_model()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(f"The username {username} is taken.")
    first, _, last = full_name.strip().partition(" ")
    user = User.objects.create_user(username=username, email=email, first_name=first[:150], last_name=last[:150])
    user.set_unusable_password()
    user.save()
    grant(manager, user, kind, **scope)
    return user, set_password_path(user)


def set_password_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("password_set", args=[uid, default_token_generator.make_token(user)])
