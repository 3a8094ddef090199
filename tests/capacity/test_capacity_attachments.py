"""Hub attachments (issue #15): only documents of the shared allowlist are kept, and only the hub's
coordinators and the municipalities it serves download them, as safe attachments."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ddm.accounts.models import RoleKind
from ddm.capacity.models import Hub, PlanAttachment
from ddm.places.models import Place
from document_samples import ACCEPTED, HOSTILE, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def hub(zone):
    found = Hub.objects.create(name="O.R. Tambo hub")
    found.zones.set([zone("DC15")])
    return found


@pytest.fixture
def member(client_for, zone):
    return client_for(RoleKind.HUB, zone=zone("DC15"))


def _upload(client, hub, name, data, title="Business plan annex"):
    return client.post(f"/capacity/hubs/{hub.pk}/attachments/",
                       {"title": title, "file": SimpleUploadedFile(name, data)}, follow=True)


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_each_accepted_type_round_trips_with_its_bytes_and_safe_headers(member, hub, name):
    data, content_type = ACCEPTED[name]
    _upload(member, hub, name, data, title="Annex: water/roads")
    attachment = PlanAttachment.objects.get()
    assert attachment.size == len(data)
    response = member.get(f"/capacity/hubs/{hub.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == content_type
    extension = name[name.rindex("."):].lower()
    assert response["Content-Disposition"] == f'attachment; filename="Annex_ water_roads{extension}"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_file_is_refused_with_a_message_naming_it(member, hub, name):
    data, words = HOSTILE[name]
    response = _upload(member, hub, name, data)
    assert not PlanAttachment.objects.exists()
    shown = " ".join(str(m) for m in response.context["messages"])
    assert f"{name}: " in shown
    for word in words:
        assert word in shown


def test_an_oversized_file_is_refused(member, hub, settings):
    settings.DDM_MAX_UPLOAD_BYTES = 1000
    response = _upload(member, hub, "plan.pdf", PDF + b"x" * 1000)
    assert not PlanAttachment.objects.exists()
    assert "larger than the limit of 1,000 bytes" in " ".join(str(m) for m in response.context["messages"])


@pytest.fixture
def attachment(member, hub):
    _upload(member, hub, "plan.pdf", PDF)
    return PlanAttachment.objects.get()


def _place(code, level):
    return Place.objects.current().get(code=code, level=level)


READERS = [
    (RoleKind.ADMIN, {}),
    (RoleKind.PROVINCIAL, {"province": ("EC", "province")}),
    (RoleKind.HUB, {"zone": ("DC15", "zone")}),
    (RoleKind.SUBMITTER, {"organisation": "EC157"}),  # a local municipality the hub serves
    (RoleKind.APPROVER, {"organisation": "EC157"}),
    (RoleKind.SUBMITTER, {"organisation": "DC15"}),  # the district municipality itself
    (RoleKind.CONSOLIDATOR, {"province": ("EC", "province")}),  # submits for EC's municipalities
]
REFUSED = [
    (RoleKind.VIEWER, {}),
    (None, {}),
    (RoleKind.PROVINCIAL, {"province": ("KZN", "province")}),
    (RoleKind.HUB, {"zone": ("ETH", "zone")}),
    (RoleKind.SUBMITTER, {"organisation": "ec-health"}),  # a provincial department, not a municipality served
    (RoleKind.APPROVER, {"organisation": "DC36"}),  # a municipality of another zone
    (RoleKind.CONSOLIDATOR, {"province": ("KZN", "province")}),
]


def _client(client_for, organisation, kind, scope):
    found = {key: organisation(value) if key == "organisation" else _place(*value) for key, value in scope.items()}
    return client_for(kind, **found)


@pytest.mark.parametrize(("kind", "scope"), READERS)
def test_who_serves_or_is_served_by_the_hub_downloads(client_for, organisation, hub, attachment, kind, scope):
    client = _client(client_for, organisation, kind, scope)
    assert client.get(f"/capacity/hubs/{hub.pk}/attachments/{attachment.pk}/").status_code == 200
    page = client.get(f"/capacity/hubs/{hub.pk}/").content.decode()
    assert f"/capacity/hubs/{hub.pk}/attachments/{attachment.pk}/" in page


@pytest.mark.parametrize(("kind", "scope"), REFUSED)
def test_any_other_signed_in_user_is_refused_and_sees_no_link(client_for, organisation, hub, attachment, kind, scope):
    client = _client(client_for, organisation, kind, scope)
    assert client.get(f"/capacity/hubs/{hub.pk}/attachments/{attachment.pk}/").status_code == 403
    page = client.get(f"/capacity/hubs/{hub.pk}/").content.decode()
    assert f"/attachments/{attachment.pk}/" not in page and "1 attachment: opened by" in page


def test_a_visitor_is_sent_to_sign_in_and_a_post_is_not_a_download(hub, attachment, member):
    response = Client().get(f"/capacity/hubs/{hub.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert member.post(f"/capacity/hubs/{hub.pk}/attachments/{attachment.pk}/").status_code == 405


def test_an_attachment_of_another_hub_is_not_found_through_this_hub(client_for, member, hub, attachment, zone):
    other = Hub.objects.create(name="Waterberg hub")
    other.zones.set([zone("DC36")])
    assert member.get(f"/capacity/hubs/{other.pk}/attachments/{attachment.pk}/").status_code == 403  # not its hub
    admin = client_for(RoleKind.ADMIN)
    assert admin.get(f"/capacity/hubs/{other.pk}/attachments/{attachment.pk}/").status_code == 404


def test_a_file_missing_from_the_store_is_a_404_not_a_server_error(member, hub, attachment):
    attachment.file.storage.delete(attachment.file.name)
    assert member.get(f"/capacity/hubs/{hub.pk}/attachments/{attachment.pk}/").status_code == 404


def test_an_upload_says_it_was_kept_and_a_refused_form_says_nothing_was_saved(member, hub):
    response = _upload(member, hub, "annex.pdf", PDF, title="Annex A")
    assert "Attachment Annex A uploaded." in [str(m) for m in response.context["messages"]]
    kept = PlanAttachment.objects.get()
    assert (kept.hub, kept.size, kept.uploaded_by) == (hub, len(PDF), response.wsgi_request.user)
    response = _upload(member, hub, "annex.pdf", PDF, title="")
    shown = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("Attachment not saved: ") for m in shown), shown
    assert PlanAttachment.objects.count() == 1
