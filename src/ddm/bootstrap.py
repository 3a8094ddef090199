"""Set-up shared by `ddm setup`, `make run`, `make test` and the test suite's database fixture."""

from collections.abc import Callable

from django.core.management import call_command

from ddm import caching
from ddm.accounts import demo as accounts_demo
from ddm.accounts import setup as accounts_setup
from ddm.alignment import setup as alignment_setup
from ddm.capacity import setup as capacity_setup
from ddm.engagement import setup as engagement_setup
from ddm.facilities import setup as facilities_setup
from ddm.investment import setup as investment_setup
from ddm.investment import summary
from ddm.oneplan import setup as oneplan_setup
from ddm.places import setup as places_setup
from ddm.profiles import setup as profiles_setup

# Dependency order: a later step may use what an earlier one loaded.
STEPS = [
    ("places", places_setup),
    ("accounts", accounts_setup),
    ("facilities", facilities_setup),
    ("investment", investment_setup),
    ("profiles", profiles_setup),
    ("alignment", alignment_setup),
    ("oneplan", oneplan_setup),
    ("capacity", capacity_setup),
    ("engagement", engagement_setup),
]


Echo = Callable[[str], None]  # where set-up says what it did (a line to stderr, or print)


def load_reference(echo: Echo) -> None:
    for _name, step in STEPS:
        step.load_reference(echo)


def load_demo(echo: Echo) -> None:
    for _name, step in STEPS:
        step.load_demo(echo)


def run_setup(echo: Echo, demo: bool = True, migrate: bool = True) -> None:
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
        caching.create_table()  # when DDM_CACHE_URL=db://
        echo("database: migrated")
    load_reference(echo)
    if demo:
        load_demo(echo)
        _print_demo_accounts(echo)
    echo(f"zone summary: {summary.refresh_all()} zones added up")  # demo data was partly written in bulk
    caching.bump()  # places, organisations and demo data were written in bulk


def _print_demo_accounts(echo: Echo) -> None:

    try:
        accounts_demo.print_accounts(accounts_demo.stored_accounts(), echo)
    except accounts_demo.DemoAccountsRefused:
        pass  # production settings: load_demo already said none were created
