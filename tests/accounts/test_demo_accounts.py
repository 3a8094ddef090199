"""One demo account per role with generated passwords; none under production settings (#12)."""

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate, get_user_model
from django.http import HttpRequest

from ddm.accounts import demo
from ddm.accounts.access import is_admin, roles_of
from ddm.bootstrap import run_setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_file(settings, tmp_path):
    settings.DDM_DEMO_ACCOUNTS = True
    settings.DDM_DEMO_ACCOUNTS_FILE = tmp_path / "demo-accounts.json"
    return settings.DDM_DEMO_ACCOUNTS_FILE


def test_one_account_per_role_with_generated_passwords_printed_again(demo_file):
    rows = demo.create_accounts()
    assert [r[0] for r in rows] == ["demo-admin", "demo-coordinator", "demo-hub", "demo-submitter", "demo-signer",
                                    "demo-public"]
    assert len({r[2] for r in rows}) == 6 and all(len(r[2]) >= 12 for r in rows)
    for username, _purpose, password in rows:
        assert authenticate(HttpRequest(), username=username, password=password) is not None
    assert is_admin(get_user_model().objects.get(username="demo-admin"))
    signer = get_user_model().objects.get(username="demo-signer")
    assert [r.organisation.code for r in roles_of(signer)] == ["DC15"]
    assert roles_of(get_user_model().objects.get(username="demo-public")) == []
    assert oct(demo_file.stat().st_mode & 0o777) == "0o600"
    assert demo.create_accounts() == rows  # set-up again keeps the passwords
    from ddm.cli import cli

    printed = CliRunner().invoke(cli, ["demo-accounts"])
    assert printed.exit_code == 0 and all(r[2] in printed.output for r in rows)


def test_production_settings_refuse_and_no_demo_creates_none(settings, demo_file):
    settings.DDM_DEMO_ACCOUNTS = False
    with pytest.raises(demo.DemoAccountsRefused):
        demo.create_accounts()
    messages = []
    from ddm.accounts.setup import load_demo

    load_demo(messages.append)
    assert "none" in messages[0] and not get_user_model().objects.filter(username__startswith="demo-").exists()
    settings.DDM_DEMO_ACCOUNTS = True
    run_setup(messages.append, demo=False, migrate=False)
    assert not get_user_model().objects.filter(username__startswith="demo-").exists()
