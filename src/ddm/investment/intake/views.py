"""Upload pages: upload -> preview (a dry run) -> submit for review -> approve or return (see
ddm.investment.review); submissions list and detail; template.

Thin views: the pipeline does the work (pipeline.run_import through tasks.start), access checks
are ddm.accounts.access.can_submit_for and intake.access.can_view_submission.
"""

import os
from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from ddm.accounts.access import Visitor, can_approve_for, can_submit_for, is_admin, organisations_for, roles_of
from ddm.accounts.models import Organisation
from ddm.exports import XLSX_TYPE
from ddm.investment import review
from ddm.investment.intake import tasks
from ddm.investment.intake.access import can_view_submission, visible_submissions
from ddm.investment.intake.options import StatedOptions, describe
from ddm.investment.intake.pipeline import fail_abandoned, read_progress, start_submission
from ddm.investment.intake.results import has_rejected_rows, issue_line, rejected_xlsx
from ddm.investment.intake.template import template_xlsx
from ddm.investment.models import ConsolidatedUpload, Submission, SubmissionStatus

MODES = [("all", "All or nothing: write nothing if any row has an error"),
         ("valid", "Write the valid rows; keep the rejected rows for download")]
CONTENTS = [("projects", "Projects and budgets"),
            ("progress", "Quarterly progress of registered projects (reference, quarter, stage, progress %, "
                         "expenditure to date); budget lines are not changed")]
ISSUES_SHOWN = 500


class UploadForm(forms.Form):
    content = forms.ChoiceField(choices=CONTENTS, initial="projects", widget=forms.RadioSelect, required=False,
                                label="The file holds")
    organisation: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        queryset=None, required=False, help_text="The organisation whose projects these are.")
    consolidated = forms.BooleanField(
        required=False, label="Consolidated file",
        help_text="Each row names its organisation (an Organisation or Department column, with a Province column "
                  "where names repeat across provinces): for a provincial treasury's, DCoG's or the Presidency's "
                  "list; you may submit for the organisations in your scope. Leave the organisation empty.")
    file = forms.FileField(help_text="CSV, XLSX, XLS or ODS.")
    sheet = forms.CharField(required=False, max_length=100, help_text="Leave empty to read every sheet.")
    mode = forms.ChoiceField(choices=MODES, initial="all", widget=forms.RadioSelect)
    corrects = forms.IntegerField(required=False, widget=forms.HiddenInput,
                                  help_text="The returned submission this file corrects")

    def __init__(self, *args: Any, user: Visitor = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation_field.queryset = organisations_for(user).select_related("province").order_by("sphere", "name")

    @property
    def organisation_field(self) -> "forms.ModelChoiceField[Organisation]":
        """This form's copy of the organisation field (self.fields is typed only as Field)."""
        return cast("forms.ModelChoiceField[Organisation]", self.fields["organisation"])

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.DDM_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file is {upload.size / 1048576:.1f} MB; the limit is "
                                        f"{limit / 1048576:.0f} MB. Split it into several files.")
        return upload

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns
        if data.get("consolidated") and data.get("content") == "progress":
            self.add_error("consolidated", "A quarterly progress file is submitted for one organisation: choose it "
                                           "and untick \"Consolidated file\".")
        elif not data.get("consolidated") and not data.get("organisation"):
            self.add_error("organisation", "Choose the organisation whose projects these are (or tick "
                                           "\"Consolidated file\" for a file naming an organisation on each row).")
        return data


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    initial: dict[str, object] = {"corrects": request.GET.get("corrects"), "content": request.GET.get("content", "projects")}
    if code := request.GET.get("organisation"):  # "Submit a file" on a municipality's page
        initial["organisation"] = organisations_for(request.user).filter(code=code).first()
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid() and form.cleaned_data["consolidated"]:
        return _consolidated_upload(request, form)
    if request.method == "POST" and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        if not can_submit_for(request.user, organisation):
            raise PermissionDenied(f"You may not submit for {organisation.name}.")
        upload_file = form.cleaned_data["file"]
        submission = start_submission(upload_file, organisation, request.user, "upload", upload_file.name,
                                      form.cleaned_data["sheet"], dry_run=True,
                                      accept_valid=form.cleaned_data["mode"] == "valid",
                                      content=form.cleaned_data["content"] or "projects")
        corrects = _returned(form.cleaned_data.get("corrects"), organisation)
        if corrects is not None:
            submission.resubmission_of = corrects
            submission.save(update_fields=["resubmission_of"])
        tasks.start(submission)
        return redirect("investment:submission", submission.pk)
    return render(request, "investment/intake/upload.html", {
        "form": form, "max_mb": settings.DDM_MAX_UPLOAD_BYTES // 1048576,
        "may_submit": form.organisation_field.queryset is not None and form.organisation_field.queryset.exists(),
        "roles": roles_of(request.user)})


def _consolidated_upload(request: HttpRequest, form: UploadForm) -> HttpResponse:
    """Keep the file and check it as one preview per organisation (scope: can_submit_for, per organisation)."""
    upload_file = form.cleaned_data["file"]
    consolidated = ConsolidatedUpload.objects.create(
        # Signed in: the upload page is login_required.
        user=cast(User, request.user), filename=os.path.basename(upload_file.name)[:255],
        sheet=form.cleaned_data["sheet"],
        accept_valid=form.cleaned_data["mode"] == "valid")
    consolidated.source_file.save(consolidated.filename or "upload", upload_file, save=True)
    tasks.start_consolidated(consolidated)
    return redirect("investment:consolidated", consolidated.pk)


def _consolidated_for(request: HttpRequest, pk: int) -> ConsolidatedUpload:
    consolidated = get_object_or_404(ConsolidatedUpload, pk=pk)
    if consolidated.user_id != request.user.pk and not is_admin(request.user):
        raise PermissionDenied("You may not see this consolidated file.")
    return consolidated


def _submittable(request: HttpRequest, consolidated: ConsolidatedUpload, parts: list[Submission]) -> bool:
    return (consolidated.status == "checked" and bool(parts)
            and all(review.can_be_submitted(p) and can_submit_for(request.user, p.organisation) for p in parts))


@login_required
def consolidated(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _consolidated_for(request, pk)
    parts = list(upload.parts.select_related("organisation").prefetch_related("commits"))
    by_code = {p.organisation.code: p for p in parts}
    found = [{**item, "part": by_code.get(item.get("organisation"))} for item in upload.found]
    return render(request, "investment/intake/consolidated.html", {
        "upload": upload, "parts": parts, "found": found, "running": upload.status in ("pending", "running"),
        "can_submit": _submittable(request, upload, parts)})


@login_required
@require_POST
def consolidated_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit every organisation's preview (each to its own review, or published where it publishes on submit)."""
    upload = _consolidated_for(request, pk)
    if upload.status == "submitted":  # a second click
        return redirect("investment:consolidated", upload.pk)
    parts = list(upload.parts.select_related("organisation"))
    if not _submittable(request, upload, parts):
        raise Http404("Only a checked consolidated file whose every part has valid rows can be submitted.")
    ConsolidatedUpload.objects.filter(pk=upload.pk).update(status="submitted")
    for part in parts:
        review.submit(part, request.user, how="upload (consolidated file)")
    return redirect("investment:consolidated", upload.pk)


def _returned(pk: int | None, organisation: Organisation) -> Submission | None:
    if not pk:
        return None
    return Submission.objects.filter(pk=pk, organisation=organisation, status=SubmissionStatus.RETURNED).first()


def _submission_for(request: HttpRequest, pk: int) -> Submission:
    submission = get_object_or_404(Submission.objects.select_related("organisation", "user"), pk=pk)
    if not can_view_submission(request.user, submission):
        raise PermissionDenied("You may not see this submission.")
    return submission


def _submission_whose_organisation(request: HttpRequest, pk: int, allowed: Callable[[Visitor, Organisation], bool],
                                   refusal: str) -> Submission:
    """A submission the user may see, when allowed(user, its organisation); else 403 with the refusal, formatted
    with the organisation."""
    submission = _submission_for(request, pk)
    if not allowed(request.user, submission.organisation):
        raise PermissionDenied(refusal.format(organisation=submission.organisation))
    return submission


def _own_preview(request: HttpRequest, pk: int) -> Submission:
    """A submission the user may submit for (read again, or submit for review)."""
    return _submission_whose_organisation(request, pk, can_submit_for, "You may not submit for {organisation.name}.")


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    if submission.status == SubmissionStatus.RUNNING and fail_abandoned([submission]):
        submission.refresh_from_db()
    running = submission.status in (SubmissionStatus.PENDING, SubmissionStatus.RUNNING)
    context = {
        "submission": submission,
        "running": running,
        "progress": read_progress(submission) if running else None,
        "errors": [issue_line(i) for i in submission.errors[:ISSUES_SHOWN]],
        "warnings": [issue_line(i) for i in submission.warnings[:ISSUES_SHOWN]],
        "shown": ISSUES_SHOWN,
        "has_rejected": has_rejected_rows(submission),
        "can_commit": review.can_be_submitted(submission) and can_submit_for(request.user, submission.organisation),
        "publishes_on_submit": submission.organisation.publish_on_submit,
        "can_review": (submission.status == SubmissionStatus.SUBMITTED
                       and can_approve_for(request.user, submission.organisation)),
        "can_correct": (submission.status == SubmissionStatus.RETURNED
                        and can_submit_for(request.user, submission.organisation)),
        "diff": submission.diff or {},
        "decisions": submission.decisions.select_related("user"),
        "resubmissions": submission.resubmissions.all(),
        "commits": submission.commits.all(),
        "read_as": _read_as(submission),
        "ask": _questions(request, submission),
    }
    return render(request, "investment/intake/detail.html", context)


def _read_as(submission: Submission) -> list[str]:
    options = submission.options or {}
    return [text for text in (options.get("unit_statement"), describe(options)) if text]


YEARS_CHOICES = [("", "not stated"), ("start", "the year it starts (2019 = 2019/20)"),
                 ("end", "the year it ends (2019 = 2018/19)")]
UNIT_CHOICES = [("", "as the file states"), ("rand", "Rand"), ("thousand", "R thousand (R'000)"),
                ("million", "R million"), ("billion", "R billion")]


def _questions(request: HttpRequest, submission: Submission) -> dict[str, Any] | None:
    """The preview's questions (bare years, unit) when the submitter may re-read the file."""
    if submission.content == "progress" or not submission.dry_run or not submission.source_file or submission.status in (
            SubmissionStatus.PENDING, SubmissionStatus.RUNNING) or not can_submit_for(request.user,
                                                                                      submission.organisation):
        return None
    options = submission.options or {}
    bare = any("--years start|end" in str(issue.get("message", "")) for issue in submission.errors)
    return {"bare_years": bare, "years": options.get("years", ""), "years_choices": YEARS_CHOICES,
            "unit_choices": UNIT_CHOICES}


@login_required
@require_POST
def reread(request: HttpRequest, pk: int) -> HttpResponse:
    """Read a preview's file again with the submitter's answers (bare years, unit): a new preview."""
    preview = _own_preview(request, pk)
    if not preview.dry_run or not preview.source_file:
        raise Http404("Only a preview can be read again.")
    years = request.POST.get("years", "")
    unit = request.POST.get("unit", "")
    if years not in dict(YEARS_CHOICES) or unit not in dict(UNIT_CHOICES):
        raise Http404("Unknown answer.")
    options: StatedOptions = {"years": years or None, "unit": unit or None}
    with preview.source_file.open("rb") as handle:
        again = start_submission(handle, preview.organisation, request.user, "upload", preview.filename,
                                 preview.sheet, dry_run=True, accept_valid=preview.accept_valid, options=options)
    tasks.start(again)
    return redirect("investment:submission", again.pk)


@login_required
@require_POST
def commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit a checked preview for review (published at once if the organisation publishes on submit)."""
    preview = _own_preview(request, pk)
    earlier = preview.commits.first()
    if earlier is not None:  # a second click (or a reload) does not import the file twice
        return redirect("investment:submission", earlier.pk)
    if preview.status == SubmissionStatus.SUBMITTED:
        return redirect("investment:submission", preview.pk)
    if not review.can_be_submitted(preview):
        raise Http404("Only a preview with valid rows can be submitted.")
    try:
        committed = review.submit(preview, request.user, how="upload", resubmission_of=_returned(
            preview.resubmission_of_id, preview.organisation))
    except review.ReviewError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("investment:submission", preview.pk)
    return redirect("investment:submission", committed.pk if committed else preview.pk)


def _submission_to_review(request: HttpRequest, pk: int) -> Submission:
    """The submission, if the user may approve or return it (its organisation's reviewers only)."""
    return _submission_whose_organisation(request, pk, can_approve_for,
                                          "You may not review {organisation.name}'s submissions.")


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_to_review(request, pk)
    try:
        committed = review.approve(submission, request.user, comment=request.POST.get("comment", "").strip())
    except review.ReviewError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("investment:submission", submission.pk)
    return redirect("investment:submission", committed.pk)


@login_required
@require_POST
def return_(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_to_review(request, pk)
    try:
        rows = review.parse_row_comments(request.POST.get("row_comments", ""))
        review.return_submission(submission, request.user, request.POST.get("comment", ""), rows)
    except review.ReviewError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("investment:submission", submission.pk)


@login_required
def submissions(request: HttpRequest) -> HttpResponse:
    queryset = Submission.objects.select_related("organisation", "user").prefetch_related("commits").order_by("-created")[:500]
    return render(request, "investment/intake/list.html",
                  {"submissions": visible_submissions(request.user, queryset)})


@login_required
def source(request: HttpRequest, pk: int) -> FileResponse:
    submission = _submission_for(request, pk)
    if not submission.source_file:
        raise Http404("No source file was kept for this submission.")
    return FileResponse(submission.source_file.open("rb"), as_attachment=True, filename=submission.filename or "source")


@login_required
def rejected(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _submission_for(request, pk)
    if not has_rejected_rows(submission):
        raise Http404("This submission has no rejected rows.")
    response = HttpResponse(rejected_xlsx(submission), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="submission-{submission.pk}-rejected.xlsx"'
    return response


def template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(template_xlsx(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="ddm-projects-template.xlsx"'
    return response
