"""Issue #15 (9): every change names who made it: command-line imports, bulk updates, roles and staff."""

import getpass

import pytest
from click.testing import CliRunner

from ddm.accounts.models import Role, RoleKind
from ddm.cli import cli
from ddm.investment.models import BudgetLine, Project, Submission

pytestmark = pytest.mark.django_db


def test_a_command_line_import_without_user_records_the_operating_system_user(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("Project ID;Project;Financial year;Amount\nA1;Road;2020/21;100\n")
    result = CliRunner().invoke(cli, ["import", "projects", str(path), "--organisation", "EC157", "--publish"])
    assert result.exit_code == 0, result.output
    submission = Submission.objects.filter(dry_run=False).exclude(projects=None).get()
    assert submission.user.username.startswith(f"cli+{getpass.getuser()}@")
    assert not submission.user.is_active and not submission.user.has_usable_password()
    project = Project.objects.get(reference="A1")
    assert project.history.get().history_user == submission.user
    assert BudgetLine.history.filter(project_id=project.pk).get().history_user == submission.user


def test_the_command_line_context_ends_with_the_command(tmp_path):
    from simple_history.models import HistoricalRecords

    CliRunner().invoke(cli, ["import", "projects", str(tmp_path / "none.csv"), "--organisation", "EC157"])
    assert getattr(HistoricalRecords.context, "request", None) is None  # nothing leaks past a command


def test_role_and_staff_changes_are_in_the_history(make_user):
    user = make_user("clerk")
    user.is_staff = True
    user.save()
    assert user.history.filter(is_staff=True).exists()
    assert "password" not in {f.name for f in user.history.model._meta.fields}
    role = Role.objects.create(user=user, kind=RoleKind.ADMIN)
    assert role.history.filter(history_type="+").exists()
