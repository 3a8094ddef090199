"""Administrators and provincial coordinators invite users and give scoped roles, within their scope (#12)."""

import pytest

from ddm.accounts.models import Role, RoleKind
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(db):
    return lambda code: Place.objects.provinces().get(code=code)


def test_only_managers_see_the_page(client_for, zone):
    assert client_for(RoleKind.HUB, zone=zone("DC15")).get("/accounts/users/").status_code == 403
    assert client_for(RoleKind.ADMIN).get("/accounts/users/").status_code == 200


def test_coordinator_invites_a_submitter_in_the_province_only(client_for, organisation, zone, place):
    coordinator = client_for(RoleKind.PROVINCIAL, province=place("EC"))
    response = coordinator.post("/accounts/users/", {"username": "nmokoena", "full_name": "N Mokoena",
                                                     "email": "", "kind": "submitter",
                                                     "organisation": "Health (Eastern Cape)"})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="invite-link"' in html and "/accounts/set-password/" in html
    role = Role.objects.get(user__username="nmokoena")
    assert (role.kind, role.organisation.code) == ("submitter", "ec-health")
    link = html.split("<code>")[1].split("</code>")[0].replace("http://testserver", "")
    form = coordinator.__class__().get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    outside = coordinator.post("/accounts/users/", {"username": "x", "full_name": "X", "kind": "submitter",
                                                    "organisation": "Health (Western Cape)"})
    assert "outside your province" in outside.content.decode()
    admin_grant = coordinator.post("/accounts/users/", {"username": "y", "full_name": "Y", "kind": "admin"})
    assert "valid choice" in admin_grant.content.decode()
    assert not Role.objects.filter(user__username__in=["x", "y"]).exists()


def test_coordinator_sees_only_their_province_users(client_for, place, zone):
    coordinator = client_for(RoleKind.PROVINCIAL, province=place("EC"))
    mine = client_for(RoleKind.HUB, zone=zone("DC15")).user
    theirs = client_for(RoleKind.HUB, zone=zone("DC36")).user
    html = coordinator.get("/accounts/users/").content.decode()
    assert mine.username in html and f">{theirs.username}<" not in html
    assert coordinator.get(f"/accounts/users/{theirs.pk}/").status_code == 404
    role = mine.ddm_roles.get()
    assert coordinator.post(f"/accounts/users/{mine.pk}/roles/{role.pk}/remove/").status_code == 302
    assert not mine.ddm_roles.exists()
