"""`ddm createadmin` and who may use the Django admin to manage users and their scoped roles."""

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from ddm.accounts.access import is_admin
from ddm.accounts.models import Role, RoleKind
from ddm.cli import cli

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-admin-password-77"


def createadmin(*args, env=None):
    return CliRunner().invoke(cli, ["createadmin", *args], env=env or {})


def test_createadmin_creates_a_superuser_with_the_admin_role():
    result = createadmin("--username", "root", "--email", "r@example.org", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    assert "administrator root created" in result.stderr
    user = get_user_model().objects.get(username="root")
    assert user.is_superuser and user.is_staff and user.check_password(PASSWORD)
    assert Role.objects.filter(user=user, kind=RoleKind.ADMIN).exists() and is_admin(user)


def test_createadmin_reads_the_password_from_the_environment():
    result = createadmin("--username", "envadmin", env={"DDM_ADMIN_PASSWORD": PASSWORD})
    assert result.exit_code == 0, result.output
    assert get_user_model().objects.get(username="envadmin").check_password(PASSWORD)


def test_createadmin_refuses_a_duplicate_and_a_weak_password():
    assert createadmin("--username", "dup", "--password", PASSWORD).exit_code == 0
    again = createadmin("--username", "dup", "--password", PASSWORD)
    assert again.exit_code == 1 and "already exists" in again.stderr
    weak = createadmin("--username", "weak", "--password", "123")
    assert weak.exit_code == 1 and "Traceback" not in weak.output
    assert not get_user_model().objects.filter(username="weak").exists()


def test_anonymous_and_role_holders_without_staff_cannot_use_the_admin(client, client_for, zone):
    assert client.get("/admin/").status_code == 302
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    response = hub.get("/admin/auth/user/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_public_pages_need_no_login(client):
    assert client.get("/").status_code == 200
    assert client.get("/zones/DC15/").status_code == 200
    assert client.get("/api/zones").status_code == 200


def test_the_administrator_manages_users_and_their_scopes_in_the_admin(client, zone):
    createadmin("--username", "boss", "--password", PASSWORD)
    assert client.login(request=HttpRequest(), username="boss", password=PASSWORD)
    member = get_user_model().objects.create_user("member", password=PASSWORD)
    page = client.get(f"/admin/auth/user/{member.pk}/change/")
    assert page.status_code == 200 and "Hub member" in page.content.decode()  # the role inline

    form = {
        "username": "member", "password": member.password, "is_active": "on", "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00", "ddm_roles-TOTAL_FORMS": "1", "ddm_roles-INITIAL_FORMS": "0",
        "ddm_roles-MIN_NUM_FORMS": "0", "ddm_roles-MAX_NUM_FORMS": "1000",
        "ddm_roles-0-kind": RoleKind.HUB, "ddm_roles-0-zone": zone("DC15").pk, "ddm_roles-0-user": member.pk,
    }
    response = client.post(f"/admin/auth/user/{member.pk}/change/", form)
    errors = response.context and ([response.context["adminform"].form.errors]
                                   + [f.errors for f in response.context["inline_admin_formsets"][0].formset.forms])
    assert response.status_code == 302, errors
    role = Role.objects.get(user=member)
    assert (role.kind, role.zone.code) == (RoleKind.HUB, "DC15")
