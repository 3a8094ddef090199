"""Every web page and API operation is listed here with who may reach it, and checked (issue #15, Access).

A new endpoint cannot ship unchecked: this test fails naming each URL pattern (namespace:name) or API
operation (METHOD /api/path) that has no entry. To add one, put its name in PUBLIC (anyone may read it
without signing in) or leave it out of PUBLIC and add it to SIGNED_IN (an anonymous visitor is sent to
sign in: 302 to the login page, or 401/403/405), and make its view check role and scope with the
helpers of ddm.accounts.access. The API likewise: PUBLIC_API reads answer without a token; API_WRITES
never succeed without one. Scope (a signed-in user outside the object's zone/organisation) is checked by
the apps' own tests; a per-role matrix over every endpoint is still to come.
"""

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SAMPLE = {"code": "DC15", "province": "EC", "municipality": "EC157", "kind": "vision", "key": "national",
          "phase": "vision", "indicator": "water"}

PUBLIC = {
    'places:zone_geojson', 'places:zones_geojson',  # the interactive map's data: public like the maps
    'alignment:compare', 'alignment:duplicates', 'alignment:localisation', 'alignment:needs',
    'alignment:settlements', 'briefing:zone', 'briefing:zone_pdf', 'capacity:edit_hub', 'capacity:hub',
    'capacity:municipality', 'capacity:national', 'capacity:position', 'capacity:template', 'capacity:zone',
    'capacity:zone_xlsx', 'desk:home', 'engagement:event', 'engagement:item', 'engagement:national',
    'engagement:overdue', 'engagement:overdue_csv', 'engagement:zone', 'healthz', 'investment:footprint',
    'investment:completeness', 'investment:index', 'investment:intake_template', 'investment:project', 'investment:project_edit',
    'investment:unmapped', 'investment:zone', 'investment:zone_completeness', 'login', 'oneplan:dashboard', 'oneplan:export_pdf',
    'oneplan:export_xlsx', 'oneplan:reminders', 'oneplan:zone', 'password_set', 'places:home', 'places:locate',
    'places:municipality', 'places:province', 'places:sources', 'places:zone', 'profiles:compare', 'profiles:index',
    'profiles:municipality', 'profiles:municipality_csv', 'profiles:municipality_pdf', 'profiles:municipality_xlsx',
    'profiles:narrative_history', 'profiles:zone', 'profiles:zone_csv', 'profiles:zone_pdf', 'profiles:zone_xlsx',
    'readyz',
}
SIGNED_IN = {
    'accounts:remove_role', 'accounts:user', 'accounts:users', 'alignment:undo', 'capacity:attachment',
    'capacity:attachments', 'capacity:new_hub', 'capacity:override', 'capacity:plan', 'capacity:upload',
    'engagement:attendance', 'engagement:edit_event', 'engagement:edit_item', 'engagement:follow_up',
    'engagement:links', 'engagement:new_event', 'engagement:new_item', 'investment:project_note',
    'investment:project_progress',
    'investment:submission', 'investment:submission_approve', 'investment:submission_commit',
    'investment:submission_rejected', 'investment:submission_reread', 'investment:submission_return',
    'investment:submission_source', 'investment:submissions', 'investment:upload', 'logout', 'oneplan:action',
    'oneplan:action_new', 'oneplan:actual', 'oneplan:advance', 'oneplan:commitment', 'oneplan:commitment_delete',
    'oneplan:commitment_new', 'oneplan:commitment_report', 'oneplan:delete', 'oneplan:document',
    'oneplan:focal_area', 'oneplan:focal_area_new', 'oneplan:indicator', 'oneplan:indicator_new',
    'oneplan:link_profile', 'oneplan:phase', 'oneplan:return', 'oneplan:review', 'oneplan:sign', 'oneplan:stage',
    'oneplan:start', 'oneplan:strategy', 'oneplan:strategy_new', 'oneplan:vision', 'profiles:narrative_edit',
}
PUBLIC_API = {
    'GET /api/alignment/localisation', 'GET /api/alignment/needs', 'GET /api/completeness',
    'GET /api/projects/{project_id}/progress', 'GET /api/engagement/overdue',
    'GET /api/indicators', 'GET /api/indicators/{code}/values', 'GET /api/municipalities/{code}',
    'GET /api/municipalities/{code}/profile', 'GET /api/oneplan/reminders', 'GET /api/organisations',
    'GET /api/places/locate', 'GET /api/places/resolve', 'GET /api/projects/{project_id}',
    'GET /api/submissions/{submission_id}', 'GET /api/zones', 'GET /api/zones/{code}',
    'GET /api/zones/{code}/duplicates', 'GET /api/zones/{code}/engagements', 'GET /api/zones/{code}/facilities',
    'GET /api/zones/{code}/facilities.geojson', 'GET /api/zones/{code}/hub', 'GET /api/zones/{code}/oneplan',
    'GET /api/zones/{code}/profile', 'GET /api/zones/{code}/projects', 'GET /api/zones/{code}/quantum',
    'GET /api/zones/{code}/settlement-flags', 'GET /api/zones/{code}/skills',
    'GET /api/zones/{code}/projects.geojson', 'GET /api/map/indicators', 'GET /api/map/indicators/{indicator}',
    'GET /api/zones/{code}/map/indicators', 'GET /api/zones/{code}/map/indicators/{indicator}',
}
# Writes: the operation checks the token's user, role and scope itself; without a token it never succeeds.
API_WRITES = {
    'POST /api/progress', 'POST /api/projects/{project_id}/progress',
    'POST /api/submissions', 'POST /api/submissions/{submission_id}/approve',
    'POST /api/submissions/{submission_id}/return', 'POST /api/zones/{code}/duplicates/decisions',
    'POST /api/zones/{code}/duplicates/decisions/undo', 'POST /api/zones/{code}/oneplan/advance',
    'POST /api/zones/{code}/oneplan/signoffs',
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


def _url(route):
    def value(match):
        kind, name = match.group(1) or "str", match.group(2)
        return "1" if kind == "int" or name in ("pk", "id") or name.endswith("_id") else SAMPLE.get(name, "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def test_every_endpoint_has_an_entry_in_the_access_matrix():
    web = dict(_web_endpoints())
    missing = sorted(set(web) - PUBLIC - SIGNED_IN)
    missing_api = sorted(set(_api_operations()) - PUBLIC_API - API_WRITES)
    assert not missing and not missing_api, (
        "endpoints without an entry in tests/common/test_access_matrix.py (say who may use each): "
        f"web {missing}, API {missing_api}")


def test_anonymous_visitors_reach_only_public_endpoints():
    client = Client()
    wrong = []
    for name, route in _web_endpoints():
        response = client.get(_url(route))
        if name in SIGNED_IN and response.status_code == 200:
            wrong.append(f"{name} {_url(route)}: 200 for an anonymous visitor")
        if response.status_code >= 500:
            wrong.append(f"{name} {_url(route)}: {response.status_code}")
    for operation in API_WRITES:
        method, path = operation.split(" ", 1)
        response = getattr(client, method.lower())(_url(path.replace("{", "<").replace("}", ">")), {},
                                                    content_type="application/json")
        if response.status_code < 400 or response.status_code >= 500:
            wrong.append(f"{operation}: {response.status_code} without a token")
    assert not wrong, wrong
