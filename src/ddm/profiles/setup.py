"""`ddm setup` steps of the profiles app: reference data (always) and demo data (unless --no-demo)."""


def load_reference(echo):
    """Load or refresh this app's reference data; idempotent."""


def load_demo(echo):
    """Load this app's demo data; idempotent."""
