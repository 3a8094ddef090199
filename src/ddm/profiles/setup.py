"""`ddm setup` steps of the profiles app: reference data (always) and demo data (unless --no-demo)."""

from ddm.profiles import loader


def load_reference(echo):
    """Load or refresh the packaged Stats SA indicators (skipped when unchanged); idempotent."""
    loader.load(echo)


def load_demo(echo):
    """Profiles have no demo data: every figure comes from the packaged sources."""
