"""Every web page and API operation, for every role, checked against the access matrix below (issue #15).

A new endpoint cannot ship unchecked: the test fails naming each URL pattern (namespace:name) or API
operation (METHOD /api/path) that has no row in MATRIX. A row says, for the page read (GET) and for its
write (POST with a valid CSRF token and an empty body), which roles pass the access check:

- allowed: any answer but a refusal (200, a redirect elsewhere, a form error 200/400/422, a 409);
- refused: 403 for a signed-in user (401/403 for the API); the sign-in redirect for an anonymous visitor;
- None for the write: the endpoint takes no write (405 for everyone).

Each request runs in a transaction that is rolled back, so a write that succeeds changes nothing for the
next role. Rows whose answer is the same for everyone (files, public API reads) are checked as an anonymous
visitor and as a signed-in user without a role; read-only pages' POST as an anonymous visitor (a write
added there without a new row would send the visitor to sign in). Roles are held by fresh users over one
set of objects in O.R. Tambo (DC15, Eastern Cape): a project, a submission and a One Plan commitment of EC
Health; "elsewhere" roles cover KwaZulu-Natal, eThekwini or another EC department. Set DDM_ACCESS_RECORD=1
to print what each role actually gets.
"""

import os
from datetime import date
from decimal import Decimal

import pytest
import xlsxwriter
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from ddm.accounts.models import Organisation, Role, RoleKind
from ddm.places.models import Place

ROLES = {
    "anonymous": None,
    "public": (None, {}),
    "admin": (RoleKind.ADMIN, {}),
    "coordinator": (RoleKind.PROVINCIAL, {"province": "EC"}),
    "coordinator_elsewhere": (RoleKind.PROVINCIAL, {"province": "KZN"}),
    "hub": (RoleKind.HUB, {"zone": "DC15"}),
    "hub_elsewhere": (RoleKind.HUB, {"zone": "ETH"}),
    "submitter": (RoleKind.SUBMITTER, {"organisation": "ec-health"}),
    "submitter_elsewhere": (RoleKind.SUBMITTER, {"organisation": "ec-education"}),
    "approver": (RoleKind.APPROVER, {"organisation": "ec-health"}),
    "signer": (RoleKind.SUBMITTER, {"organisation": "DC15"}),  # the O.R. Tambo district municipality
    "consolidator": (RoleKind.CONSOLIDATOR, {"province": "EC"}),  # e.g. the EC provincial treasury
}

# Who passes, by rule. The object of every row is in DC15 (Eastern Cape) and belongs to EC Health.
EVERYONE = set(ROLES)
SIGNED_IN = EVERYONE - {"anonymous"}
ADMIN = {"admin"}
ZONE = {"admin", "coordinator", "hub"}  # coordinates DC15 (access.can_coordinate_place)
ORG = {"admin", "submitter", "approver", "consolidator"}  # submits for EC Health (access.can_submit_for)
REVIEWERS = {"admin", "approver", "coordinator"}  # approves EC Health's files (access.can_approve_for)
SUBMISSION_READERS = ORG | {"coordinator", "hub"}  # intake.access.can_view_submission
CONSOLIDATED_READERS = {"admin", "consolidator"}  # a consolidated upload: its uploader (the consolidator), admins
COMMITMENT_ADDERS = ZONE | {"signer"}  # the plan's editors; a municipality of the zone for itself
COMMITMENT_MANAGERS = ZONE | ORG  # editors; EC Health for its own commitment
INDICATOR_REPORTERS = ZONE | ORG | {"signer"}  # editors; who reports for a committed organisation (EC Health, DC15)
SIGNERS = {"admin", "coordinator", "signer"}  # national, EC and the O.R. Tambo district (DC15 in adoption)
HUB_ATTACHMENT_READERS = ZONE | {"signer", "consolidator"}  # the hub's editors; municipalities it serves (DC15)
HUB_CREATORS = {"admin", "coordinator", "coordinator_elsewhere"}  # the zones are checked when saved
SKILLS_EDITORS = ZONE | {"consolidator"}  # EC157's skills: its coordinators and whoever submits for it
FOLLOW_UP = ZONE | {"submitter", "approver", "consolidator"}  # the item's editors and its owner (EC Health)
USER_MANAGERS = {"admin", "coordinator"}  # the user is EC Health's submitter
COORDINATORS = {"admin", "coordinator", "coordinator_elsewhere"}
# Everyone, and the answer does not depend on who asks (files, public API reads, health checks): checked
# as an anonymous visitor and as a signed-in user without a role, which keeps the test fast.
ALIKE = frozenset(EVERYONE)
SAME = frozenset({"same as the read"})  # a read-only page: a POST is answered like the GET

RECORD = os.environ.get("DDM_ACCESS_RECORD")

# endpoint: (URL with {placeholders} of the objects below, who may read (GET), who may write (POST)[, roles
# to whom the object does not exist: 404, e.g. a user outside a coordinator's province]).
MATRIX: dict[str, tuple] = {
    "healthz": ("/healthz", ALIKE, SAME),
    "readyz": ("/readyz", ALIKE, SAME),
    "desk:home": ("/", EVERYONE, SAME),
    "places:home": ("/", EVERYONE, SAME),
    "places:zone": ("/zones/DC15/", EVERYONE, SAME),
    "places:zones_geojson": ("/zones.geojson", ALIKE, SAME),
    "places:zone_geojson": ("/zones/DC15/municipalities.geojson", ALIKE, SAME),
    "places:municipality": ("/municipalities/EC157/", EVERYONE, SAME),
    "places:province": ("/provinces/EC/", EVERYONE, SAME),
    "places:locate": ("/locate", EVERYONE, SAME),
    "places:sources": ("/about/sources", ALIKE, SAME),
    "investment:index": ("/investment/", EVERYONE, SAME),
    "investment:zone": ("/investment/zones/DC15/", EVERYONE, SAME),
    "investment:footprint": ("/investment/footprint/", EVERYONE, SAME),
    "investment:completeness": ("/investment/completeness/", EVERYONE, SAME),
    "investment:zone_completeness": ("/investment/zones/DC15/completeness/", EVERYONE, SAME),
    "investment:unmapped": ("/investment/unmapped/", EVERYONE, SAME),
    "investment:project": ("/investment/projects/{project}/", EVERYONE, SAME),
    "investment:project_edit": ("/investment/projects/{project}/edit/", ORG, ORG),
    "investment:project_note": ("/investment/projects/{project}/notes/", None, ZONE),
    "investment:project_progress": ("/investment/projects/{project}/progress/", None, ORG),
    "investment:submissions": ("/investment/submissions/", SIGNED_IN, SAME),
    "investment:upload": ("/investment/submissions/new/", SIGNED_IN, SIGNED_IN),
    "investment:consolidated": ("/investment/submissions/consolidated/{consolidated}/", CONSOLIDATED_READERS, SAME),
    "investment:consolidated_submit": ("/investment/submissions/consolidated/{consolidated}/submit/", None,
                                       CONSOLIDATED_READERS),
    "investment:submission": ("/investment/submissions/{submission}/", SUBMISSION_READERS, SAME),
    "investment:submission_commit": ("/investment/submissions/{submission}/commit/", None, ORG),
    "investment:submission_reread": ("/investment/submissions/{submission}/reread/", None, ORG),
    "investment:submission_approve": ("/investment/submissions/{submission}/approve/", None, REVIEWERS),
    "investment:submission_return": ("/investment/submissions/{submission}/return/", None, REVIEWERS),
    "investment:submission_source": ("/investment/submissions/{submission}/source/", SUBMISSION_READERS, SAME),
    "investment:submission_rejected": ("/investment/submissions/{submission}/rejected.xlsx", SUBMISSION_READERS, SAME),
    "investment:intake_template": ("/investment/template.xlsx", ALIKE, SAME),
    "profiles:index": ("/profiles/", EVERYONE, SAME),
    "profiles:compare": ("/profiles/compare/", EVERYONE, SAME),
    "profiles:zone": ("/profiles/zones/DC15/", EVERYONE, SAME),
    "profiles:narrative_edit": ("/profiles/zones/DC15/narrative/", ZONE, ZONE),
    "profiles:narrative_history": ("/profiles/zones/DC15/narrative/history/", EVERYONE, SAME),
    "profiles:municipality": ("/profiles/municipalities/EC157/", EVERYONE, SAME),
    "profiles:zone_pdf": ("/profiles/zones/DC15/profile.pdf", ALIKE, SAME),
    "profiles:zone_xlsx": ("/profiles/zones/DC15/profile.xlsx", ALIKE, SAME),
    "profiles:zone_csv": ("/profiles/zones/DC15/profile.csv", ALIKE, SAME),
    "profiles:municipality_csv": ("/profiles/municipalities/EC157/profile.csv", ALIKE, SAME),
    "profiles:municipality_pdf": ("/profiles/municipalities/EC157/profile.pdf", ALIKE, SAME),
    "profiles:municipality_xlsx": ("/profiles/municipalities/EC157/profile.xlsx", ALIKE, SAME),
    "alignment:needs": ("/alignment/", EVERYONE, SAME),
    "alignment:localisation": ("/alignment/localisation/", EVERYONE, SAME),
    "alignment:duplicates": ("/alignment/zones/DC15/duplicates/", EVERYONE, SAME),
    "alignment:settlements": ("/alignment/zones/DC15/settlements/", EVERYONE, SAME),
    "alignment:compare": ("/alignment/zones/DC15/duplicates/{project}/{other_project}/", EVERYONE, ZONE),
    "alignment:undo": ("/alignment/zones/DC15/duplicates/{project}/{other_project}/undo/", None, ZONE),
    "oneplan:dashboard": ("/oneplan/", EVERYONE, SAME),
    "oneplan:reminders": ("/oneplan/reminders/", EVERYONE, SAME),
    "oneplan:results": ("/oneplan/results/", EVERYONE, SAME),
    "oneplan:zone": ("/oneplan/zones/DC15/", EVERYONE, SAME),
    "oneplan:export_pdf": ("/oneplan/zones/DC15/export.pdf?version=1", ALIKE, SAME),
    "oneplan:export_xlsx": ("/oneplan/zones/DC15/export.xlsx?version=1", ALIKE, SAME),
    "oneplan:start": ("/oneplan/zones/DC15/start/", None, ZONE),
    "oneplan:advance": ("/oneplan/zones/DC15/advance/", None, ZONE),
    "oneplan:link_profile": ("/oneplan/zones/DC15/profile-link/", None, ZONE),
    "oneplan:vision": ("/oneplan/zones/DC15/vision/", ZONE, ZONE),
    "oneplan:review": ("/oneplan/zones/DC15/review/", ZONE, ZONE),
    "oneplan:phase": ("/oneplan/zones/DC15/phases/vision/", ZONE, ZONE),
    "oneplan:document": ("/oneplan/zones/DC15/phases/vision/documents/", ZONE, ZONE),
    "oneplan:document_file": ("/oneplan/zones/DC15/documents/{document}/", EVERYONE, None),  # One Plans are public
    "oneplan:focal_area_new": ("/oneplan/zones/DC15/focal-areas/new/", ZONE, ZONE),
    "oneplan:focal_area": ("/oneplan/zones/DC15/focal-areas/{focal_area}/", ZONE, ZONE),
    "oneplan:strategy_new": ("/oneplan/zones/DC15/strategies/new/", ZONE, ZONE),
    "oneplan:strategy": ("/oneplan/zones/DC15/strategies/{strategy}/", ZONE, ZONE),
    "oneplan:action_new": ("/oneplan/zones/DC15/actions/new/", ZONE, ZONE),
    "oneplan:action": ("/oneplan/zones/DC15/actions/{action}/", ZONE, ZONE),
    "oneplan:indicator_new": ("/oneplan/zones/DC15/indicators/new/", ZONE, ZONE),
    "oneplan:indicator": ("/oneplan/zones/DC15/indicators/{indicator}/", ZONE, ZONE),
    "oneplan:actual": ("/oneplan/zones/DC15/indicators/{indicator}/actuals/", INDICATOR_REPORTERS, INDICATOR_REPORTERS),
    "oneplan:delete": ("/oneplan/zones/DC15/delete/strategy/{strategy}/", None, ZONE),
    "oneplan:commitment_new": ("/oneplan/zones/DC15/commitments/new/", COMMITMENT_ADDERS, COMMITMENT_ADDERS),
    "oneplan:commitment": ("/oneplan/zones/DC15/commitments/{commitment}/", COMMITMENT_MANAGERS, COMMITMENT_MANAGERS),
    "oneplan:commitment_delete": ("/oneplan/zones/DC15/commitments/{commitment}/delete/", None, COMMITMENT_MANAGERS),
    "oneplan:commitment_report": ("/oneplan/zones/DC15/commitments/{commitment}/report/", COMMITMENT_MANAGERS,
                                  COMMITMENT_MANAGERS),
    "oneplan:stage": ("/oneplan/zones/DC15/commitments/{commitment}/stages/", COMMITMENT_MANAGERS, COMMITMENT_MANAGERS),
    "oneplan:sign": ("/oneplan/zones/DC15/sign/", SIGNERS, SIGNERS),
    "oneplan:return": ("/oneplan/zones/DC15/return/", SIGNERS, SIGNERS),
    "capacity:national": ("/capacity/", EVERYONE, SAME),
    "capacity:new_hub": ("/capacity/hubs/new/", HUB_CREATORS, HUB_CREATORS),
    "capacity:hub": ("/capacity/hubs/{hub}/", EVERYONE, SAME),
    "capacity:edit_hub": ("/capacity/hubs/{hub}/edit/", ZONE, ZONE),
    "capacity:position": ("/capacity/hubs/{hub}/positions/manager/", ZONE, ZONE),
    "capacity:plan": ("/capacity/hubs/{hub}/plan/", None, ZONE),
    "capacity:attachments": ("/capacity/hubs/{hub}/attachments/", None, ZONE),
    "capacity:attachment": ("/capacity/hubs/{hub}/attachments/{attachment}/", HUB_ATTACHMENT_READERS, None),
    "capacity:zone": ("/capacity/zones/DC15/", EVERYONE, SAME),
    "capacity:zone_xlsx": ("/capacity/zones/DC15/skills.xlsx", ALIKE, SAME),
    "capacity:municipality": ("/capacity/municipalities/EC157/", EVERYONE, SAME),
    "capacity:upload": ("/capacity/municipalities/EC157/upload/", None, SKILLS_EDITORS),
    "capacity:upload_job": ("/capacity/municipalities/EC157/uploads/{skills_job}/", SKILLS_EDITORS, None),
    "capacity:override": ("/capacity/municipalities/EC157/overrides/", None, SKILLS_EDITORS),
    "capacity:template": ("/capacity/skills/template.xlsx", ALIKE, SAME),
    "engagement:national": ("/engagement/", EVERYONE, SAME),
    "engagement:overdue": ("/engagement/overdue/", EVERYONE, SAME),
    "engagement:overdue_csv": ("/engagement/overdue.csv", ALIKE, SAME),
    "engagement:zone": ("/engagement/zones/DC15/", EVERYONE, SAME),
    "engagement:new_event": ("/engagement/zones/DC15/events/new/", None, ZONE),
    "engagement:event": ("/engagement/events/{event}/", EVERYONE, SAME),
    "engagement:edit_event": ("/engagement/events/{event}/edit/", ZONE, ZONE),
    "engagement:attendance": ("/engagement/events/{event}/attendance/", None, ZONE),
    "engagement:new_item": ("/engagement/events/{event}/items/", None, ZONE),
    "engagement:item": ("/engagement/items/{item}/", EVERYONE, SAME),
    "engagement:edit_item": ("/engagement/items/{item}/edit/", ZONE, ZONE),
    "engagement:follow_up": ("/engagement/items/{item}/follow-up/", None, FOLLOW_UP),
    "engagement:links": ("/engagement/items/{item}/links/", None, ZONE),
    "briefing:zone": ("/briefing/zones/DC15/", EVERYONE, SAME),
    "briefing:zone_pdf": ("/briefing/zones/DC15/briefing.pdf", ALIKE, SAME),
    "login": ("/accounts/login/", ALIKE, SAME),
    "logout": ("/accounts/logout/", None, EVERYONE),
    "password_set": ("/accounts/set-password/MQ/x-y/", ALIKE, SAME),
    "accounts:users": ("/accounts/users/", COORDINATORS, SAME),  # each sees only the users in their scope
    "accounts:user": ("/accounts/users/{user}/", USER_MANAGERS, USER_MANAGERS, {"coordinator_elsewhere"}),
    "accounts:remove_role": ("/accounts/users/{user}/roles/{role}/remove/", None, USER_MANAGERS,
                             {"coordinator_elsewhere"}),
    "GET /api/places/locate": ("/api/places/locate?lat=-31.6&lon=29.5", ALIKE, SAME),
    "GET /api/places/resolve": ("/api/places/resolve?name=Mthatha", ALIKE, SAME),
    "GET /api/zones": ("/api/zones", ALIKE, SAME),
    "GET /api/zones/{code}": ("/api/zones/DC15", ALIKE, SAME),
    "GET /api/municipalities/{code}": ("/api/municipalities/EC157", ALIKE, SAME),
    "GET /api/zones.geojson": ("/api/zones.geojson?detail=overview", ALIKE, SAME),
    "GET /api/zones/{code}/municipalities.geojson": ("/api/zones/DC15/municipalities.geojson", ALIKE, SAME),
    "GET /api/zones/{code}/wards.geojson": ("/api/zones/DC15/wards.geojson", ALIKE, SAME),
    "GET /api/zones/{code}/quantum": ("/api/zones/DC15/quantum", ALIKE, SAME),
    "GET /api/projects/{project_id}": ("/api/projects/{project}", ALIKE, SAME),
    "GET /api/zones/{code}/projects": ("/api/zones/DC15/projects", ALIKE, SAME),
    "POST /api/submissions": ("/api/submissions", None, SIGNED_IN),
    "GET /api/submissions/{submission_id}": ("/api/submissions/{submission}", SUBMISSION_READERS, SAME),
    "GET /api/organisations": ("/api/organisations", ALIKE, SAME),
    "POST /api/submissions/{submission_id}/approve": ("/api/submissions/{submission}/approve", None, REVIEWERS),
    "POST /api/submissions/{submission_id}/return": ("/api/submissions/{submission}/return", None, REVIEWERS),
    "GET /api/projects/{project_id}/progress": ("/api/projects/{project}/progress", ALIKE, SAME),
    "POST /api/projects/{project_id}/progress": ("/api/projects/{project}/progress", None, ORG),
    "POST /api/progress": ("/api/progress", None, SIGNED_IN),
    "GET /api/completeness": ("/api/completeness", ALIKE, SAME),
    "GET /api/zones/{code}/profile": ("/api/zones/DC15/profile", ALIKE, SAME),
    "GET /api/municipalities/{code}/profile": ("/api/municipalities/EC157/profile", ALIKE, SAME),
    "GET /api/indicators": ("/api/indicators", ALIKE, SAME),
    "GET /api/indicators/{code}/values": ("/api/indicators/population/values", ALIKE, SAME),
    "GET /api/zones/{code}/duplicates": ("/api/zones/DC15/duplicates", ALIKE, SAME),
    "POST /api/zones/{code}/duplicates/decisions": ("/api/zones/DC15/duplicates/decisions", None, ZONE),
    "POST /api/zones/{code}/duplicates/decisions/undo": ("/api/zones/DC15/duplicates/decisions/undo", None, ZONE),
    "GET /api/alignment/needs": ("/api/alignment/needs", ALIKE, SAME),
    "GET /api/alignment/localisation": ("/api/alignment/localisation", ALIKE, SAME),
    "GET /api/zones/{code}/settlement-flags": ("/api/zones/DC15/settlement-flags", ALIKE, SAME),
    "GET /api/zones/{code}/oneplan": ("/api/zones/DC15/oneplan", ALIKE, SAME),
    "GET /api/oneplan/reminders": ("/api/oneplan/reminders", ALIKE, SAME),
    "GET /api/oneplan/results": ("/api/oneplan/results", ALIKE, SAME),
    "POST /api/zones/{code}/oneplan/signoffs": ("/api/zones/DC15/oneplan/signoffs", None, {"signer"}),
    "POST /api/zones/{code}/oneplan/advance": ("/api/zones/DC15/oneplan/advance", None, ZONE),
    "GET /api/zones/{code}/hub": ("/api/zones/DC15/hub", ALIKE, SAME),
    "GET /api/zones/{code}/skills": ("/api/zones/DC15/skills", ALIKE, SAME),
    "GET /api/zones/{code}/engagements": ("/api/zones/DC15/engagements", ALIKE, SAME),
    "GET /api/engagement/overdue": ("/api/engagement/overdue", ALIKE, SAME),
    "GET /api/engagement/items/{item_id}/chain": ("/api/engagement/items/{item}/chain", ALIKE, SAME),
    "GET /api/zones/{code}/facilities.geojson": ("/api/zones/DC15/facilities.geojson", ALIKE, SAME),
    "GET /api/zones/{code}/facilities": ("/api/zones/DC15/facilities", ALIKE, SAME),
    "GET /api/zones/{code}/projects.geojson": ("/api/zones/DC15/projects.geojson", ALIKE, SAME),
    "GET /api/map/indicators": ("/api/map/indicators", ALIKE, SAME),
    "GET /api/map/indicators/{indicator}": ("/api/map/indicators/population", ALIKE, SAME),
    "GET /api/zones/{code}/map/indicators": ("/api/zones/DC15/map/indicators", ALIKE, SAME),
    "GET /api/zones/{code}/map/indicators/{indicator}": ("/api/zones/DC15/map/indicators/population", ALIKE, SAME),
}


def _web_endpoints(resolver=None, prefix="", namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespace + (f"{entry.namespace}:" if entry.namespace else "")
            yield from _web_endpoints(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            if route.startswith(("api/", "admin/", "static/", "media/")) or not entry.name:
                continue  # the API is listed by operation below; Django's admin checks is_staff itself
            yield namespace + entry.name, route


def _api_operations():
    from ddm.api.urls import api

    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in operations:
            yield f"{method.upper()} {path}"


def _endpoints():
    return sorted({name for name, _route in _web_endpoints()} | set(_api_operations()))


def test_every_endpoint_has_a_row_in_the_access_matrix():
    missing = sorted(set(_endpoints()) - set(MATRIX))
    stale = sorted(set(MATRIX) - set(_endpoints()))
    assert not missing and not stale, (
        "say who may use each endpoint in MATRIX of tests/common/test_access_matrix.py: "
        f"without a row {missing}; rows of endpoints that no longer exist {stale}")
    shadowed = {"places:home"}  # "/" is the desk's (which shows the zones to anonymous visitors)
    elsewhere = {name: resolve(row[0].split("?")[0].format_map(_AnyId())).view_name for name, row in MATRIX.items()
                 if " " not in name and name not in shadowed}
    assert {name: view for name, view in elsewhere.items() if view != name} == {}


class _AnyId(dict):
    def __missing__(self, key):
        return "1"


# --- the objects and the users -----------------------------------------------------------------


def _xlsx(rows):
    import io

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Projects")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    buffer.seek(0)
    buffer.name = "projects.xlsx"
    return buffer


def _objects(users):
    from ddm import bootstrap
    from ddm.alignment.review import record_decision
    from ddm.capacity.models import Hub, PlanAttachment
    from ddm.engagement.models import Event, Item
    from ddm.investment import review
    from ddm.investment.models import BudgetLine, ConsolidatedUpload, Location, Precision, Project
    from ddm.jobs.models import FileJob
    from ddm.oneplan.models import Action, Commitment, OnePlan, PhaseDocument, PlanIndicator

    bootstrap.load_demo(lambda message: None)
    dc15 = Place.objects.zones().get(code="DC15")
    health = Organisation.objects.get(code="ec-health")
    project = Project.objects.create(organisation=health, reference="MATRIX-1", title="Matrix clinic")
    Location.objects.create(project=project, precision=Precision.ZONE, place=dc15, zone=dc15,
                            province_id=dc15.province_id)
    BudgetLine.objects.create(project=project, kind="budget", amount=Decimal("1000000"), fy_first=2020, fy_last=2020)
    other = Project.objects.filter(locations__zone=dc15).exclude(pk=project.pk).order_by("pk").first()
    rows = [["Project name", "Project ID", "Local municipality", "Budget 2019/20 (R'000)"],
            ["Port St Johns clinic", "MATRIX-2", "EC154", "1 000"], ["Lusikisiki road", "MATRIX-3", "EC154", "many"]]
    submission = review.submit_file(_xlsx(rows), health, users["submitter"], "api", accept_valid=True,
                                    filename="projects.xlsx")
    assert submission.status == "submitted", (submission.status, submission.errors)
    record_decision(dc15, project.pk, other.pk, "distinct", users["admin"])
    consolidated = ConsolidatedUpload.objects.create(user=users["consolidator"], filename="provincial.csv",
                                                     status="submitted")
    version = OnePlan.objects.get(zone=dc15).current
    action = Action.objects.filter(strategy__focal_area__version=version).order_by("pk").first()
    commitment = Commitment.objects.create(action=action, organisation=health, description="Matrix clinic")
    document = PhaseDocument.objects.create(phase=version.phases.get(kind="vision"), title="Vision workshop",
                                            file=ContentFile(b"%PDF-1.4", name="vision.pdf"))
    hub = Hub.objects.get(zones=dc15)
    attachment = PlanAttachment.objects.create(hub=hub, title="Plan", file=ContentFile(b"%PDF-1.4", name="plan.pdf"))
    event = Event.objects.create(kind="imbizo", title="Matrix imbizo", zone=dc15, date=date(2026, 1, 15))
    item = Item.objects.create(event=event, kind="commitment", text="Open the clinic", owner_organisation=health)
    skills_job = FileJob.objects.create(kind="skills", filename="audit.csv", params={"municipality": "EC157"},
                                        status="done", result={"status": "rejected", "errors": [], "rejected": []})
    return {
        "project": project.pk, "other_project": other.pk, "submission": submission.pk, "consolidated": consolidated.pk,
        "focal_area": action.strategy.focal_area_id, "strategy": action.strategy_id, "action": action.pk,
        "commitment": commitment.pk, "indicator": PlanIndicator.objects.filter(version=version).first().pk,
        "hub": hub.pk, "attachment": attachment.pk, "document": document.pk, "event": event.pk, "item": item.pk,
        "user": users["submitter"].pk, "role": users["submitter"].ddm_roles.get().pk, "skills_job": skills_job.pk,
    }


def _user(name, spec):
    kind, scope = spec
    user = get_user_model().objects.create_user(username=f"matrix-{name}")
    if kind is not None:
        found = {"province": lambda code: Place.objects.provinces().get(code=code),
                 "zone": lambda code: Place.objects.zones().get(code=code),
                 "organisation": lambda code: Organisation.objects.get(code=code)}
        Role.objects.create(user=user, kind=kind, **{k: found[k](v) for k, v in scope.items()})
    return user


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo data, one user per role and the objects of the rows, for the whole module (rolled back)."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            users = {name: _user(name, spec) for name, spec in ROLES.items() if spec is not None}
            yield users, _objects(users)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- the check -----------------------------------------------------------------------------------

TOKEN = "matrixcsrftoken0123456789abcdefg"  # a 32-character CSRF secret: the cookie and the header agree


def _client(user):
    client = Client(enforce_csrf_checks=True, HTTP_X_CSRFTOKEN=TOKEN)
    client.cookies["csrftoken"] = TOKEN
    if user is not None:
        client.force_login(user)
    return client


def _outcome(response, api):
    status = response.status_code
    if status >= 500:
        return f"error {status}"
    if status == 302 and response["Location"].startswith("/accounts/login/"):
        return "sign-in"
    if status in (401, 403):
        return "refused"
    if status in (404, 405):
        return str(status)
    return "allowed"


def _expected(role, allowed, api, hidden=()):
    if allowed is None:
        return "405"
    if role in hidden:
        return "404"
    if role in allowed:
        return "allowed"
    return "sign-in" if role == "anonymous" and not api else "refused"


# API writes validate their body before the access check: each gets the smallest valid one.
API_BODIES = {
    "POST /api/submissions/{submission_id}/approve": {},
    "POST /api/submissions/{submission_id}/return": {},
    "POST /api/projects/{project_id}/progress": {"quarter": "2025Q1"},
    "POST /api/zones/{code}/duplicates/decisions": {"project_a": "project", "project_b": "other_project",
                                                    "decision": "distinct"},
    "POST /api/zones/{code}/duplicates/decisions/undo": {"project_a": "project", "project_b": "other_project"},
    "POST /api/zones/{code}/oneplan/signoffs": {"party": "district:DC15"},  # the signer's party
}


def _body(endpoint, objects):
    return {key: objects.get(value, value) if isinstance(value, str) else value
            for key, value in API_BODIES.get(endpoint, {}).items()}


def _request(client, method, url, api, body):
    with transaction.atomic():
        if method == "GET":
            response = client.get(url)
        elif api:
            response = client.post(url, body, content_type="application/json")
        else:
            response = client.post(url, {})
        transaction.set_rollback(True)
    return response


def _checks(role):
    """(endpoint, method, allowed) to run for this role: reads first (they share the cache), then writes."""
    reads, writes = [], []
    for endpoint, (_template, readers, writers, *_hidden) in MATRIX.items():
        method = endpoint.split(" ", 1)[0] if endpoint.startswith(("GET ", "POST ")) else None
        if readers is ALIKE and role not in ("anonymous", "public"):
            continue
        if method in (None, "GET"):
            reads.append((endpoint, "GET", readers))
        if method == "POST" or (method is None and (writers is not SAME or role == "anonymous")):
            # A read-only page answers a POST like a GET; an anonymous POST is enough to notice a write
            # added without a row here (it would be sent to sign in).
            writes.append((endpoint, "POST", readers if writers is SAME else writers))
    return reads + writes


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_gets_what_the_matrix_says(world, role):
    users, objects = world
    client = _client(users.get(role))
    wrong = []
    for endpoint, method, allowed in _checks(role):
        api = endpoint.startswith(("GET ", "POST "))
        url = MATRIX[endpoint][0].format(**objects)
        got = _outcome(_request(client, method, url, api, _body(endpoint, objects)), api)
        if endpoint == "logout" and users.get(role) is not None:
            client.force_login(users[role])
        want = _expected(role, allowed, api, MATRIX[endpoint][3] if len(MATRIX[endpoint]) > 3 else ())
        if want == "405" and got == "sign-in" and role == "anonymous":
            continue  # login_required answers before require_POST: the visitor is sent to sign in
        if RECORD:
            print(f"RECORD {endpoint}|{method}|{role}|{got}")
        elif got != want:
            wrong.append(f"{method} {url} ({endpoint}): {got}, expected {want}")
    assert not wrong, f"{role}: " + "; ".join(wrong)
