"""One Plan phase documents (issue #15): the shared allowlist on upload, and an access-checked download
(the links used to point at /media/, which nothing serves)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from ddm.accounts.models import RoleKind
from ddm.oneplan import workflow
from ddm.oneplan.models import PhaseDocument, PhaseKind
from document_samples import ACCEPTED, HOSTILE, PDF

pytestmark = pytest.mark.django_db

ATTACH = "/oneplan/zones/DC15/phases/vision/documents/"


@pytest.fixture
def editor(client_for, zone, plan):
    return client_for(RoleKind.HUB, zone=zone("DC15"))


def _attach(client, name, data, title="Vision workshop report"):
    return client.post(ATTACH, {"title": title, "file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_each_accepted_type_round_trips_through_upload_and_download(editor, name):
    data, content_type = ACCEPTED[name]
    assert _attach(editor, name, data).status_code == 302
    document = PhaseDocument.objects.get()
    url = f"/oneplan/zones/DC15/documents/{document.pk}/"
    page = editor.get("/oneplan/zones/DC15/").content.decode()
    assert url in page and "/media/" not in page
    response = Client().get(url)  # One Plans are public: a visitor downloads too
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == content_type
    extension = name[name.rindex("."):].lower()
    assert response["Content-Disposition"] == f'attachment; filename="Vision workshop report{extension}"'
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_file_is_refused_on_the_form_naming_it(editor, name):
    data, words = HOSTILE[name]
    response = _attach(editor, name, data)
    assert response.status_code == 200  # the form again, with the reason
    assert not PhaseDocument.objects.exists()
    errors = " ".join(response.context["form"].errors["file"])
    assert errors.startswith(f"{name}: ")
    for word in words:
        assert word in errors


def test_the_service_refuses_what_the_form_refuses(version, hub):
    """The API and the command line reach add_document without the form."""
    data, _words = HOSTILE["minutes.docx"]
    with pytest.raises(workflow.WorkflowError, match=r"^minutes\.docx: .*macros"):
        workflow.add_document(version.phase(PhaseKind.VISION), hub, "Minutes", SimpleUploadedFile("minutes.docx", data))
    assert not PhaseDocument.objects.exists()


def test_an_oversized_document_is_refused_by_the_site_limit(editor, settings):
    settings.DDM_MAX_UPLOAD_BYTES = 1000
    response = _attach(editor, "plan.pdf", PDF + b"x" * 1000)
    assert "larger than the limit of 1,000 bytes" in " ".join(response.context["form"].errors["file"])


@pytest.fixture
def document(version, hub):
    return workflow.add_document(version.phase(PhaseKind.VISION), hub, "Vision workshop",
                                 SimpleUploadedFile("vision.pdf", PDF))


def test_the_api_gives_the_download_address(document):
    found = Client().get("/api/zones/DC15/oneplan").json()
    listed = [d for phase in found["phases"] for d in phase["documents"]]
    assert listed == [{"title": "Vision workshop", "url": f"/oneplan/zones/DC15/documents/{document.pk}/"}]


def test_a_document_of_another_zone_is_not_found_through_this_zone(document, zone, admin):
    workflow.start_plan(zone("DC36"), admin)
    assert Client().get(f"/oneplan/zones/DC36/documents/{document.pk}/").status_code == 404
    assert Client().get(f"/oneplan/zones/DC15/documents/{document.pk + 1}/").status_code == 404


def test_a_post_is_not_a_download_and_a_lost_file_is_a_404(document, editor):
    url = f"/oneplan/zones/DC15/documents/{document.pk}/"
    assert editor.post(url).status_code == 405
    document.file.storage.delete(document.file.name)
    assert Client().get(url).status_code == 404

