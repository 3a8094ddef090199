"""The `ddm` console script: `ddm <noun> <verb>` or `ddm <verb>`.

Exit codes: 0 success, 1 a domain failure (bad input, not found), 2 a usage error.
User errors are one line on stderr, never a traceback.
"""

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click
import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ddm.settings")
django.setup()

from django.core.management import call_command
from django.db import DatabaseError

from ddm import backup as backups
from ddm import caching, server
from ddm import commands_support as support
from ddm.accounts import audit, demo
from ddm.accounts.services import create_admin
from ddm.alignment import commands as alignment_commands
from ddm.bootstrap import run_setup
from ddm.briefing import commands as briefing_commands
from ddm.capacity import commands as capacity_commands
from ddm.engagement import commands as engagement_commands
from ddm.facilities import commands as facilities_commands
from ddm.investment import commands as investment_commands
from ddm.oneplan import commands as oneplan_commands
from ddm.places import commands as places_commands
from ddm.profiles import commands as profiles_commands


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ddm-hub")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """DDM Hub: places, profiles, investment and One Plans of the 52 IGR Impact Zones."""
    audit.record_cli_actions()  # history names the operating-system user (or --user where given)
    ctx.call_on_close(audit.stop_recording_cli_actions)


@cli.group(name="import")
def import_group() -> None:
    """Import data files (projects, indicators, skills audits)."""


# Imports whose every bulk write renews the cache itself, precisely: the projects pipeline bumps the versions of
# the zones it changed (and saves of its bookkeeping send signals), so a command-line import, like an upload,
# leaves the other zones' pages cached.
SELF_RENEWING_IMPORTS = {"projects"}


@import_group.result_callback()
def _imported(*_args: object, **_kwargs: object) -> None:
    if click.get_current_context().invoked_subcommand not in SELF_RENEWING_IMPORTS:
        caching.bump()  # bulk writes send no signals: cached pages in every process must not show the old data


@cli.group(name="report")
def report_group() -> None:
    """Reports over the register (quantum, alignment, skills)."""


@cli.command()
@click.option("--no-demo", is_flag=True, help="Load reference data only, no demo data.")
def setup(no_demo: bool) -> None:
    """Migrate the database and load reference (and demo) data. Safe to run again."""
    run_setup(support.echo_err, demo=not no_demo)


@cli.command()
@click.option("--addr", default="127.0.0.1:8000", show_default=True, help="Address and port to serve on.")
@click.option("--no-worker", is_flag=True, help="Do not start the background job worker.")
@click.option("--production", is_flag=True,
              help="Serve with gunicorn (DDM_WEB_WORKERS processes x DDM_WEB_THREADS threads, access log).")
@click.option("--check-deploy", is_flag=True, help="Refuse to start unless Django's deployment checks pass.")
def serve(addr: str, no_worker: bool, production: bool, check_deploy: bool) -> None:
    """Serve the app and run background jobs; stopping it (SIGTERM, Ctrl-C) stops both."""
    if check_deploy and not server.check_deploy():
        support.fail("deployment checks failed (see above); not starting")
    sys.exit(server.serve(addr, production=production, worker=not no_worker, log=support.echo_err))


@cli.command()
def worker() -> None:
    """Run background jobs (imports) in this process alone; start as many as you like, on any node."""
    server.run_worker()


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
def backup(file: str) -> None:
    """Write the whole database to FILE (PostgreSQL: pg_dump custom format; SQLite: a copy)."""
    _backup_step(backups.backup, file, f"backup written to {file}")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: replace the database.")
def restore(file: str, yes: bool) -> None:
    """Replace the whole database by a backup FILE written by `ddm backup` (all or nothing)."""
    if not yes:
        click.confirm(f"Replace every record of the database by {file}?", abort=True)
    _backup_step(backups.restore, file,
                 f"restored from {file}; run `ddm setup --no-demo` if the backup is from an older version")


def _backup_step(step: Callable[[str], Path | None], file: str, done: str) -> None:
    """Runs backups.backup or backups.restore on FILE: its BackupError is the command's error, else says done."""
    try:
        step(file)
    except backups.BackupError as exc:
        support.fail(str(exc))
    support.echo_err(done)


@cli.command()
@click.option("--deploy", is_flag=True, help="Also Django's deployment checks; fail on any warning.")
def check(deploy: bool) -> None:
    """Run Django's system checks (settings, models, URLs)."""
    if deploy:
        if not server.check_deploy():
            support.fail("deployment checks failed")
        return
    call_command("check", fail_level="ERROR")


@cli.command()
@click.option("--username", prompt=True)
@click.option("--email", default="", help="Optional e-mail address.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="DDM_ADMIN_PASSWORD", help="Or set DDM_ADMIN_PASSWORD.")
def createadmin(username: str, email: str, password: str) -> None:
    """Create a national administrator (a Django superuser with the administrator role)."""
    try:
        create_admin(username, email, password)
    except ValueError as exc:
        support.fail(str(exc))
    support.echo_err(f"administrator {username} created")


@cli.command("demo-accounts")
def demo_accounts() -> None:
    """Print the demo accounts (one per role) and their passwords, as created by `ddm setup`."""
    try:
        rows = demo.stored_accounts()
    except demo.DemoAccountsRefused as exc:
        support.fail(str(exc))
    if not rows:
        support.fail("no demo accounts: run `ddm setup` (with DDM_DEBUG=1, as `make run` does) first")
    demo.print_accounts(rows, click.echo)


for _module in (places_commands, investment_commands, profiles_commands, alignment_commands,
                oneplan_commands, capacity_commands, engagement_commands, facilities_commands,
                briefing_commands):
    _module.register(cli, import_group, report_group)


def main() -> None:

    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        sys.exit(130)
    except DatabaseError as exc:
        # Not set up, locked by another writer past the timeout, or unreachable: say so in one line.
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        support.echo_err(f"Error: database: {first_line} (has `ddm setup` been run? is DATABASE_URL right?)")
        sys.exit(1)


if __name__ == "__main__":
    main()
