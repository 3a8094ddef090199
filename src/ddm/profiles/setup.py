"""`ddm setup` steps of the profiles app: reference data (always) and demo data (unless --no-demo)."""


def load_reference(echo):
    """Load or refresh the packaged Stats SA indicators (skipped when unchanged); idempotent."""
    from ddm.profiles import loader

    loader.load(echo)


def load_demo(echo):
    """Profiles have no demo data: every figure comes from the packaged sources."""
