"""Account operations shared by the CLI and the admin."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from ddm.accounts.models import Role, RoleKind


@transaction.atomic
def create_admin(username, email, password):
    User = get_user_model()
    if not username:
        raise ValueError("a username is needed")
    if User.objects.filter(username=username).exists():
        raise ValueError(f"user {username!r} already exists")
    try:
        validate_password(password)
    except ValidationError as exc:
        raise ValueError(" ".join(exc.messages)) from exc
    user = User.objects.create_superuser(username=username, email=email, password=password)
    Role.objects.create(user=user, kind=RoleKind.ADMIN)
    return user
