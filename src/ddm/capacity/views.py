"""Capacity pages: national hub view, hub page, zone skills page, municipality skills page.

Thin views: rules live in services/access/skills_import; every write checks access.py first.
"""


import base64

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST, require_safe

from ddm.capacity import access, services
from ddm.capacity.exports import report_sheets
from ddm.capacity.forms import AttachmentForm, HubForm, OverrideForm, PlanForm, PositionForm, SkillsUploadForm
from ddm.capacity.models import Hub, HubRole, Position, SkillsAudit
from ddm.capacity.skills_import import JOB_KIND, template_sheets
from ddm.documents import download_response
from ddm.exports import XLSX_TYPE, xlsx_response
from ddm.jobs import runner
from ddm.jobs.models import FileJob
from ddm.places.models import Place
from ddm.tabular import rejected_rows_xlsx
from ddm.web import date_param, save_posted


def national(request: HttpRequest) -> HttpResponse:
    return render(request, "capacity/national.html", {
        "c": services.coverage(date_param(request)), "can_create": access.can_create_hub(request.user)})


def new_hub(request: HttpRequest) -> HttpResponse:
    access.check_create_hub(request)
    form = HubForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        hub = form.save()
        messages.success(request, f"Hub {hub.name} registered.")
        return redirect(hub)
    return render(request, "capacity/hub_form.html", {"form": form, "hub": None})


def edit_hub(request: HttpRequest, pk: int) -> HttpResponse:
    hub = _hub(pk)
    access.check_hub(request, hub)
    # The user must also cover every zone the hub ends up serving (HubForm.clean_zones).
    form = HubForm(request.POST or None, instance=hub, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Hub {hub.name} saved.")
        return redirect(hub)
    return render(request, "capacity/hub_form.html", {"form": form, "hub": hub})


def _hub(pk: int) -> Hub:
    return get_object_or_404(services.hubs_with_positions(), pk=pk)


def hub(request: HttpRequest, pk: int) -> HttpResponse:
    hub = _hub(pk)
    today = date_param(request)
    can_edit = access.can_edit_hub(request.user, hub)
    positions = [(role, p, services.position_status(p, today)) for role, p in hub.positions_by_role()]
    plans = list(hub.plan_versions.select_related("author"))
    return render(request, "capacity/hub.html", {
        "hub": hub, "today": today, "positions": positions, "plan": plans[0] if plans else None,
        "older_plans": plans[1:], "attachments": hub.attachments.all(), "can_edit": can_edit,
        "can_open_attachments": access.can_view_attachments(request.user, hub),
        "plan_form": PlanForm(instance=None, initial={"needs": plans[0].needs, "resources_requested":
                                                       plans[0].resources_requested} if plans else None),
        "attachment_form": AttachmentForm(), "roles": HubRole,
        "finance_first": [(place, health) for zone in hub.zones.all()
                          for place, health in services.finance_of(services.municipal_bodies(zone)) if health.needs_support],
    })


def edit_position(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    hub = _hub(pk)
    access.check_hub(request, hub)
    if role not in HubRole.values:
        raise Http404("no such hub role")
    position = Position.objects.filter(hub=hub, role=role).first() or Position(hub=hub, role=role)
    form = PositionForm(request.POST or None, instance=position)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{HubRole(role).label} saved.")
        return redirect(hub)
    return render(request, "capacity/position_form.html", {"hub": hub, "role": HubRole(role), "form": form})


@require_POST
def new_plan_version(request: HttpRequest, pk: int) -> HttpResponse:
    hub = _hub(pk)
    access.check_hub(request, hub)

    def save(form: PlanForm) -> str:
        version = services.save_plan_version(hub, form.cleaned_data["needs"], form.cleaned_data["resources_requested"],
                                             request.user)
        return f"Business plan version {version.version} saved."

    save_posted(request, PlanForm(request.POST), "Business plan", save)
    return redirect(hub)


@require_POST
def upload_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    hub = _hub(pk)
    access.check_hub(request, hub)

    def attach(form: AttachmentForm) -> str:
        attachment = form.save(commit=False)
        attachment.hub, attachment.uploaded_by, attachment.size = hub, request.user, attachment.file.size
        attachment.save()
        return f"Attachment {attachment.title} uploaded."

    save_posted(request, AttachmentForm(request.POST, request.FILES), "Attachment", attach)
    return redirect(hub)


@require_safe
def download_attachment(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    hub = _hub(pk)
    access.check_attachments(request, hub)
    found = get_object_or_404(hub.attachments, pk=attachment)
    return download_response(found.file, found.title)


def _zone(code: str) -> Place:
    return get_object_or_404(Place.objects.zones().without_geometry().select_related("province"), code=code.upper())


def zone(request: HttpRequest, code: str) -> HttpResponse:
    zone = _zone(code)
    report = services.zone_skills(zone)
    today = date_param(request)
    hubs = [(h, [(r, p, services.position_status(p, today)) for r, p in h.positions_by_role()]) for h in report.hubs]
    return render(request, "capacity/zone.html", {"zone": zone, "report": report, "hubs": hubs, "today": today})


def zone_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    zone = _zone(code)
    return xlsx_response(f"skills-gap-{zone.code}.xlsx", report_sheets(services.zone_skills(zone)))


def _municipality(code: str) -> Place:
    try:
        return services.audit_subject(code)
    except LookupError as exc:
        raise Http404(str(exc)) from exc


def municipality(request: HttpRequest, code: str, job: FileJob | None = None,
                 upload_form: SkillsUploadForm | None = None, status: int = 200) -> HttpResponse:
    place = _municipality(code)
    body = services.body_gaps([place])[0]
    can_edit = access.can_edit_skills(request.user, place)
    return render(request, "capacity/municipality.html", {
        "place": place, "zone": services.zone_of(place), "body": body, "can_edit": can_edit,
        "audits": SkillsAudit.objects.filter(municipality=place)[:10],
        "entries": body.audit.entries.select_related("skill") if body.audit else [],
        "upload_form": upload_form or SkillsUploadForm(), "override_form": OverrideForm(),
        "job": job, "result": job.result if job is not None and not job.running else None,
        "rejected_href": _rejected_href(job), "finance": services.finance_of([place])[0][1],
    }, status=status)


# Rejected rows are offered as an inline download, built from the job's report.
REJECTED_INLINE_MAX = 2 * 1024 * 1024


def _rejected_href(job: FileJob | None) -> str:
    if job is None or not (job.result or {}).get("rejected"):
        return ""
    data = rejected_rows_xlsx(job.result.get("header") or [], [(values, messages)
                                                               for values, messages in job.result["rejected"]])
    if len(data) > REJECTED_INLINE_MAX:
        return ""
    return f"data:{XLSX_TYPE};base64,{base64.b64encode(data).decode()}"


@require_POST
def upload_skills(request: HttpRequest, code: str) -> HttpResponse:
    """Keep the file and let the job worker read it (ddm.jobs); the page of the job shows its report."""
    place = _municipality(code)
    access.check_skills(request, place)
    form = SkillsUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return municipality(request, code, upload_form=form, status=400)
    job = runner.start(JOB_KIND, form.cleaned_data["file"], request.user, {
        "municipality": place.code, "dry_run": form.cleaned_data["dry_run"],
        "accept_valid": form.cleaned_data["accept_valid"]})
    return redirect("capacity:upload_job", code=place.code, pk=job.pk)


@require_GET
def upload_job(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """An uploaded audit's job: its status while the worker reads it (the page refreshes), then its report."""
    place = _municipality(code)
    access.check_skills(request, place)
    job = get_object_or_404(FileJob, pk=pk, kind=JOB_KIND, params__municipality=place.code)
    if job.status == "running" and runner.fail_abandoned([job]):
        job.refresh_from_db()
    return municipality(request, code, job=job)


@require_POST
def set_override(request: HttpRequest, code: str) -> HttpResponse:
    place = _municipality(code)
    access.check_skills(request, place)

    def save(form: OverrideForm) -> str:
        data = form.cleaned_data
        services.set_override(place, data["skill"], data["required"], data["reason"], request.user)
        return f"Requirement for {data['skill'].name} saved."

    save_posted(request, OverrideForm(request.POST), "Requirement", save)
    return redirect("capacity:municipality", code=place.code)


def template_xlsx(request: HttpRequest) -> HttpResponse:
    return xlsx_response("skills-audit-template.xlsx", template_sheets())


