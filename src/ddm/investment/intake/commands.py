"""`ddm import projects` and `ddm organisations` (registered by ddm.investment.commands).

`ddm import projects FILE --organisation ORG [--sheet S] [--dry-run] [--accept-valid] [--publish]
[--json] [--rejected-out rejected.xlsx] [--user USERNAME] [--years start|end]
[--unit rand|thousand|million|billion] [--consolidated]`: checks the file and submits it for
review (status "submitted": nothing is published until approved, see ddm.investment.review),
or publishes it at once with --publish (the organisation's approvers, its coordinator and
administrators; without --user the command-line operator counts as administrator) or when the
organisation publishes on submit. Exit 0 when submitted or written (or, with --dry-run, when the
file would be accepted), 1 when rejected or refused; errors one per line on stderr as
"file:sheet:row:column: value — reason". --json prints the submission (see
ddm.investment.intake.results.submission_json for the shape) on stdout.

With --consolidated (instead of --organisation) each row names its organisation (an Organisation or
Department column, a Province column as context): one submission per organisation, all or nothing;
--json then prints {"errors", "submissions": [submission]}.

`ddm submissions list [--status S] [--organisation ORG] [--json]`, `ddm submissions approve ID
[--user U] [--comment TEXT]`, `ddm submissions return ID --comment TEXT [--row "12: text" ...]
[--user U]`: the review queue and its decisions (exit 1 when the step does not apply).

`ddm organisations [--json] [--sphere S]` lists code, name, sphere, kind, province;
JSON: [{"code", "name", "sphere", "kind", "province", "fy_start_month", "aliases"}].
`ddm organisations add --code C --name N --sphere S --kind K [--province P] [--fy-start-month M]
[--alias A ...]` adds a parastatal, company or other submitter.
"""

import io
from pathlib import Path
from typing import Any

import click
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from ddm.accounts.access import can_submit_for
from ddm.accounts.audit import cli_user
from ddm.accounts.models import Organisation
from ddm.accounts.services import find_organisation
from ddm.commands_support import echo_err, echo_json, fail
from ddm.investment import completeness, review
from ddm.investment.intake.consolidated import run_consolidated
from ddm.investment.intake.options import StatedOptions
from ddm.investment.intake.pipeline import run_import
from ddm.investment.intake.results import issue_line, rejected_xlsx, submission_json, summary_lines
from ddm.investment.intake.rows import parse_unit_option
from ddm.investment.models import Submission
from ddm.investment.progress import ParseError, current_quarter_end, parse_quarter
from ddm.investment.progress import import_progress as run
from ddm.investment.review import submit_file
from ddm.places.models import Place

MAX_LISTED = 200


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    import_group.add_command(import_projects)
    import_group.add_command(import_progress)
    report_group.add_command(report_completeness)
    cli.add_command(organisations)
    cli.add_command(submissions)


@click.command("projects")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--organisation", "-o", "organisation",
              help="Code, exact name or alias (e.g. nat-water-and-sanitation, \"Water and Sanitation\", DWS).")
@click.option("--consolidated", is_flag=True,
              help="One file for many organisations: each row's organisation from its Organisation (or "
                   "Department) column, with its Province column as context; one submission each.")
@click.option("--sheet", help="Only this sheet (default: every sheet with a header row).")
@click.option("--dry-run", is_flag=True, help="Validate and count; write nothing.")
@click.option("--accept-valid", is_flag=True, help="Write the valid rows even if some rows have errors.")
@click.option("--json", "as_json", is_flag=True, help="Print the submission as JSON on stdout.")
@click.option("--rejected-out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rejected rows (with an errors column) to this XLSX.")
@click.option("--publish", is_flag=True, help="Publish at once, recorded as approved by the user "
              "(approvers, coordinators and administrators); default: submit for review.")
@click.option("--user", "username", help="Record this user as the submitter (history shows them).")
@click.option("--years", type=click.Choice(["start", "end"]),
              help="What a bare year such as 2019 means in this file: start (2019/20) or end (2018/19). "
                   "Remembered for the organisation.")
@click.option("--unit", help="The unit of every amount (rand, thousand, million, billion), overriding the file's.")
def import_projects(file: Path, organisation: str | None, consolidated: bool, sheet: str | None, dry_run: bool,
                    accept_valid: bool, publish: bool, as_json: bool, rejected_out: Path | None, username: str | None,
                    years: str | None, unit: str | None) -> None:
    """Import projects and budgets from a CSV/XLSX/XLS/ODS file for one organisation."""
    if not file.exists():
        fail(f"{file}: no such file")

    if unit is not None:
        try:
            parse_unit_option(unit)
        except ValueError as exc:
            fail(str(exc))
    if consolidated:
        if organisation:
            raise click.UsageError("--consolidated reads each row's organisation from the file: leave out --organisation")
        _import_consolidated(file, sheet, dry_run, accept_valid, publish, as_json, username,
                             {"years": years, "unit": unit})
        return
    if not organisation:
        raise click.UsageError("give --organisation (or --consolidated for a file naming an organisation on each row)")
    org = _organisation(organisation)
    user = _user(username, org)
    reporter = _Progress() if not as_json else None
    options: StatedOptions = {"years": years, "unit": unit}
    if dry_run:
        submission = run_import(file, org, user, "cli", dry_run=True, accept_valid=accept_valid, sheet=sheet,
                                progress=reporter, filename=file.name, options=options)
    else:
        try:
            submission = submit_file(file, org, user, "cli", accept_valid=accept_valid, sheet=sheet,
                                     filename=file.name, publish=publish, progress=reporter, options=options)
        except PermissionDenied as exc:
            fail(str(exc))
    for issue in submission.errors[:MAX_LISTED]:
        echo_err(issue_line(issue))
    if len(submission.errors) > MAX_LISTED:
        echo_err(f"... and {len(submission.errors) - MAX_LISTED} more errors (see --json)")
    if rejected_out and submission.rejected_rows:
        rejected_out.write_bytes(rejected_xlsx(submission))
        echo_err(f"rejected rows written to {rejected_out}")
    if as_json:
        echo_json(submission_json(submission))
    else:
        for line in summary_lines(submission):
            echo_err(line)
    if submission.status in ("rejected", "failed"):
        raise SystemExit(1)


def _import_consolidated(file: Path, sheet: str | None, dry_run: bool, accept_valid: bool, publish: bool, as_json: bool,
                         username: str | None, options: StatedOptions) -> None:
    user = _user(username, None)
    # the command-line operator (no --user) may submit for anyone, as for a single organisation's file
    may_submit = (lambda org: can_submit_for(user, org)) if username else None

    # Each organisation's part is submitted (or published) as its own file.
    def write(part: io.BytesIO, organisation: Organisation) -> Submission:
        return submit_file(part, organisation, user, "cli", accept_valid=accept_valid, filename=part.name,
                           publish=publish, options=options)

    try:
        result = run_consolidated(file, user, "cli", dry_run=dry_run, accept_valid=accept_valid, sheet=sheet,
                                  filename=file.name, options=options, may_submit=may_submit, write=write)
    except PermissionDenied as exc:
        fail(str(exc))
    for error in result.errors[:MAX_LISTED]:
        echo_err(error)
    for submission in result.submissions:
        for issue in submission.errors[:MAX_LISTED]:
            echo_err(issue_line(issue))
        if not as_json:
            for line in summary_lines(submission):
                echo_err(line)
    if as_json:
        echo_json({"errors": result.errors, "submissions": [submission_json(s) for s in result.submissions]})
    if result.refused and not accept_valid:
        echo_err("nothing was written for any organisation")
    if result.refused:
        raise SystemExit(1)


class _Progress:
    """Periodic progress lines on stderr for long files (the pipeline reports per chunk)."""

    def __init__(self) -> None:
        self.last = 0

    def __call__(self, done: int, total: int | None) -> None:
        if ((total or 0) > 5000 and done - self.last >= 5000) or (total and done >= total and self.last):
            self.last = done
            echo_err(f"  {done:,} / {total:,} rows" if total else f"  {done:,} rows")


def _organisation(text: str) -> Organisation:
    try:
        return find_organisation(text)
    except LookupError as exc:
        fail(str(exc).strip('"'))


def _user(username: str | None, organisation: Organisation | None) -> User:
    if not username:
        return cli_user()  # the operating-system user: a command-line import is never anonymous

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fail(f"no user {username!r}")
    if organisation is not None and not can_submit_for(user, organisation):
        fail(f"{username} may not submit for {organisation.name} ({organisation.code})")
    return user


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON on stdout.")
@click.option("--sphere", type=click.Choice(["national", "provincial", "local", "parastatal", "private"]))
@click.pass_context
def organisations(ctx: click.Context, as_json: bool, sphere: str | None) -> None:
    """List organisations (code, name, sphere, kind, province); `add` adds one."""
    if ctx.invoked_subcommand is not None:
        return

    queryset = Organisation.objects.select_related("province").order_by("sphere", "code")
    if sphere:
        queryset = queryset.filter(sphere=sphere)
    rows = [{"code": o.code, "name": o.name, "sphere": o.sphere, "kind": o.kind,
             "province": o.province.code if o.province is not None else None, "fy_start_month": o.fy_start_month,
             "aliases": o.aliases} for o in queryset]
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        click.echo(f"{row['code']:<48} {row['sphere']:<11} {row['kind']:<14} {row['province'] or '':<4} {row['name']}")


@organisations.command("add")
@click.option("--code", required=True, help="Stable code, e.g. sanral (lower case, digits, hyphens).")
@click.option("--name", required=True)
@click.option("--sphere", required=True, type=click.Choice(["national", "provincial", "local", "parastatal", "private"]))
@click.option("--kind", required=True, type=click.Choice(["department", "municipality", "public_entity", "company"]))
@click.option("--province", help="Province code (EC, FS, GT, KZN, LIM, MP, NC, NW, WC) for provincial ones.")
@click.option("--fy-start-month", type=click.IntRange(1, 12), default=4, show_default=True,
              help="First month of its financial year.")
@click.option("--alias", "aliases", multiple=True, help="Former or informal name (repeatable).")
@click.option("--json", "as_json", is_flag=True)
def add_organisation(code: str, name: str, sphere: str, kind: str, province: str | None, fy_start_month: int,
                     aliases: tuple[str, ...], as_json: bool) -> None:
    """Add an organisation (a parastatal, company or other submitter)."""
    if Organisation.objects.filter(code__iexact=code).exists():
        fail(f"an organisation with code {code!r} already exists")
    place = None
    if province:
        place = Place.objects.provinces().filter(code=province.upper()).first()
        if place is None:
            fail(f"no province {province!r}")
    org = Organisation(code=code, name=name, sphere=sphere, kind=kind, province=place,
                       fy_start_month=fy_start_month, aliases=list(aliases))
    try:
        org.full_clean()
    except ValidationError as exc:
        fail("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
    org.save()
    if as_json:
        echo_json({"code": org.code, "name": org.name, "sphere": org.sphere, "kind": org.kind,
                   "province": province.upper() if province else None, "fy_start_month": org.fy_start_month,
                   "aliases": org.aliases})
    else:
        echo_err(f"organisation {org.code} added: {org.name} ({org.get_sphere_display()})")


def _reviewer(username: str | None) -> User | None:
    if not username:
        return None  # the command-line operator

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fail(f"no user {username!r}")
    return user


def _submission(submission_id: int) -> Submission:
    found = Submission.objects.select_related("organisation", "user").filter(pk=submission_id).first()
    if found is None:
        fail(f"no submission {submission_id}")
    return found


@click.group()
def submissions() -> None:
    """The review queue: list submissions, approve or return them."""


@submissions.command("list")
@click.option("--status", default="submitted", show_default=True,
              help="submitted, returned, approved, committed, preview, rejected, ... or 'all'.")
@click.option("--organisation", "-o", "organisation", help="Only this organisation's.")
@click.option("--limit", type=click.IntRange(1, 10000), default=200, show_default=True)
@click.option("--json", "as_json", is_flag=True)
def list_submissions(status: str, organisation: str | None, limit: int, as_json: bool) -> None:
    """Submissions (newest first): id, status, organisation, file, user, what the file changes."""
    queryset = Submission.objects.select_related("organisation", "user").order_by("-created")
    if status != "all":
        queryset = queryset.filter(status=status)
    if organisation:
        queryset = queryset.filter(organisation=_organisation(organisation))
    rows = list(queryset[:limit])
    if as_json:
        echo_json([submission_json(s) for s in rows])
        return
    for s in rows:
        counts = (s.diff or {}).get("counts", {})
        click.echo(f"{s.pk:>6} {s.status:<10} {s.organisation.code:<40} {s.filename[:40]:<40} "
                   f"{s.user.username if s.user is not None else '-':<16} +{counts.get('added', 0)} ~{counts.get('changed', 0)}")


def _decision(action: str, submission_id: int, username: str | None, **kwargs: Any) -> Submission:
    submission = _submission(submission_id)
    user = _reviewer(username)
    try:
        return getattr(review, action)(submission, user, **kwargs)
    except PermissionDenied as exc:
        fail(str(exc))
    except review.ReviewError as exc:
        fail(" ".join(exc.messages))


@submissions.command("approve")
@click.argument("submission_id", type=int)
@click.option("--comment", default="", help="Recorded with the approval.")
@click.option("--user", "username", help="The approving user (default: the command-line operator).")
@click.option("--json", "as_json", is_flag=True, help="Print the commit (the submission that wrote the file).")
def approve_submission(submission_id: int, comment: str, username: str | None, as_json: bool) -> None:
    """Approve a submission: its file is written to the register and counts in public totals."""
    def run(commit: Submission) -> None:
        run_import(commit.source_file, commit.organisation, commit.user, commit.channel,
                   accept_valid=commit.accept_valid, sheet=commit.sheet or None, submission=commit)

    commit = _decision("approve", submission_id, username, comment=comment, run=run)
    if as_json:
        echo_json(submission_json(commit))
    else:
        echo_err(f"submission {submission_id} approved; written as submission {commit.pk}")
        for line in summary_lines(commit):
            echo_err(line)
    if commit.status in ("rejected", "failed"):
        raise SystemExit(1)


@submissions.command("return")
@click.argument("submission_id", type=int)
@click.option("--comment", required=True, help="Why it is returned (shown to the submitter).")
@click.option("--row", "rows", multiple=True, help='A comment on a row or project: "12: amount doubled", '
              '"Sheet1!12: ...", "REF-001: wrong place" (repeatable).')
@click.option("--user", "username", help="The reviewing user (default: the command-line operator).")
def return_submission(submission_id: int, comment: str, rows: tuple[str, ...], username: str | None) -> None:
    """Return a submission to its submitter with comments."""
    try:
        row_comments = review.parse_row_comments("\n".join(rows))
    except review.ReviewError as exc:
        fail(" ".join(exc.messages))
    _decision("return_submission", submission_id, username, comment=comment, row_comments=row_comments)
    echo_err(f"submission {submission_id} returned")


@click.command("progress")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--organisation", "-o", "organisation", required=True, help="Code, exact name or alias.")
@click.option("--sheet", help="Only this sheet.")
@click.option("--dry-run", is_flag=True, help="Validate; write nothing.")
@click.option("--accept-valid", is_flag=True, help="Write the valid rows even if some rows have errors.")
@click.option("--publish", is_flag=True, help="Publish at once, recorded as approved by the user "
              "(approvers, coordinators and administrators); default: submit for review.")
@click.option("--json", "as_json", is_flag=True, help="Print the submission as JSON on stdout.")
@click.option("--user", "username", help="Record this user as the reporter (history shows them).")
def import_progress(file: Path, organisation: str, sheet: str | None, dry_run: bool, accept_valid: bool, publish: bool,
                    as_json: bool, username: str | None) -> None:
    """Import quarterly progress (reference, quarter, stage, progress %, expenditure to date) for one
    organisation's registered projects; budget lines are never changed. Like a budget file it is
    submitted for review (published when approved), unless --publish or the organisation publishes on submit."""
    if not file.exists():
        fail(f"{file}: no such file")
    org = _organisation(organisation)
    user = _user(username, org)
    if dry_run:
        submission = run(file, org, user, "cli", filename=file.name, dry_run=True, accept_valid=accept_valid,
                         sheet=sheet)
    else:
        try:
            submission = submit_file(file, org, user, "cli", accept_valid=accept_valid, sheet=sheet,
                                     filename=file.name, publish=publish, content="progress")
        except PermissionDenied as exc:
            fail(str(exc))
    for issue in submission.errors[:MAX_LISTED]:
        echo_err(issue_line(issue))
    for issue in submission.warnings[:MAX_LISTED]:
        echo_err("warning: " + issue_line(issue))
    if as_json:
        echo_json(submission_json(submission))
    else:
        echo_err(f"submission {submission.pk}: {submission.get_status_display()} — {submission.rows_read} rows read, "
                 f"{submission.rows_rejected} rejected, {submission.projects_updated} projects reported")
    if submission.status in ("rejected", "failed"):
        raise SystemExit(1)


@click.command("completeness")
@click.option("--quarter", help="The quarter's last day (2024-09-30) or 2024Q3; default the last ended quarter.")
@click.option("--zone", help="One zone: its organisations, expected and reported.")
@click.option("--json", "as_json", is_flag=True)
def report_completeness(quarter: str | None, zone: str | None, as_json: bool) -> None:
    """Who has reported quarterly progress: expected, reported, on time, per zone (as DHIS2)."""
    try:
        end = parse_quarter(quarter, 1) if quarter else current_quarter_end()
    except ParseError as exc:
        fail(str(exc))
    if zone:
        place = Place.objects.zones().without_geometry().filter(code=zone.upper()).first()
        if place is None:
            fail(f"{zone} is not a zone code")
        data = completeness.zone_completeness(place, end)
        rows = [{"organisation": r["organisation"].code, "projects": r["projects"],
                 "reported_projects": r["reported_projects"], "reported": r["reported"], "on_time": r["on_time"]}
                for r in data["rows"]]
    else:
        data = completeness.national_completeness(end)
        rows = [{"zone": r["zone"].code, **{k: v for k, v in r.items() if k != "zone"}} for r in data["zones"]]
    rates = {k: (str(v) if v is not None and not isinstance(v, int) else v) for k, v in data["rates"].items()}
    if as_json:
        echo_json({"quarter_end": end.isoformat(), "deadline_days": data["deadline_days"], "rates": rates,
                   "rows": [{k: (str(v) if hasattr(v, "quantize") else v) for k, v in r.items()} for r in rows]})
        return
    click.echo(f"quarter ending {end}: {rates['reported']} of {rates['expected']} reported "
               f"({rates['completeness'] or '-'}%), {rates['on_time']} on time ({rates['timeliness'] or '-'}%)")
    for row in rows:
        click.echo("  " + " ".join(f"{k}={v}" for k, v in row.items()))
