"""`ddm setup` steps of the investment app: reference data (always) and demo data (unless --no-demo)."""

from collections.abc import Callable

from ddm.investment.intake.demo import load_budget_review_demo
from ddm.investment.pilots import load_pilots


def load_reference(echo: Callable[[str], None]) -> None:
    """Load or refresh this app's reference data; idempotent."""


def load_demo(echo: Callable[[str], None]) -> None:
    """Load this app's demo data; idempotent."""
    echo(f"investment: {load_pilots()} pilot lines (eThekwini, Waterberg; O.R. Tambo published total only)")

    load_budget_review_demo(echo)
    from ddm.investment import demo_delivery

    demo_delivery.load(echo)
