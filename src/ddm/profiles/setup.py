"""`ddm setup` steps of the profiles app: reference data (always) and demo data (unless --no-demo)."""

from collections.abc import Callable

from ddm.profiles import loader


def load_reference(echo: Callable[[str], None]) -> None:
    """Load or refresh the packaged Stats SA indicators (skipped when unchanged); idempotent."""
    loader.load(echo)


def load_demo(echo: Callable[[str], None]) -> None:
    """Profiles have no demo data: every figure comes from the packaged sources."""
