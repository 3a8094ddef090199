"""`ddm setup` steps of the accounts app: reference organisations."""

from collections.abc import Callable

from ddm.accounts import demo, registry


def load_reference(echo: Callable[[str], None]) -> None:
    count = registry.load_organisations()
    echo(f"organisations: {count} reference organisations (departments 2019-20, municipalities)")


def load_demo(echo: Callable[[str], None]) -> None:
    """One demo account per role, except under production settings (then `ddm createadmin`)."""
    try:
        echo(f"demo accounts: {len(demo.create_accounts())}, one per role (listed at the end)")
    except demo.DemoAccountsRefused as exc:
        echo(f"demo accounts: none ({exc})")
