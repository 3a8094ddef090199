"""ddm.jobs: a file job's handler runs in the worker; an internal error or a dead process ends the job
"failed" with a plain note (the traceback goes to the log, never to the page)."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ddm.jobs import runner
from ddm.jobs.models import FileJob
from ddm.jobs.progress import progress_path

pytestmark = pytest.mark.django_db


@pytest.fixture
def handlers(monkeypatch):
    monkeypatch.setattr(runner, "HANDLERS", {})
    return runner.HANDLERS


def test_a_job_keeps_the_file_and_runs_its_handler_in_the_worker(handlers):
    seen = []
    runner.register("echo", lambda job, handle: seen.append(handle.read()) or {"rows": 2, "nan": float("nan")})
    job = runner.start("echo", SimpleUploadedFile("../../etc/x.csv", b"a,b\n1,2\n"), None, {"n": 1})
    assert job.filename == "x.csv" and job.status == "pending" and not seen  # the request only enqueued it
    runner.run_now(job.pk)
    job.refresh_from_db()
    assert seen == [b"a,b\n1,2\n"] and job.status == "done" and job.result == {"rows": 2, "nan": "nan"}
    assert job.finished is not None and job.history.count() == 3  # created, file kept, done
    runner.run_now(job.pk)  # a second delivery of the task does nothing
    assert seen == [b"a,b\n1,2\n"]


def test_an_internal_error_fails_the_job_with_a_plain_note(handlers, caplog):
    def broken(job, handle):
        raise ZeroDivisionError("boom")

    runner.register("broken", broken)
    job = runner.start("broken", SimpleUploadedFile("a.csv", b"x"), None, {})
    with pytest.raises(ZeroDivisionError):
        runner.run_now(job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.note == runner.FAILED_NOTE and "boom" not in job.note
    assert "boom" in caplog.text  # for the operator
    assert not progress_path(f"job-{job.pk}").exists()


def test_a_job_whose_process_died_is_reported_failed(handlers, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    job = FileJob.objects.create(kind="x", filename="a.csv", status="running")
    path = progress_path(f"job-{job.pk}")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"done": 0, "pid": 2 ** 22 + 7, "host": __import__("socket").gethostname()}))
    assert runner.fail_abandoned() == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.note == runner.ABANDONED_NOTE and not path.exists()


def test_an_unknown_kind_is_refused_before_anything_is_kept(handlers):
    with pytest.raises(LookupError):
        runner.start("nothing", io.BytesIO(b"x"), None, {})
    assert not FileJob.objects.exists()
