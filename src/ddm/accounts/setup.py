"""`ddm setup` steps of the accounts app: reference organisations."""

from ddm.accounts import demo, registry


def load_reference(echo):
    count = registry.load_organisations()
    echo(f"organisations: {count} reference organisations (departments 2019-20, municipalities)")


def load_demo(echo):
    """One demo account per role, except under production settings (then `ddm createadmin`)."""
    try:
        echo(f"demo accounts: {len(demo.create_accounts())}, one per role (listed at the end)")
    except demo.DemoAccountsRefused as exc:
        echo(f"demo accounts: none ({exc})")
