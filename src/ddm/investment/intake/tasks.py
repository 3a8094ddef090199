"""Background imports (django-tasks): large uploads run in the `db_worker` process.

The web page shows the submission's progress (pipeline.read_progress) and refreshes until done.
"""

from django_tasks import task

from ddm.investment import quantum
from ddm.investment.intake.pipeline import fail_abandoned, run_import
from ddm.investment.models import Submission

# Files above this size run in the background; smaller ones are imported during the request.
INLINE_MAX_BYTES = 512 * 1024


@task()
def run_submission(submission_id):
    """Run a pending submission (created by the upload page with its source file)."""
    fail_abandoned()  # an earlier job of a worker that died is reported failed, not left "running"
    submission = Submission.objects.select_related("organisation", "user").get(pk=submission_id)
    run_import(submission.source_file, submission.organisation, submission.user, submission.channel,
               dry_run=submission.dry_run, accept_valid=submission.accept_valid, sheet=submission.sheet or None,
               submission=submission)
    if not submission.dry_run:
        warm_national_pages()
    return submission_id


def warm_national_pages():
    """After an import, the worker (not the next visitor) adds up the national ranking and the unmapped
    count (seconds on a national register), shared through ddm.caching."""
    quantum.shared_national_ranking()
    quantum.shared_unmapped_count()


def start(submission):
    """Run now if the file is small, else enqueue; returns True if it ran in the background."""
    size = submission.source_file.size if submission.source_file else 0
    if size > INLINE_MAX_BYTES:
        run_submission.enqueue(submission.pk)
        return True
    run_import(submission.source_file, submission.organisation, submission.user, submission.channel,
               dry_run=submission.dry_run, accept_valid=submission.accept_valid, sheet=submission.sheet or None,
               submission=submission)
    return False
