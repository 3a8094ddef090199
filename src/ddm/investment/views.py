"""Pages over the investment register: national ranking, zone investment, footprint, unmapped, projects.

Views are thin: figures come from quantum/footprint/pilots/tables; writes go through
ddm.investment.access. Every table exports with ?format=csv|xlsx&table=<key> (xlsx: all tables
when no table is named) through ddm.exports.
"""

import datetime
from collections import Counter
from collections.abc import Collection, Sequence
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST

from ddm import caching, exports
from ddm.accounts.access import can_approve_for
from ddm.accounts.models import Sphere
from ddm.investment import charts, completeness, delivery, footprint, history, progress, quantum, review, tables
from ddm.investment.access import can_annotate_project, can_edit_project, get_project_for_user
from ddm.investment.calendar import CALENDAR_DESCRIPTIONS, CALENDARS, fy_label
from ddm.investment.models import (
    BudgetKind,
    ProgressReport,
    Project,
    ProjectNote,
    PublishedTotal,
    Stage,
    SubmissionStatus,
)
from ddm.investment.pilots import published_for_zone
from ddm.investment.reports import ROW_HEADER, quantum_notes, quantum_rows
from ddm.places.models import Place

FORMATS = ("csv", "xlsx")


def _choice(request: HttpRequest, name: str, allowed: Collection[str], default: str) -> str:
    value = request.GET.get(name, default)
    return value if value in allowed else default


def _export(request: HttpRequest, basename: str, table_list: Sequence[tables.Table]) -> HttpResponse | None:
    """A CSV of one table or an XLSX of one or all tables; None when no export was asked for."""
    fmt = request.GET.get("format")
    if not fmt:
        return None
    return _exported(request, fmt, basename, table_list)


def _exported(request: HttpRequest, fmt: str, basename: str, table_list: Sequence[tables.Table]) -> HttpResponse:
    """The export in format ``fmt`` (the request's ?format=)."""
    if fmt not in FORMATS:
        return HttpResponseBadRequest("format must be csv or xlsx")
    key = request.GET.get("table")
    chosen = [t for t in table_list if t.key == key] if key else table_list
    if not chosen or (fmt == "csv" and len(chosen) > 1):
        return HttpResponseBadRequest(f"table must be one of: {', '.join(t.key for t in table_list)}")
    if fmt == "csv":
        table = chosen[0]
        return exports.csv_response(f"{basename}-{table.key}.csv", table.header, table.export_rows())
    sheets = [(t.key, t.header, list(t.export_rows()), t.notes) for t in chosen]
    return exports.xlsx_response(f"{basename}.xlsx", sheets)


# ---------------------------------------------------------------------------------------------
# National ranking.

def cached_ranking(calendar: str, kind: str, year: str | None) -> list[dict[str, Any]]:
    found = quantum.shared_national_ranking(calendar, kind, year)
    return [dict(row, computed=found["computed"]) for row in found["rows"]]


def index(request: HttpRequest) -> HttpResponse:
    calendar = _choice(request, "calendar", CALENDARS, "april")
    kind = _choice(request, "kind", BudgetKind.values, BudgetKind.BUDGET)
    years = [fy_label(y) for y in range(2015, 2031)]
    year = _choice(request, "year", years, "")
    province = request.GET.get("province", "")
    ranking = cached_ranking(calendar, kind, year or None)
    if province:
        ranking = [r for r in ranking if r["province"] == province]
    published: dict[str, list[PublishedTotal]] = {}
    for total in PublishedTotal.objects.select_related("zone"):
        published.setdefault(total.zone.code, []).append(total)
    for rank, row in enumerate(ranking, start=1):
        row["rank"], row["published"] = rank, published.get(row["zone"], [])
    table = tables.Table("ranking", "Zones ranked by government investment", [
        "Rank", "Code", "Zone", "Province", "Government (Rand)", "Private (Rand, not added)", "Population",
        "Government per person (Rand)"], [[r["rank"], r["zone"], r["name"], r["province"], r["government"],
                                          r["private"], r["population"] or "", r["government_per_capita"] or ""]
                                         for r in ranking],
        [f"{BudgetKind(kind).label}, {year or 'all years as stated'}, {CALENDAR_DESCRIPTIONS[calendar]}.",
         quantum.INCLUDES["government"], "Population: each place's newest Stats SA figure (Census 2022)."])
    response = _export(request, "investment-ranking", [table])
    if response:
        return response
    return render(request, "investment/index.html", {
        "ranking": ranking, "calendar": calendar, "calendars": CALENDAR_DESCRIPTIONS, "kind": kind,
        "kinds": BudgetKind.choices, "year": year, "years": years, "province": province,
        "provinces": Place.objects.provinces().without_geometry(), "includes": quantum.INCLUDES,
    })


# ---------------------------------------------------------------------------------------------
# Zone investment page.

def _zone_tables(zone: Place, q: quantum.Quantum, municipalities: list[Place], population: dict[str, tuple[int, str]]
                 ) -> list[tables.Table]:
    zone_population = population.get(zone.code)
    result = tables.quantum_tables(q, zone_population)
    result += [tables.organisation_table(q), tables.municipality_table(q, municipalities, population),
               tables.sector_table(q), tables.quality_table(q)]
    return result


def _zone_page(place: Place, calendar: str, view: str) -> dict[str, Any]:
    """What the zone page and its exports show, but the request's own parts: computed once per data
    version and shared by every process (ddm.caching), so a warm page costs a cache read."""
    q = quantum.shared_zone_quantum(place.code, calendar, view)
    municipalities = list(place.children.filter(level="municipality").order_by("code"))  # a metro: itself
    population = quantum.population_of_zones()
    projects, project_count = tables.zone_projects(place)
    points = charts.map_points(place)
    zone_footprint = footprint.zone_footprint(place, quantum=q)
    return {
        "headline": _headline(q, project_count, zone_footprint),
        "calendar_description": q.calendar_description, "tables": _zone_tables(place, q, municipalities, population),
        "published": published_for_zone(place), "chart": charts.sphere_year_chart(q),
        "map": charts.project_map(place, municipalities or [place], points), "point_count": len(points),
        "projects": tables.zone_project_table(projects), "project_list": projects, "project_count": project_count,
        "footprint": zone_footprint, "population": population.get(place.code),
        "demo_rows": q.demo_rows, "demo_note": quantum.DEMO_NOTE,
    }


def _headline(q: quantum.Quantum, project_count: int, zone_footprint: dict[str, Any]) -> dict[str, Any]:
    """The figures opening the page: the same totals as its tables (government budget = the table's
    Government row, all years), so each is checked where the table is."""
    return {"government": q.government(BudgetKind.BUDGET), "private": q.private(BudgetKind.BUDGET),
            "projects": project_count, "present": len(zone_footprint["present"]),
            "absent": len(zone_footprint["absent"])}


def zone(request: HttpRequest, code: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.zones().select_related("province"), code=code.upper())
    calendar = _choice(request, "calendar", CALENDARS, "april")
    view = _choice(request, "view", quantum.VIEWS, "annual")
    if fmt := request.GET.get("format"):
        q = quantum.shared_zone_quantum(place.code, calendar, view)
        flat = tables.Table("rows", "Quantum rows", ROW_HEADER, list(quantum_rows(q)), quantum_notes(q))
        page = _shared_zone_page(place, calendar, view)
        return _exported(request, fmt, f"investment-{place.code}-{calendar}-{view}",
                       [flat, *page["tables"], page["projects"], _footprint_table(page["footprint"])])
    return render(request, "investment/zone.html", {
        "body": zone_body(place, calendar, view), "zone": place,
        # A national count: shown when the job worker (after an import) or the unmapped page has made
        # it, never computed here, so a zone page costs what the zone's data costs.
        "unmapped_count": caching.peek("investment:unmapped-count"),
    })


def _shared_zone_page(place: Place, calendar: str, view: str) -> dict[str, Any]:
    return caching.remember("investment:zone-page", lambda: _zone_page(place, calendar, view), calendar, view,
                            zone=place.code)


def zone_body(place: Place, calendar: str = "april", view: str = "annual") -> SafeString:
    """The zone investment page's body: it depends only on the data, the zone, calendar and view, so it is
    rendered once per version of the zone's data and shared (a warm page costs one cache read, not
    re-rendering a metro's tables; an import into another zone leaves it in place: ddm.caching). The job
    worker renders it after an import for the zones the import wrote to (intake.tasks), so their first
    visitors find it ready. ``place`` with its province."""
    # The page's parts are not cached apart here (their pickling cost a cold page ~0.1 s): only the
    # body is served; an export computes and caches them on its own (_shared_zone_page).
    return caching.rendered_body("investment:zone-html", "investment/_zone_body.html", lambda: {
        **_zone_page(place, calendar, view), "zone": place, "calendar": calendar, "view": view,
        "calendars": CALENDAR_DESCRIPTIONS, "export_query": f"calendar={calendar}&view={view}&",
        "includes": quantum.INCLUDES, "progress_rows": _zone_progress(place)}, calendar, view, zone=place.code)


ZONE_PROGRESS_SHOWN = 100


def _zone_progress(place: Place) -> list[tuple[Project, str, ProgressReport]]:
    """The zone's projects' latest quarterly reports (the zone's projects only, never the nation's)."""
    rows = progress.zone_progress(place)
    return [(p, progress.quarter_label(r.quarter_end, p.organisation.fy_start_month), r)
            for p, r in rows[:ZONE_PROGRESS_SHOWN]]


def zone_delivery_section(place: Place) -> str:
    """The places zone page's "Delivery" summary (handed down in InvestmentConfig.ready): the zone's
    latest reported quarter, linking to this app's zone page for the projects."""
    return render_to_string("investment/_zone_delivery_summary.html", {
        "zone": place, "summary": delivery.zone_delivery(place, timezone.localdate()),
        "basis": delivery.SUMMARY_BASIS, "late_rule": delivery.LATE_RULE})


def _footprint_table(zone_footprint: dict[str, Any]) -> tables.Table:
    rows = [[r["organisation"].name, dict(Sphere.choices)[r["organisation"].sphere], r["count"], r["amount"]]
            for r in zone_footprint["present"]]
    rows += [[o.name, dict(Sphere.choices)[o.sphere], 0, ""] for o in zone_footprint["absent"]]
    return tables.Table("footprint", "Organisations with projects in the zone, and departments without",
                        ["Organisation", "Sphere", "Projects", "Budget located in the zone (Rand, all years)"], rows,
                        ["Departments with 0 projects: national departments and this province's departments with "
                         "no localised project in the zone."])


# ---------------------------------------------------------------------------------------------
# Footprint and unmapped, nationally.

def footprint_page(request: HttpRequest) -> HttpResponse:
    data = footprint.national_footprint()
    header = ["Organisation", "Sphere", "Zones", "Projects", "Budget (Rand)"] + [z.code for z in data["zones"]]
    rows = [[r["organisation"].name, r["organisation"].sphere, r["zones_present"], r["count"], r["amount"]]
            + [c["count"] or "" for c in r["cells"]] for r in data["rows"]]
    amounts = [[r["organisation"].name, r["organisation"].sphere] + [c["amount"] or "" for c in r["cells"]]
               for r in data["rows"]]
    silent = list(footprint.silent_organisations())
    export_tables = [
        tables.Table("counts", "Projects per organisation and zone", header, rows),
        tables.Table("rand", "Budget located per organisation and zone (Rand, all years)",
                     ["Organisation", "Sphere"] + [z.code for z in data["zones"]], amounts),
        tables.Table("silent", "Reference organisations that submitted nothing", ["Code", "Organisation", "Sphere",
                     "Province"], [[o.code, o.name, o.sphere, o.province.code if o.province else ""] for o in silent]),
    ]
    response = _export(request, "investment-footprint", export_tables)
    if response:
        return response
    provinces = list(Place.objects.provinces().without_geometry().order_by("code"))
    province = next((p for p in provinces if p.code == request.GET.get("province")), None)
    silent_by_sphere = Counter(o.get_sphere_display() for o in silent)
    return render(request, "investment/footprint.html", {
        "data": data, "matrix": footprint.folded(data, provinces, province), "provinces": provinces,
        "province": province, "shown": FOOTPRINT_ROWS_SHOWN, "silent": silent,
        "silent_by_sphere": sorted(silent_by_sphere.items())})


FOOTPRINT_ROWS_SHOWN = 25


def unmapped(request: HttpRequest) -> HttpResponse:
    quantum.shared_unmapped_count()  # the count zone pages show
    quality = quantum.located_and_unmapped()
    projects = quantum.unmapped_projects()
    kinds = dict(BudgetKind.choices)
    export_tables = [
        tables.Table("organisations", "Located and unmapped Rand per organisation", [
            "Organisation", "Sphere", "Kind", "Total (Rand)", "Located in zones", "Not located", "% not located"],
            [[r["organisation"].name, r["organisation"].sphere, kinds.get(r["kind"], r["kind"]), r["total"],
              r["located"], r["unmapped"], r["unmapped_share"] or ""] for r in quality["rows"]]),
        tables.Table("projects", "Projects with no location in any zone", [
            "Organisation", "Reference", "Title", "Locations (province or national only)"]
            + [kinds[k] for k in BudgetKind.values],
            [[p.organisation.name, p.reference, p.title, p.location_count]
             + [p.totals_by_kind.get(k, "") for k in BudgetKind.values] for p in projects]),
    ]
    response = _export(request, "investment-unmapped", export_tables)
    if response:
        return response
    return render(request, "investment/unmapped.html", {
        "quality": quality, "projects": projects, "kinds": BudgetKind.choices, "kind_labels": kinds})


# ---------------------------------------------------------------------------------------------
# Projects.

class ProjectForm(forms.ModelForm[Project]):
    class Meta:
        model = Project
        fields = ["title", "description", "sector", "status", "start_date", "end_date", "catalytic",
                  "implementing_agent"]
        widgets = {"start_date": forms.DateInput(attrs={"type": "date"}),
                   "end_date": forms.DateInput(attrs={"type": "date"})}


class NoteForm(forms.ModelForm[ProjectNote]):
    class Meta:
        model = ProjectNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}


def project(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_project_for_user(request, pk)
    locations = item.locations.select_related("place", "municipality", "zone", "province")
    lines = item.budget_lines.order_by("kind", "fy_first", "pk")
    return render(request, "investment/project.html", {
        "project": item, "locations": locations, "lines": lines,
        "history": history.project_history(item), "notes": item.notes.select_related("author"),
        "can_edit": can_edit_project(request.user, item), "can_annotate": can_annotate_project(request.user, item),
        "note_form": NoteForm(), "show_users": request.user.is_authenticated,
        "published": item.published_totals.select_related("zone"),
        "pending": review.pending_changes(request.user, item),
        "progress_reports": _progress_rows(item),
        "chains": delivery.project_chains(item, timezone.localdate()),
        "can_report": can_edit_project(request.user, item),
        "progress_form": ProgressForm(initial={"quarter": progress.quarter_label(
            progress.current_quarter_end(), item.organisation.fy_start_month)},
            may_publish=can_approve_for(request.user, item.organisation)),
    })


def _progress_rows(item: Project) -> list[tuple[str, ProgressReport]]:
    month = item.organisation.fy_start_month
    return [(progress.quarter_label(r.quarter_end, month), r) for r in item.progress.order_by("quarter_end")]


class ProgressForm(forms.Form):
    quarter = forms.CharField(max_length=40, help_text="e.g. 2024/25 Q1 (your financial year) or 2024-06-30")
    stage = forms.ChoiceField(choices=[("", "(unchanged)")] + list(Stage.choices), required=False)
    progress = forms.CharField(max_length=20, required=False, label="Physical progress (%)")
    expenditure_to_date = forms.CharField(max_length=40, required=False, label="Expenditure to date (Rand)")
    actual_start = forms.CharField(max_length=40, required=False)
    actual_completion = forms.CharField(max_length=40, required=False)
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    publish = forms.BooleanField(required=False, label="Publish now, without review (as approver)")

    def __init__(self, *args: Any, may_publish: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not may_publish:
            del self.fields["publish"]


@require_POST
def project_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a quarter's progress (budget lines are untouched): the organisation's submitters. Reviewed
    like a file (review.submit_progress): submitted, or published when allowed."""
    item = get_project_for_user(request, pk, edit=True)
    form = ProgressForm(request.POST, may_publish=can_approve_for(request.user, item.organisation))
    if not form.is_valid():
        messages.error(request, "Check the progress form: " + "; ".join(
            f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items()))
        return redirect(item)
    try:
        submission = review.submit_progress(item, form.cleaned_data, request.user, "form",
                                            publish=form.cleaned_data.get("publish", False))
    except progress.ParseError as exc:
        messages.error(request, f"Progress not saved: {exc}")
        return redirect(item)
    if submission.status == SubmissionStatus.SUBMITTED:
        messages.success(request, f"Progress submitted for review (submission {submission.pk}): it counts in no "
                                  "public figure until a reviewer approves it.")
    else:
        messages.success(request, "Progress published.")
    return redirect(item)


def project_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_project_for_user(request, pk, edit=True)
    form = ProjectForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()  # simple_history's middleware records request.user as the author of the change
        messages.success(request, "Project saved; the change is in its history.")
        return redirect(item)
    return render(request, "investment/project_edit.html", {"project": item, "form": form})


@require_POST
def project_note(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_project_for_user(request, pk, annotate=True)
    form = NoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "A note needs some text.")
    else:
        # get_project_for_user(annotate=True) refused a visitor who has not signed in.
        ProjectNote.objects.create(project=item, author=cast(User, request.user), text=form.cleaned_data["text"])
        messages.success(request, "Note added.")
    return redirect(item)



def _quarter_arg(request: HttpRequest) -> datetime.date:
    """The ?quarter= asked for (a quarter's last day or "2024Q3"), default the last ended quarter."""
    text = request.GET.get("quarter")
    if not text:
        return progress.current_quarter_end()
    try:
        return progress.parse_quarter(text, 1)
    except progress.ParseError as exc:
        raise Http404(str(exc)) from None


def _quarter_choices(end: datetime.date) -> list[datetime.date]:
    choices, day = [], end
    for _ in range(8):
        choices.append(day)
        day = progress.current_quarter_end(day)
    return choices


def completeness_page(request: HttpRequest) -> HttpResponse:
    """National completeness and timeliness of quarterly progress reporting, per zone (as DHIS2)."""
    quarter = _quarter_arg(request)
    data = completeness.national_completeness(quarter)
    if (fmt := request.GET.get("format")) in ("csv", "xlsx"):
        table = tables.Table(
            "completeness", f"Quarterly progress reporting, quarter ending {quarter}",
            ["Zone", "Name", "Province", "Expected", "Reported", "On time", "Completeness %", "Timeliness %",
             "Expected, no project registered"],
            [[r["zone"].code, r["zone"].name, r["zone"].province.code, r["expected"], r["reported"], r["on_time"],
              r["completeness"], r["timeliness"], r["no_projects"]] for r in data["zones"]],
            [completeness.__doc__.split("\n\n")[1].replace("\n", " ")])
        return _exported(request, fmt, f"completeness-{quarter}", [table])
    return render(request, "investment/completeness.html", {
        "data": data, "quarter": quarter, "choices": _quarter_choices(progress.current_quarter_end())})


def zone_completeness_page(request: HttpRequest, code: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())
    quarter = _quarter_arg(request)
    data = completeness.zone_completeness(place, quarter)
    return render(request, "investment/zone_completeness.html", {
        "data": data, "zone": place, "quarter": quarter, "choices": _quarter_choices(progress.current_quarter_end())})
