import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from ddm.accounts.access import can_coordinate_place, can_submit_for, get_zone_for_user
from ddm.accounts.models import Role, RoleKind
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_hub_member_coordinates_only_their_zone(make_user, zone):
    member = make_user("hub", RoleKind.HUB, zone=zone("DC15"))
    assert can_coordinate_place(member, zone("DC15"))
    assert can_coordinate_place(member, Place.objects.municipalities().get(code="EC157"))
    assert not can_coordinate_place(member, zone("DC36"))
    assert not can_coordinate_place(member, Place.objects.provinces().get(code="EC"))


def test_provincial_coordinator_covers_their_province(make_user, zone):
    coordinator = make_user("coord", RoleKind.PROVINCIAL, province=Place.objects.provinces().get(code="KZN"))
    assert can_coordinate_place(coordinator, zone("ETH"))
    assert not can_coordinate_place(coordinator, zone("DC15"))


def test_submitter_writes_only_for_their_organisation(make_user, organisation):
    submitter = make_user("sub", RoleKind.SUBMITTER, organisation=organisation("ETH"))
    assert can_submit_for(submitter, organisation("ETH"))
    assert not can_submit_for(submitter, organisation("nat-health"))


def test_get_zone_for_user_refuses_writes_outside_scope(make_user, zone):
    viewer = make_user("viewer", RoleKind.VIEWER)
    assert get_zone_for_user(_request(viewer), "dc15").code == "DC15"
    with pytest.raises(PermissionDenied):
        get_zone_for_user(_request(viewer), "DC15", write=True)
    admin = make_user("admin", RoleKind.ADMIN)
    assert get_zone_for_user(_request(admin), "DC15", write=True).code == "DC15"


def test_role_scope_is_validated(make_user, zone):
    from django.core.exceptions import ValidationError

    user = make_user("x")
    with pytest.raises(ValidationError):
        Role(user=user, kind=RoleKind.HUB).clean()
    with pytest.raises(ValidationError):
        Role(user=user, kind=RoleKind.VIEWER, zone=zone("DC15")).clean()
