"""One clearly labelled demo account per role, for trying the app locally (`make run`).

Passwords are generated at set-up, kept in var/demo-accounts.json (readable by the owner only) so
`ddm demo-accounts` can print them again, and never created under production settings
(DDM_DEMO_ACCOUNTS is off unless DDM_DEBUG is on).
"""

import json
import secrets
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from ddm.accounts.models import Organisation, Role, RoleKind, RoleScope
from ddm.places.models import Place

# (username, purpose, password)
AccountRow = tuple[str, str, str]

# (username, what the account is for, role kind, scope)
ACCOUNTS: list[tuple[str, str, RoleKind | None, dict[str, str]]] = [
    ("demo-admin", "National administrator (DCoG)", RoleKind.ADMIN, {}),
    ("demo-coordinator", "Provincial coordinator, Eastern Cape", RoleKind.PROVINCIAL, {"province": "EC"}),
    ("demo-hub", "Hub member, DC15 O.R. Tambo", RoleKind.HUB, {"zone": "DC15"}),
    ("demo-submitter", "Department submitter, Health (Eastern Cape)", RoleKind.SUBMITTER,
     {"organisation": "ec-health"}),
    ("demo-signer", "Municipal signer, O.R. Tambo District Municipality", RoleKind.SUBMITTER,
     {"organisation": "DC15"}),
    ("demo-public", "Public: signed in with no role (reads public pages)", None, {}),
]


class DemoAccountsRefused(RuntimeError):
    pass


def _scope(scope: dict[str, str]) -> RoleScope:
    if "province" in scope:
        return {"province": Place.objects.provinces().get(code=scope["province"])}
    if "zone" in scope:
        return {"zone": Place.objects.zones().get(code=scope["zone"])}
    if "organisation" in scope:
        return {"organisation": Organisation.objects.get(code=scope["organisation"])}
    return {}


def _read_passwords() -> dict[str, str]:
    path = settings.DDM_DEMO_ACCOUNTS_FILE
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def _write_passwords(passwords: dict[str, str]) -> None:
    path = settings.DDM_DEMO_ACCOUNTS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(json.dumps(passwords, indent=1))


def refuse_in_production() -> None:
    if not settings.DDM_DEMO_ACCOUNTS:
        raise DemoAccountsRefused("demo accounts are not created under production settings "
                                  "(set DDM_DEBUG=1 or DDM_DEMO_ACCOUNTS=1 for a local demo)")


@transaction.atomic
def create_accounts() -> list[AccountRow]:
    """Create (or keep) the demo accounts; returns [(username, purpose, password)]."""
    refuse_in_production()
    User = get_user_model()
    passwords = _read_passwords()
    rows = []
    for username, purpose, kind, scope in ACCOUNTS:
        user, created = User.objects.get_or_create(username=username, defaults={
            "first_name": "Demo", "last_name": purpose[:150]})
        password = passwords.get(username)
        if created or not password or not user.check_password(password):
            password = f"{secrets.token_urlsafe(9)}-demo"
            user.set_password(password)
            user.save()
        passwords[username] = password
        if kind is not None:
            Role.objects.get_or_create(user=user, kind=kind, **_scope(scope))
        rows.append((username, purpose, password))
    _write_passwords(passwords)
    return rows


def stored_accounts() -> list[AccountRow]:
    """[(username, purpose, password)] of the demo accounts set up earlier (passwords as stored)."""
    refuse_in_production()
    passwords = _read_passwords()
    existing = set(get_user_model().objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list("username", flat=True))
    return [(username, purpose, passwords[username]) for username, purpose, _kind, _scope in ACCOUNTS
            if username in existing and username in passwords]


def print_accounts(rows: list[AccountRow], echo: Callable[[str], None]) -> None:
    echo("Demo accounts (local use only; sign in at /accounts/login/):")
    for username, purpose, password in rows:
        echo(f"  {username:<17} {password:<20} {purpose}")
    echo("Print them again with: ddm demo-accounts")
