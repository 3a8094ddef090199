"""ddm.documents: the one list of attachable types, checked by extension and content, and the download answer."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from ddm import documents
from ddm.jobs.progress import progress_path
from document_samples import ACCEPTED, HOSTILE, PDF


@pytest.mark.parametrize("name", list(ACCEPTED))
def test_each_accepted_type_passes_and_is_named_by_its_type(name):
    data, content_type = ACCEPTED[name]
    upload = SimpleUploadedFile(name, data)
    assert documents.check_document(upload).content_type == content_type
    assert upload.tell() == 0  # the check leaves the file at its start, ready to be stored


@pytest.mark.parametrize("name", list(HOSTILE))
def test_each_hostile_file_is_refused_naming_the_file_and_the_reason(name):
    data, words = HOSTILE[name]
    with pytest.raises(documents.DocumentRefused) as refused:
        documents.check_document(SimpleUploadedFile(name, data))
    message = str(refused.value)
    assert message.startswith(f"{name}: ")
    for word in words:
        assert word in message


def test_a_file_over_the_limit_is_refused_and_one_at_the_limit_passes(settings):
    settings.DDM_MAX_UPLOAD_BYTES = len(PDF)
    assert documents.check_document(SimpleUploadedFile("plan.pdf", PDF))
    with pytest.raises(documents.DocumentRefused, match=rf"^big\.pdf: the file is {len(PDF) + 1:,} bytes, larger "
                                                        rf"than the limit of {len(PDF):,} bytes\.$"):
        documents.check_document(SimpleUploadedFile("big.pdf", PDF + b"x"))
    with pytest.raises(documents.DocumentRefused, match=r"2\.0 MB, larger than the limit of 1\.0 MB"):
        documents.check_document(SimpleUploadedFile("big.pdf", PDF + b"x" * (2 * 1048576 - len(PDF))), 1048576)


def test_a_text_csv_in_windows_1252_passes_but_one_starting_with_markup_does_not():
    assert documents.check_document(SimpleUploadedFile("posts.csv", "Café,Rand\n1,2\n".encode("cp1252")))
    with pytest.raises(documents.DocumentRefused, match="markup"):
        documents.check_document(SimpleUploadedFile("posts.csv", b"  <?xml version='1.0'?><a/>"))


@pytest.mark.parametrize(("title", "extension", "expected"), [
    ("Vision workshop", ".pdf", "Vision workshop.pdf"),
    ("plan.PDF", ".pdf", "plan.pdf"),  # the extension is not doubled
    ('../../etc/passwd"\r\nX-Evil: 1', ".csv", "etc_passwd_X-Evil_ 1.csv"),
    ("Ümgeni – draft (v2)", ".docx", "Umgeni _ draft _v2.docx"),
    ("...", ".png", "document.png"),
    ("a" * 300, ".xlsx", "a" * 100 + ".xlsx"),
])
def test_safe_filename_keeps_letters_digits_space_dot_dash_only(title, extension, expected):
    assert documents.safe_filename(title, extension) == expected


def test_download_response_is_an_attachment_of_the_right_type_never_rendered(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = default_storage.save("docs/plan.pdf", ContentFile(PDF))
    response = documents.download_response(default_storage.open(stored), 'Draft "One" Plan')
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Draft _One_ Plan.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_a_stored_file_of_a_type_no_longer_accepted_is_served_as_plain_bytes(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = default_storage.save("docs/old.doc", ContentFile(b"\xd0\xcf\x11\xe0"))
    response = documents.download_response(default_storage.open(stored), "Old plan")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == 'attachment; filename="Old plan.doc"'


def test_tests_never_write_uploads_to_var_media(settings):
    """tests/conftest.py points MEDIA_ROOT (and VAR_DIR: progress files) at a temporary directory for the session."""
    checkout_var = (Path(__file__).resolve().parents[2] / "var").as_posix()
    assert "var/media" not in str(settings.MEDIA_ROOT).replace("\\", "/")
    assert default_storage.location == str(settings.MEDIA_ROOT)
    stored = default_storage.save("check/written.txt", ContentFile(b"x"))
    assert not Path(default_storage.path(stored)).as_posix().startswith(checkout_var)
    assert not progress_path("job-1").as_posix().startswith(checkout_var)
