"""One Plan pages. Thin: load, check role and scope (ddm.oneplan.access), call a service, render.

Reads are public. Every write needs a signed-in user (anonymous users are sent to sign in) and the
service refuses (403) anyone whose role and scope do not cover the change.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.forms import ModelForm
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from ddm import caching
from ddm import exports as table_exports
from ddm.accounts.access import Visitor, get_zone_for_user
from ddm.documents import download_response
from ddm.investment.completeness import missing_reporters
from ddm.investment.progress import current_quarter_end, quarter_label
from ddm.oneplan import access, dashboard, exports, forms, funding, monitoring, results, signoff, workflow
from ddm.oneplan.models import (
    Action,
    Commitment,
    FocalArea,
    OnePlan,
    Phase,
    PhaseKind,
    PlanIndicator,
    PlanVersion,
    ProjectStage,
    Strategy,
)
from ddm.places.models import Place

View = Callable[..., HttpResponse]
ModelT = TypeVar("ModelT", bound=Model)


def _plan(request: HttpRequest, code: str) -> tuple[Place, OnePlan]:
    zone = get_zone_for_user(request, code)
    return zone, get_object_or_404(OnePlan.objects.select_related("zone__province"), zone=zone)


def _current(request: HttpRequest, code: str) -> tuple[Place, OnePlan, PlanVersion]:
    zone, plan = _plan(request, code)
    if plan.current is None:
        raise Http404("This One Plan has no version.")
    return zone, plan, plan.current


def _plan_url(zone: Place) -> str:
    return reverse("oneplan:zone", args=[zone.code])


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def write_view(view: View) -> View:
    """Sign-in required; domain refusals come back as a message on the plan page."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, code, *args, **kwargs)
        except (workflow.WorkflowError, ValidationError) as exc:
            messages.error(request, _message(exc))
            return redirect(reverse("oneplan:zone", args=[code.upper()]))

    return wrapper


def _form_page(request: HttpRequest, zone: Place, title: str, form: Any, save: Callable[[Any], object],
               intro: str = "") -> HttpResponse:
    """Render a form; on a valid POST call save(form), report success and go back to the plan."""
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except (workflow.WorkflowError, ValidationError) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, f"{title}: saved.")
            return redirect(_plan_url(zone))
    return render(request, "oneplan/form.html", {"zone": zone, "title": title, "form": form, "intro": intro})


# --- reading ---------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    rows = dashboard.national_rows()
    return render(request, "oneplan/dashboard.html", {"rows": rows, "totals": dashboard.totals(rows),
                                                      "rule": monitoring.RULE})


def zone_page(request: HttpRequest, code: str) -> HttpResponse:
    zone = get_zone_for_user(request, code)
    plan = OnePlan.objects.filter(zone=zone).first()
    if plan is None:
        return render(request, "oneplan/no_plan.html", {"zone": zone, "can_edit": access.can_edit_plan(request.user, zone)})
    version = plan.current
    if request.GET.get("version"):
        version = plan.versions.filter(number=request.GET["version"]).first() if request.GET["version"].isdigit() else None
    if version is None:
        raise Http404("No such version of this One Plan.")
    return render(request, "oneplan/zone.html", dashboard.zone_context(request.user, plan, version))


def results_page(request: HttpRequest) -> HttpResponse:
    """National M&E results: public, like the One Plan dashboard; CSV (one table) or XLSX (both) on request."""
    data = caching.remember("oneplan:results", results.results)
    indicators = results.indicator_table(data["indicators"])
    spending = results.spending_table(data["spending"])
    notes = list(data["rules"].values())
    if request.GET.get("format") == "csv":
        if request.GET.get("table") == "indicators":
            return table_exports.csv_response("oneplan-results-indicators.csv", results.INDICATOR_HEADER, indicators)
        return table_exports.csv_response("oneplan-results-spending.csv", results.SPENDING_HEADER, spending)
    if request.GET.get("format") == "xlsx":
        return table_exports.xlsx_response("oneplan-results.xlsx", [
            ("Indicators", results.INDICATOR_HEADER, indicators, notes),
            ("Spending vs progress", results.SPENDING_HEADER, spending, notes)])
    return render(request, "oneplan/results.html", {**data, "stuck_rule": results.STUCK_RULE})


def reminders(request: HttpRequest) -> HttpResponse:
    quarter, missing = monitoring.reminders()

    due = current_quarter_end()
    progress_missing = [(zone, org, n, quarter_label(due, org.fy_start_month)) for zone, org, n in missing_reporters(due)]
    return render(request, "oneplan/reminders.html", {"quarter": quarter, "missing": missing,
                                                      "progress_due": due, "progress_missing": progress_missing})


def export_pdf(request: HttpRequest, code: str) -> HttpResponse:
    _zone, plan = _plan(request, code)
    version = _export_version(plan, request)
    return HttpResponse(exports.pdf_bytes(version), content_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{exports.filename(version, "pdf")}"'})


def export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    _zone, plan = _plan(request, code)
    version = _export_version(plan, request)
    return exports.xlsx_response(version)


def _export_version(plan: OnePlan, request: HttpRequest) -> PlanVersion:
    number = request.GET.get("version")
    version = plan.versions.filter(number=number).first() if number and number.isdigit() else plan.adopted
    if version is None:
        raise Http404("This One Plan has no adopted version yet; add ?version=N to export a draft.")
    return version


# --- process ---------------------------------------------------------------------------------


@require_POST
@login_required
def start(request: HttpRequest, code: str) -> HttpResponse:
    zone = get_zone_for_user(request, code, write=True)
    workflow.start_plan(zone, request.user)
    messages.success(request, f"One Plan of {zone.code} started.")
    return redirect(_plan_url(zone))


def _version_step(step: Callable[[PlanVersion, Visitor], object], said: Callable[[PlanVersion], str]) -> View:
    """A POST view that applies a workflow step to the plan's current version, then says said(version) on the
    plan page (refusals come back there as messages through write_view)."""

    @require_POST
    @write_view
    def view(request: HttpRequest, code: str) -> HttpResponse:
        zone, _plan_obj, version = _current(request, code)
        step(version, request.user)
        messages.success(request, said(version))
        return redirect(_plan_url(zone))

    view.__name__ = view.__qualname__ = step.__name__
    return view


advance = _version_step(workflow.advance, lambda version: f"Now in {version.get_current_phase_display()}.")
link_profile = _version_step(workflow.link_profile, lambda version: "Zone profile linked to the diagnostic.")


@write_view
def vision(request: HttpRequest, code: str) -> HttpResponse:
    zone, _plan_obj, version = _current(request, code)
    access.require_editor(request.user, zone)
    form = forms.VisionForm(request.POST or None, initial={"vision": version.vision})
    return _form_page(request, zone, "Vision statement", form,
                      lambda f: workflow.set_vision(version, request.user, f.cleaned_data["vision"]))


def _editable_phase(request: HttpRequest, code: str, kind: str) -> tuple[Place, Phase]:
    """The zone and the current version's phase of this kind, for an editor of the plan (else 403/404)."""
    zone, _plan_obj, version = _current(request, code)
    access.require_editor(request.user, zone)
    if kind not in PhaseKind.values:
        raise Http404("No such phase.")
    return zone, version.phase(kind)


@write_view
def phase(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    zone, item = _editable_phase(request, code, kind)
    form = forms.PhaseForm(request.POST or None, instance=item)
    return _form_page(request, zone, f"{item.get_kind_display()}: timetable and notes", form,
                      lambda f: workflow.update_phase(item, request.user,
                                                      **{n: f.cleaned_data[n] for n in workflow.PHASE_FIELDS}))


@write_view
def document(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    zone, item = _editable_phase(request, code, kind)
    form = forms.DocumentForm(request.POST or None, request.FILES or None)
    return _form_page(request, zone, f"{item.get_kind_display()}: attach a document", form,
                      lambda f: workflow.add_document(item, request.user, f.cleaned_data["title"], f.cleaned_data["file"]))


@require_safe
def document_file(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """A phase document as a download, for whoever may see the plan (ddm.documents sets the safe headers)."""
    zone = get_zone_for_user(request, code)
    found = access.plan_document(request.user, zone, pk)
    return download_response(found.file, found.title)


@write_view
def review(request: HttpRequest, code: str) -> HttpResponse:
    zone, plan, _version = _current(request, code)
    access.require_editor(request.user, zone)
    form = forms.ReviewForm(request.POST or None)
    return _form_page(request, zone, "Open a review (new version)", form,
                      lambda f: workflow.start_review(plan, request.user, f.cleaned_data["reason"]),
                      intro="The adopted version stays in force and unchanged; its content is copied into a new "
                            "draft version that opens at Drafting.")


# --- content ---------------------------------------------------------------------------------


def _content_view(request: HttpRequest, code: str, model: type[Any], form_class: Callable[..., ModelForm], what: str,
                  pk: int | None = None, parent_field: str | None = None) -> HttpResponse:
    zone, _plan_obj, version = _current(request, code)
    access.require_editor(request.user, zone)
    instance = _owned(model, version, pk) if pk else model()
    if parent_field == "version":
        instance.version = version
    kwargs = {} if form_class is forms.FocalAreaForm else {"version": version}
    form = form_class(request.POST or None, instance=instance, **kwargs)
    return _form_page(request, zone, f"{what}: {'edit' if pk else 'add'}", form,
                      lambda f: workflow.save_content(f.save(commit=False), version, request.user, what))


VERSION_PATH: dict[type[Model], str] = {
    FocalArea: "version", Strategy: "focal_area__version", Action: "strategy__focal_area__version",
    PlanIndicator: "version", Commitment: "action__strategy__focal_area__version",
}


def _owned(model: type[ModelT], version: PlanVersion, pk: int) -> ModelT:
    """The object, only if it belongs to this version (no reaching into other zones' plans)."""
    return get_object_or_404(model, pk=pk, **{VERSION_PATH[model]: version})


@write_view
def focal_area(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    return _content_view(request, code, FocalArea, forms.FocalAreaForm, "Focal area", pk, parent_field="version")


@write_view
def strategy(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    return _content_view(request, code, Strategy, forms.StrategyForm, "Strategy", pk)


@write_view
def action(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    return _content_view(request, code, Action, forms.ActionForm, "Action", pk)


@write_view
def indicator(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    return _content_view(request, code, PlanIndicator, forms.IndicatorForm, "Indicator", pk, parent_field="version")


@require_POST
@write_view
def delete(request: HttpRequest, code: str, kind: str, pk: int) -> HttpResponse:
    zone, _plan_obj, version = _current(request, code)
    kinds: dict[str, tuple[type[Model], str]] = {
        "strategy": (Strategy, "Strategy"), "action": (Action, "Action"), "indicator": (PlanIndicator, "Indicator"),
        "focal-area": (FocalArea, "Focal area")}
    if kind not in kinds:
        raise Http404("Nothing of that kind to delete.")
    model, what = kinds[kind]
    workflow.delete_content(_owned(model, version, pk), version, request.user, what)
    messages.success(request, f"{what} deleted.")
    return redirect(_plan_url(zone))


# --- commitments and implementation ------------------------------------------------------------


@write_view
def commitment(request: HttpRequest, code: str, pk: int | None = None) -> HttpResponse:
    zone, _plan_obj, version = _current(request, code)
    instance = _owned(Commitment, version, pk) if pk else Commitment()
    if pk:
        access.require_commitment_manager(request.user, zone, instance.organisation)
    elif not access.committing_organisations(request.user, zone, version).exists():
        raise PermissionDenied("You may not commit any organisation to this plan.")
    initial = {"action": request.GET.get("action")} if not pk else None
    form = forms.CommitmentForm(request.POST or None, instance=instance, version=version, user=request.user, initial=initial)

    def save(f: forms.CommitmentForm) -> None:
        item = f.save(commit=False)
        funding.save_commitment(item, request.user, list(f.cleaned_data["projects"]), list(f.cleaned_data["budget_lines"]))

    return _form_page(request, zone, f"Commitment: {'edit' if pk else 'add'}", form, save,
                      intro="A commitment is funded when a linked budget line of kind budget, adjusted budget or "
                            "actual expenditure is above zero; planned lines alone show as planned only.")


@require_POST
@write_view
def commitment_delete(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    zone, _plan_obj, version = _current(request, code)
    funding.delete_commitment(_owned(Commitment, version, pk), request.user)
    messages.success(request, "Commitment deleted.")
    return redirect(_plan_url(zone))


def _live_versions(plan: OnePlan) -> list[PlanVersion]:
    """Versions that take implementation records: the draft being worked on and the adopted one in force."""
    return [v for v in (plan.current, plan.adopted) if v is not None]


def _in_force_commitment(request: HttpRequest, code: str, pk: int) -> tuple[Place, Commitment]:
    """Implementation records go on the commitments of the adopted version in force (or the draft)."""
    zone, plan = _plan(request, code)
    item = get_object_or_404(Commitment, pk=pk, action__strategy__focal_area__version__in=_live_versions(plan))
    if not access.can_report_on(request.user, zone, item):
        raise PermissionDenied(f"You may not report for {item.organisation}.")
    return zone, item


@write_view
def commitment_report(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    zone, item = _in_force_commitment(request, code, pk)
    form = forms.ReportForm(request.POST or None)
    quarter = monitoring.quarter_of(workflow.today())
    return _form_page(request, zone, f"Quarterly report {quarter}: {item.organisation}", form,
                      lambda f: monitoring.report_progress(item, request.user, f.cleaned_data["progress"]),
                      intro=f"Commitment to “{item.action}”.")


@write_view
def stage(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    zone, item = _in_force_commitment(request, code, pk)
    form = forms.StageForm(request.POST or None, commitment=item)

    def save(f: forms.StageForm) -> None:
        data = dict(f.cleaned_data.items())
        existing = ProjectStage.objects.filter(commitment=item, project=data["project"], stage=data["stage"]).first()
        target = existing or ProjectStage(commitment=item)
        for name, value in data.items():
            setattr(target, name, value)
        monitoring.save_stage(target, request.user)

    return _form_page(request, zone, f"Implementation stage: {item.organisation}", form, save,
                      intro="Stages: Project Preparation, Funding Mobilisation, Project Implementation, "
                            "Monitoring and Evaluation, Plan Review. Saving a stage again updates it.")


@write_view
def actual(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    zone, plan = _plan(request, code)
    item = get_object_or_404(PlanIndicator, pk=pk, version__in=_live_versions(plan))
    access.require_indicator_reporter(request.user, zone, item.version)
    form = forms.ActualForm(request.POST or None)
    return _form_page(request, zone, f"Report a value: {item.name}", form,
                      lambda f: monitoring.report_actual(item, request.user, f.cleaned_data["period"],
                                                         f.cleaned_data["period_end"], f.cleaned_data["value"],
                                                         f.cleaned_data["evidence"]),
                      intro=monitoring.RULE)


# --- sign-off --------------------------------------------------------------------------------


def _signoff_view(request: HttpRequest, code: str, form_class: type[forms.SignForm], title: str,
                  act: Callable[[PlanVersion, Visitor, str, str], object]) -> HttpResponse:
    zone, _plan_obj, version = _current(request, code)
    if not signoff.parties_for(request.user, version):
        raise PermissionDenied(f"You hold no role that signs the {zone.code} One Plan.")
    if not form_class.parties(request.user, version):
        messages.info(request, f"You have already signed the {zone.code} One Plan for every party you represent.")
        return redirect(f"{reverse('oneplan:zone', args=[zone.code])}#signoff")
    form = form_class(request.POST or None, version=version, user=request.user)
    return _form_page(request, zone, title, form,
                      lambda f: act(version, request.user, f.cleaned_data["party"], f.cleaned_data["comment"]))


@write_view
def sign(request: HttpRequest, code: str) -> HttpResponse:
    return _signoff_view(request, code, forms.SignForm, "Sign off the draft One Plan", signoff.sign)


@write_view
def return_draft(request: HttpRequest, code: str) -> HttpResponse:
    return _signoff_view(request, code, forms.ReturnForm, "Return the draft for revision", signoff.return_for_revision)
