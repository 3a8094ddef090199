"""Background imports (django-tasks): uploads beyond a small preview run in the `db_worker` process.

Both kinds of file (projects and budgets, quarterly progress: ``reader``) go this way.
The web process reads an uploaded file itself only when it is small (INLINE_MAX_BYTES, a preview's
worth: about a thousand rows); anything bigger is read and imported by the job worker, a separate
process with the read limits of ddm.tabular, which can be killed, and is restarted by `ddm serve`,
without harming the web server. The web page shows the submission's progress
(pipeline.read_progress) and refreshes until done; the API answers 202 and the client polls.
"""

from collections.abc import Callable

from django.db.models import Q
from django_tasks import task

from ddm.accounts.access import can_submit_for
from ddm.investment import quantum
from ddm.investment.intake.consolidated import run_consolidated
from ddm.investment.intake.pipeline import fail_abandoned, run_import
from ddm.investment.models import BudgetLine, ConsolidatedUpload, Location, ProgressReport, Project, Submission
from ddm.investment.progress import import_progress
from ddm.places.models import Place

INLINE_MAX_BYTES = 64 * 1024


def runs_inline(size: int) -> bool:
    """Whether a file of ``size`` bytes is small enough to be read in the web process."""
    return size <= INLINE_MAX_BYTES


@task()
def run_submission(submission_id: int) -> int:
    """Run a pending submission (created by the upload page with its source file)."""
    fail_abandoned()  # an earlier job of a worker that died is reported failed, not left "running"
    submission = Submission.objects.select_related("organisation", "user").get(pk=submission_id)
    run_now(submission)
    if not submission.dry_run:
        warm_zone_pages(submission)
        warm_national_pages()
    return submission_id


@task()
def check_consolidated(upload_id: int) -> int:
    """Check a consolidated file uploaded on the web: one preview per organisation (nothing written)."""
    fail_abandoned()
    check_consolidated_now(upload_id)
    return upload_id


def check_consolidated_now(upload_id: int) -> None:
    upload = ConsolidatedUpload.objects.select_related("user").get(pk=upload_id)
    ConsolidatedUpload.objects.filter(pk=upload.pk).update(status="running")
    try:
        with upload.source_file.open("rb") as handle:
            result = run_consolidated(handle, upload.user, "upload", dry_run=True, accept_valid=upload.accept_valid,
                                      sheet=upload.sheet or None, filename=upload.filename,
                                      may_submit=lambda organisation: can_submit_for(upload.user, organisation))
    except Exception:
        ConsolidatedUpload.objects.filter(pk=upload.pk).update(status="failed")
        raise
    Submission.objects.filter(pk__in=[s.pk for s in result.submissions]).update(consolidated=upload)
    upload.errors, upload.found = result.errors, result.found
    upload.status = "refused" if result.errors else "checked"
    upload.save(update_fields=["errors", "found", "status"])


def start_consolidated(upload: ConsolidatedUpload) -> bool:
    """Check now if the file is small, else enqueue; returns True if it runs in the background."""
    if not runs_inline(upload.source_file.size):
        check_consolidated.enqueue(upload.pk)
        return True
    check_consolidated_now(upload.pk)
    return False


def warm_zone_pages(submission: Submission) -> None:
    """After an import, the worker (not the next visitor) renders the investment page of every zone holding a
    project, budget line or progress report the import wrote (default calendar and view; up to a second each
    for a metro on a national register), shared through ddm.caching. Only a head start: a page not warmed,
    or asked for before the worker gets to it, is computed by its first visitor as before."""
    from ddm.investment import views  # views -> review -> this module

    written = (Q(project_id__in=Project.objects.filter(submission=submission).values("pk"))
               | Q(project_id__in=BudgetLine.objects.filter(submission=submission).values("project_id"))
               | Q(project_id__in=ProgressReport.objects.filter(submission=submission).values("project_id")))
    zones = Location.objects.filter(written, zone__isnull=False).values("zone_id")
    for zone in Place.objects.zones().select_related("province").filter(pk__in=zones).order_by("code"):
        views.zone_body(zone)


def warm_national_pages() -> None:
    """After an import, the worker (not the next visitor) adds up the national ranking and the unmapped
    count (seconds on a national register), shared through ddm.caching."""
    quantum.shared_national_ranking()
    quantum.shared_unmapped_count()


def start(submission: Submission) -> bool:
    """Run now if the file is small, else enqueue; returns True if it ran in the background."""
    size = submission.source_file.size if submission.source_file else 0
    if not runs_inline(size):
        run_submission.enqueue(submission.pk)
        return True
    run_now(submission)
    return False


def reader(content: str) -> Callable[..., Submission]:
    """The importer of a kind of file: projects and budgets (the pipeline) or quarterly progress."""
    return import_progress if content == "progress" else run_import


def run_now(submission: Submission) -> None:
    """Read a pending submission's kept file in this process, with the importer of its content."""
    reader(submission.content)(submission.source_file, submission.organisation, submission.user, submission.channel,
                               dry_run=submission.dry_run, accept_valid=submission.accept_valid,
                               sheet=submission.sheet or None, submission=submission)


@task()
def submit_submission(submission_id: int, publish: bool = False) -> int:
    """The API's intake of a large file, in the worker: check it and submit it for review, or with
    ``publish`` write it at once (review.submit_file, as for a small file during the request)."""
    from ddm.investment import review  # review starts jobs through this module

    fail_abandoned()
    submission = Submission.objects.select_related("organisation", "user").get(pk=submission_id)
    review.submit_file(None, submission.organisation, submission.user, submission.channel,
                       accept_valid=submission.accept_valid, sheet=submission.sheet or None, publish=publish,
                       submission=submission)
    if publish:
        warm_zone_pages(submission)
        warm_national_pages()
    return submission_id
