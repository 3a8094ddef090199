"""`ddm setup` steps of the places app: the MDB 2020 place registry."""

from collections.abc import Callable

from ddm.places import CURRENT_DEMARCATION, registry


def load_reference(echo: Callable[[str], None]) -> None:
    if registry.is_loaded():
        echo("places: already loaded")
        return
    count = registry.load_places()
    echo(f"places: loaded {count} places (MDB {CURRENT_DEMARCATION} demarcation)")


def load_demo(echo: Callable[[str], None]) -> None:

    """The place registry has no demo data."""
