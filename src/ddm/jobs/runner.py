"""Running file jobs in the job worker (django-tasks, the ``db_worker`` process of ``ddm serve``).

The web process only keeps the uploaded file and enqueues ``run_file_job``; the worker opens the file
(through the app's importer and ``ddm.tabular``, whose sandbox reads every workbook in a limited
child process) and stores the importer's report on the job. The upload page shows the job's status,
refreshing until it is done, then the report.
"""

import logging
import os
from collections.abc import Callable
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django_tasks import task

from ddm.jobs.models import FileJob, JobStatus
from ddm.jobs.progress import clear_progress, process_alive, write_progress
from ddm.jobs.reports import finite_json

logger = logging.getLogger("ddm.jobs")

Handler = Callable[[FileJob, IO[bytes]], dict[str, Any]]
HANDLERS: dict[str, Handler] = {}

FAILED_NOTE = ("the import stopped on an internal error; nothing was written. The error is in the server's log: "
               "tell the administrator the job number")
ABANDONED_NOTE = ("the job's process stopped (killed, crashed or the server restarted) before it finished; "
                  "nothing of it was written: upload the file again")


def register(kind: str, handler: Handler) -> None:
    """Apps hand their importer down at start-up (AppConfig.ready): ``handler(job, file) -> report``."""
    HANDLERS[kind] = handler


def start(kind: str, upload: UploadedFile, user: Any, params: dict[str, Any]) -> FileJob:
    """Keep the uploaded file as a job of ``kind`` and enqueue it; the web process does not read it."""
    if kind not in HANDLERS:
        raise LookupError(f"no importer is registered for {kind} files")
    filename = os.path.basename(upload.name or "")[:255] or "upload"
    job = FileJob.objects.create(kind=kind, user=user if getattr(user, "pk", None) else None, filename=filename,
                                 params=params)
    job.source_file.save(filename, upload, save=True)
    run_file_job.enqueue(job.pk)
    return job


def _progress_name(job_id: int) -> str:
    return f"job-{job_id}"


@task()
def run_file_job(job_id: int) -> int:
    fail_abandoned()  # a job of a worker that died is reported failed, not left "running"
    run_now(job_id)
    return job_id


def run_now(job_id: int) -> None:
    """Run a pending job here (the worker); a job already taken by another worker is left alone."""
    name = _progress_name(job_id)
    if not FileJob.objects.filter(pk=job_id, status=JobStatus.PENDING).exists():
        return
    write_progress(name)  # names this process first, so fail_abandoned can tell a live job from a dead one
    if not FileJob.objects.filter(pk=job_id, status=JobStatus.PENDING).update(status=JobStatus.RUNNING):
        return  # another worker took it in the meantime (its process is named in the file now too: both live)
    job = FileJob.objects.select_related("user").get(pk=job_id)
    try:
        with job.source_file.open("rb") as handle:
            report = HANDLERS[job.kind](job, handle)
    except Exception:
        logger.exception("file job %s (%s, %s) stopped on an internal error", job.pk, job.kind, job.filename)
        _finish(job, JobStatus.FAILED, {}, FAILED_NOTE)
        raise  # the task's own result keeps the traceback for operators
    finally:
        clear_progress(name)
    _finish(job, JobStatus.DONE, report)


def _finish(job: FileJob, status: str, report: dict[str, Any], note: str = "") -> None:
    job.status, job.result, job.note, job.finished = status, finite_json(report), note, timezone.now()
    job.save(update_fields=["status", "result", "note", "finished"])


def fail_abandoned(jobs: list[FileJob] | None = None) -> int:
    """Mark running jobs whose process is gone as failed; returns how many (before each job and when a
    running job's page is shown). A dead job wrote nothing: importers write in one final transaction."""
    queryset = FileJob.objects.filter(status=JobStatus.RUNNING)
    if jobs is not None:
        queryset = queryset.filter(pk__in=[job.pk for job in jobs])
    dead = [pk for pk in queryset.values_list("pk", flat=True) if not process_alive(_progress_name(pk))]
    for job in FileJob.objects.filter(pk__in=dead, status=JobStatus.RUNNING):
        _finish(job, JobStatus.FAILED, {}, ABANDONED_NOTE)
        clear_progress(_progress_name(job.pk))
    return len(dead)
