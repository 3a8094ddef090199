"""`ddm setup` steps of the facilities app: the packaged schools and health facilities register."""

from collections.abc import Callable

from ddm.facilities import register


def load_reference(echo: Callable[[str], None]) -> None:
    if register.is_loaded():
        echo("facilities: already loaded")
        return
    statuses = register.load()
    total = sum(statuses.values())
    echo(f"facilities: loaded {total} schools and health facilities; {statuses['located']} located in a "
         f"municipality, {statuses['outside']} with coordinates outside South Africa and {statuses['missing']} "
         "without usable coordinates kept and listed by `ddm report facilities --unplaced`")


def load_demo(echo: Callable[[str], None]) -> None:
    """The facilities register has no demo data."""
