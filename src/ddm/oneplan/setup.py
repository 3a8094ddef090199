"""`ddm setup` steps of the oneplan app: reference data (always) and demo data (unless --no-demo)."""

from ddm.oneplan.demo import load


def load_reference(echo):
    """No reference data: the default focal areas and phases are created with each plan."""


def load_demo(echo):
    """Demo One Plans of the three pilots (ETH adopted, DC15 in adoption, DC36 in strategy); idempotent."""
    load(echo)
