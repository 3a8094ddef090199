"""`ddm setup` steps of the accounts app: reference organisations."""

from ddm.accounts import registry


def load_reference(echo):
    count = registry.load_organisations()
    echo(f"organisations: {count} reference organisations (departments 2019-20, municipalities)")


def load_demo(echo):
    """Demo users are not created: `ddm createadmin` makes the first administrator."""
