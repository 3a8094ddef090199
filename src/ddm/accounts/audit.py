"""Who did it when nobody signed in: a command-line action is recorded as the operating-system user.

Every ``ddm`` command runs with :func:`record_cli_actions` active: history rows written without an
explicit user (simple-history asks the "request" for its user) name a user ``cli+<os user>@<host>``,
created on first use, inactive and without a usable password (it can never sign in; it only names
who ran the command). ``--user`` on a command still records that user instead.
"""

import getpass
import socket

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from ddm.accounts.access import Visitor

CLI_PREFIX = "cli+"


def cli_username() -> str:
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # no user database entry (e.g. an arbitrary container uid)
        name = "unknown"
    return f"{CLI_PREFIX}{name}@{socket.gethostname()}"[:150]


def cli_user() -> User:
    """The user standing for whoever runs this command on this machine."""
    user, created = get_user_model().objects.get_or_create(
        username=cli_username(), defaults={"is_active": False, "first_name": "command line"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def is_cli_user(user: Visitor) -> bool:
    """Is this the stand-in of a command-line operator (inactive, no usable password, cli+ name)?"""
    return (user is not None and getattr(user, "pk", None) is not None and not user.is_active
            and user.username.startswith(CLI_PREFIX) and not user.has_usable_password())


class _CommandLine:
    """Stands where simple-history looks for the signed-in request's user; resolved only when a history
    row is written (so commands that migrate an empty database work)."""

    @cached_property
    def user(self) -> User:
        return cli_user()


def record_cli_actions() -> None:
    HistoricalRecords.context.request = _CommandLine()


def stop_recording_cli_actions() -> None:
    if isinstance(getattr(HistoricalRecords.context, "request", None), _CommandLine):
        del HistoricalRecords.context.request
