"""`ddm setup` steps of the oneplan app: reference data (always) and demo data (unless --no-demo)."""

from collections.abc import Callable

from ddm.oneplan.demo import load


def load_reference(echo: Callable[[str], None]) -> None:
    """No reference data: the default focal areas and phases are created with each plan."""


def load_demo(echo: Callable[[str], None]) -> None:
    """Demo One Plans of the three pilots (ETH adopted, DC15 in adoption, DC36 in strategy); idempotent."""
    load(echo)
