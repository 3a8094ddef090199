"""Pages of the alignment app: duplicate review per zone, needs versus investment, localisation.

Thin views: candidates and decisions come from ddm.alignment.review, figures from needs and
localisation; every write goes through ddm.accounts.access.get_zone_for_user(write=True).
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ddm import exports
from ddm.accounts.access import can_coordinate_place, get_zone_for_user
from ddm.alignment import localisation, needs, review, settlement
from ddm.alignment.duplicates import DEFAULT_THRESHOLD
from ddm.alignment.models import Decision
from ddm.investment.models import BudgetKind


def _min_score(request: HttpRequest) -> int:
    try:
        value = int(request.GET.get("min_score", DEFAULT_THRESHOLD))
    except ValueError:
        return DEFAULT_THRESHOLD
    return max(0, min(100, value))


def duplicates(request: HttpRequest, code: str) -> HttpResponse:
    zone = get_zone_for_user(request, code)
    candidates = review.zone_candidates(zone, _min_score(request))
    if request.GET.get("format") == "csv":
        return exports.csv_response(f"duplicates-{zone.code}.csv", review.CSV_HEADER, review.candidates_rows(candidates))
    return render(request, "alignment/duplicates.html", {
        "zone": zone, "candidates": candidates, "method": review.METHOD, "default_threshold": DEFAULT_THRESHOLD,
        "reviews": list(review.reviews_in_zone(zone)[:200]),
        "can_review": can_coordinate_place(request.user, zone),
    })


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices, widget=forms.RadioSelect)
    standing = forms.IntegerField(required=False, help_text="For a duplicate: the record that stands")
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


def compare(request: HttpRequest, code: str, a: int, b: int) -> HttpResponse:
    zone = get_zone_for_user(request, code, write=request.method == "POST")
    try:
        project_a, project_b, scored = review.pair_in_zone(zone, a, b)
    except review.DecisionError as exc:
        raise Http404(str(exc)) from None
    existing = review.DuplicateReview.objects.filter(project_a=project_a, project_b=project_b).first()
    form = DecisionForm(request.POST or None, initial={"decision": existing.decision if existing else None,
                                                       "standing": existing.standing_id if existing else None,
                                                       "note": existing.note if existing else ""})
    if request.method == "POST" and form.is_valid():
        try:
            review.record_decision(zone, project_a.pk, project_b.pk, form.cleaned_data["decision"], request.user,
                                   form.cleaned_data["note"], form.cleaned_data["standing"])
        except review.DecisionError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"Decision recorded: {form.cleaned_data['decision']}.")
            return redirect(reverse("alignment:duplicates", args=[zone.code]))
    return render(request, "alignment/compare.html", {
        "zone": zone, "a": review.snapshot(project_a), "b": review.snapshot(project_b), "scored": scored,
        "form": form, "existing": existing, "can_review": can_coordinate_place(request.user, zone),
        "project_a": project_a, "project_b": project_b,
    }, status=400 if form.errors else 200)


@require_POST
def undo(request: HttpRequest, code: str, a: int, b: int) -> HttpResponse:
    zone = get_zone_for_user(request, code, write=True)
    try:
        found = review.find_review(zone, a, b)
    except review.DecisionError as exc:
        raise Http404(str(exc)) from None
    review.undo_decision(found, request.user)
    messages.success(request, "Decision undone: the pair will be listed again if it still scores above the threshold.")
    return redirect(reverse("alignment:duplicates", args=[zone.code]))


# ---------------------------------------------------------------------------------------------
# Needs versus investment, department localisation.

def needs_page(request: HttpRequest) -> HttpResponse:
    service = request.GET.get("service", "")
    kind = request.GET.get("kind", BudgetKind.BUDGET)
    if kind not in BudgetKind.values:
        kind = BudgetKind.BUDGET
    try:
        years = needs.parse_years(request.GET.getlist("year"))
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc))
    report = needs.alignment(services=[service] if service in needs.SERVICES else None, kind=kind, years=years)
    if service not in needs.SERVICES and service != "all":  # none or unknown: open on a service with spend
        service = needs.default_service(report)
        report.tables = [t for t in report.tables if t.key == service]
    fmt = request.GET.get("format")
    if fmt == "csv":
        return exports.csv_response("needs-vs-investment.csv", needs.CSV_HEADER, needs.csv_rows(report))
    if fmt == "xlsx":
        sheets = [(t.label, needs.CSV_HEADER, [[t.key] + [r[k] for k in needs.ROW_KEYS] for r in t.rows],
                   needs.notes(report)) for t in report.tables]
        return exports.xlsx_response("needs-vs-investment.xlsx", sheets)
    charts = [(t, needs.chart(t)) for t in report.tables]  # SafeStrings from ddm.charts (every text escaped)
    return render(request, "alignment/needs.html", {
        "report": report, "charts": charts, "service": service, "services": needs.SERVICES, "kind": kind,
        "kinds": BudgetKind.choices, "notes": needs.notes(report), "query": request.GET.urlencode(),
    })


def localisation_page(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", BudgetKind.BUDGET)
    if kind not in BudgetKind.values:
        kind = BudgetKind.BUDGET
    report = localisation.localisation(kind)
    if request.GET.get("format") == "csv":
        return exports.csv_response("department-localisation.csv", localisation.CSV_HEADER,
                                    localisation.csv_rows(report))
    rows = localisation.reporting(report)
    return render(request, "alignment/localisation.html", {
        "report": report, "rows": rows, "without": len(report.rows) - len(rows), "kind": kind,
        "kinds": BudgetKind.choices,
    })


def settlements(request: HttpRequest, code: str) -> HttpResponse:
    """Settlement-level flags of one zone: school and clinic projects beside existing facilities, backlogs."""
    zone = get_zone_for_user(request, code)
    report = settlement.zone_flags(zone.code)
    if request.GET.get("format") == "csv":
        return exports.csv_response(f"settlement-flags-{zone.code}.csv", settlement.CSV_HEADER,
                                    settlement.csv_rows(report))
    sections = [(kind, label, report.of_kind(kind)) for kind, label in settlement.LABELS.items()]
    return render(request, "alignment/settlements.html", {"zone": zone, "report": report, "sections": sections})
