"""Profile pages: thin views over ddm.profiles.sections (cached dicts) and the access helpers."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from ddm import caching, charts
from ddm.accounts.access import can_coordinate_place, get_zone_for_user
from ddm.exports import csv_response, xlsx_response
from ddm.places.models import Place
from ddm.profiles import compare, exports, projects, sections
from ddm.profiles.facilities_section import facilities_section
from ddm.profiles.forms import NarrativeForm
from ddm.profiles.models import ZoneNarrative


def index(request: HttpRequest) -> HttpResponse:
    zones = Place.objects.zones().without_geometry().select_related("province").order_by("province__code", "code")
    return render(request, "profiles/index.html", {
        "zones": zones, "indicators": compare.comparable_indicators(),
    })


def _profile_page(request: HttpRequest, place: Place, zone: Place) -> HttpResponse:
    can_edit = can_coordinate_place(request.user, zone)
    # The body is the same for every visitor but for the edit link: one shared body per place and data
    # version for readers, one for those who may edit (the link is all that differs; see the template).
    body = caching.rendered_body("profiles:profile-html", "profiles/_profile_body.html",
                                 lambda: _profile_context(place, zone, can_edit), place.level, place.code,
                                 "editor" if can_edit else "reader")
    return render(request, "profiles/profile.html", {"place": place, "body": body})


def _profile_context(place: Place, zone: Place, can_edit: bool) -> dict[str, Any]:
    profile = sections.get_profile(place)
    narrative = ZoneNarrative.objects.filter(zone=zone).select_related("updated_by").first()
    section6 = projects.project_section(place)
    spatial = next(s for s in profile["sections"] if s["key"] == "spatial")
    return {
        "place": place, "zone": zone, "profile": profile, "narrative": narrative, "can_edit": can_edit,
        "projects": section6,
        "project_map": mark_safe(charts.add_points(spatial["map"]["svg"], section6["points"])),  # noqa: S308 - ddm.charts SVG
        "is_zone": place.level == "zone", "facilities": facilities_section(
            place, [(m["code"], m["name"]) for m in profile["place"]["municipalities"]]),
    }


def zone_profile(request: HttpRequest, code: str) -> HttpResponse:
    # Geometry is deferred: it is only read when the cached profile is rebuilt (the map's view box).
    zone = get_object_or_404(Place.objects.zones().without_geometry().select_related("province"), code=code.upper())
    return _profile_page(request, zone, zone)


def municipality_profile(request: HttpRequest, code: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.municipalities().without_geometry().select_related("province", "parent"),
                              code=code.upper())
    assert place.parent is not None  # a municipality's parent is its zone
    return _profile_page(request, place, place.parent)


def _place(level: str, code: str) -> Place:
    queryset = Place.objects.zones() if level == "zone" else Place.objects.municipalities()
    return get_object_or_404(queryset.select_related("province", "parent"), code=code.upper())


def profile_pdf(request: HttpRequest, level: str, code: str) -> HttpResponse:
    place = _place(level, code)
    response = HttpResponse(exports.profile_pdf(place), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="profile-{place.code}.pdf"'
    return response


def profile_csv(request: HttpRequest, level: str, code: str) -> HttpResponse:
    place = _place(level, code)
    header, rows = exports.profile_csv(place)
    return csv_response(f"profile-{place.code}.csv", header, rows)


def profile_xlsx(request: HttpRequest, level: str, code: str) -> HttpResponse:
    place = _place(level, code)
    return xlsx_response(f"profile-{place.code}.xlsx", exports.profile_sheets(place))


@require_http_methods(["GET", "POST"])
def narrative_edit(request: HttpRequest, code: str) -> HttpResponse:
    zone = get_zone_for_user(request, code, write=True)
    narrative = ZoneNarrative.objects.filter(zone=zone).first() or ZoneNarrative(zone=zone)
    form = NarrativeForm(request.POST or None, instance=narrative)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.updated_by = request.user
        saved.save()
        messages.success(request, "Development situation saved; the previous text is kept in its history.")
        return redirect("profiles:zone", code=zone.code)
    return render(request, "profiles/narrative_form.html", {"zone": zone, "form": form})


def narrative_history(request: HttpRequest, code: str) -> HttpResponse:
    zone = get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())
    narrative = ZoneNarrative.objects.filter(zone=zone).first()
    records = narrative.history.select_related("history_user").order_by("-history_date") if narrative else []
    return render(request, "profiles/narrative_history.html", {"zone": zone, "records": records})


def compare_view(request: HttpRequest) -> HttpResponse:
    picked = compare.picked_indicators(request.GET.getlist("indicator"))
    table = compare.compare_table(picked)
    if request.GET.get("format") == "csv":
        header, rows = compare.csv_rows(table)
        return csv_response("zones-compared.csv", header, rows)
    return render(request, "profiles/compare.html", {
        "table": table, "picked": picked, "indicators": compare.comparable_indicators(),
        "map": mark_safe(compare.choropleth(table)) if table["indicators"] else "",  # noqa: S308 - escaped SVG
    })
