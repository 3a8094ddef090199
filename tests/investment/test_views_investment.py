from decimal import Decimal

import pytest
from _register import locate, org, project
from django.db import connection
from django.test import Client

from ddm.accounts.models import RoleKind
from ddm.investment.models import Project, ProjectNote
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    """The national ranking is cached between requests; each test starts from its own data."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def register(db):
    dept = org("t-water", province=None)
    water = project(dept, "W-1", [("1000.00", 2019, 2021), ("400.00", 2019, 2019, "actual")], sector="water",
                    title="=HYPERLINK(\"http://evil\")")
    locate(water, municipality="EC157", point=(-31.5889, 28.7844))
    road = project(org("t-roads"), "R-1", [("500.00", 2020, 2020)], sector="transport", title="Road <b>upgrade</b>")
    locate(road, zone="DC15")
    project(dept, "U-1", [("50.00", 2019, 2019)], title="Nowhere project")
    return {"water": water, "road": road, "dept": dept}


def test_pages_render_within_a_query_bound(client, register, django_assert_max_num_queries):
    # On PostgreSQL the zone quantum runs inside a savepoint with planner settings (SAVEPOINT,
    # set_config, RELEASE): three statements that are not data queries and that SQLite does not issue.
    zone = 25 + (3 if connection.vendor == "postgresql" else 0)
    for url, bound in [("/investment/", 12), ("/investment/zones/DC15/", zone),
                       ("/investment/zones/DC15/?calendar=july&view=stated", zone), ("/investment/footprint/", 12),
                       ("/investment/unmapped/", 12), (f"/investment/projects/{register['water'].pk}/", 20)]:
        with django_assert_max_num_queries(bound):
            response = client.get(url)
        assert response.status_code == 200, url


def test_zone_page_content(client, register):
    html = client.get("/investment/zones/DC15/").content.decode()
    assert "Road &lt;b&gt;upgrade&lt;/b&gt;" in html  # escaped
    assert 'title="includes apportioned shares"' in html  # the 3-year water line
    assert "Government (national + provincial + local + parastatal)" in html
    assert 'role="img" aria-label="Budget by sphere and financial year" class="chart"' in html and "<circle" in html
    assert "EC157" in html and "Nowhere project" not in html
    assert "Census 2022" in html and "(2022)" in html  # per-capita source: the newest population, named


def test_unknown_zone_is_404(client):
    assert client.get("/investment/zones/XX99/").status_code == 404


def test_exports_neutralise_formulas(client, register):
    response = client.get("/investment/zones/DC15/?format=csv&table=projects")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and ",=HYPERLINK" not in text
    rows = client.get("/investment/zones/DC15/?format=csv&table=rows").content.decode("utf-8-sig")
    assert rows.splitlines()[0].startswith("zone,calendar,view,sphere,organisation")
    xlsx = client.get("/investment/zones/DC15/?format=xlsx")
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"
    for url in ("/investment/?format=csv", "/investment/footprint/?format=xlsx",
                "/investment/unmapped/?format=csv&table=projects"):
        assert client.get(url).status_code == 200, url
    unmapped = client.get("/investment/unmapped/?format=csv&table=projects").content.decode("utf-8-sig")
    assert "Nowhere project" in unmapped


def test_bad_export_requests_are_refused(client, register):
    assert client.get("/investment/zones/DC15/?format=pdf").status_code == 400
    assert client.get("/investment/zones/DC15/?format=csv").status_code == 400  # several tables: name one
    assert client.get("/investment/zones/DC15/?format=csv&table=nope").status_code == 400


def test_ranking_filters(client, register):
    html = client.get("/investment/?province=EC&year=2020/21").content.decode()
    assert "DC15" in html and "ETH eThekwini" not in html
    assert "Computed " in html


def test_ranking_is_cached_for_a_while(client, register, django_assert_max_num_queries):
    client.get("/investment/")
    with django_assert_max_num_queries(3):  # computing the 52 zones takes 6
        assert client.get("/investment/").status_code == 200


def test_submitter_edits_own_projects_only_and_history_records_them(client_for, register):
    own = client_for(RoleKind.SUBMITTER, organisation=register["dept"])
    url = f"/investment/projects/{register['water'].pk}/edit/"
    assert own.get(url).status_code == 200
    response = own.post(url, {"title": "Bulk water phase 2", "sector": "water", "description": "", "status": "",
                              "implementing_agent": ""})
    assert response.status_code == 302
    assert Project.objects.get(pk=register["water"].pk).title == "Bulk water phase 2"
    record = register["water"].history.first()
    assert record.history_user == own.user
    page = own.get(f"/investment/projects/{register['water'].pk}/").content.decode()
    assert "Bulk water phase 2" in page and own.user.username in page and "HYPERLINK" in page  # old -> new
    other = client_for(RoleKind.SUBMITTER, organisation=register["road"].organisation)
    assert other.get(url).status_code == 403
    assert other.post(url, {"title": "hijack", "sector": "water"}).status_code == 403
    assert Project.objects.get(pk=register["water"].pk).title == "Bulk water phase 2"


def test_anonymous_and_viewers_cannot_edit_or_annotate(client, client_for, register):
    pk = register["road"].pk
    assert "/login/" in client.post(f"/investment/projects/{pk}/edit/", {"title": "x"})["Location"]
    assert "/login/" in client.post(f"/investment/projects/{pk}/notes/", {"text": "x"})["Location"]
    viewer = client_for(RoleKind.VIEWER)
    assert viewer.post(f"/investment/projects/{pk}/notes/", {"text": "x"}).status_code == 403
    assert ProjectNote.objects.count() == 0


def test_admin_edits_any_project(client_for, register):
    admin = client_for(RoleKind.ADMIN)
    response = admin.post(f"/investment/projects/{register['road'].pk}/edit/",
                          {"title": "Road (checked)", "sector": "transport"})
    assert response.status_code == 302
    assert Project.objects.get(pk=register["road"].pk).title == "Road (checked)"


def test_hub_members_and_coordinators_annotate_in_scope_only(client_for, register):
    pk = register["road"].pk  # located in DC15 (Eastern Cape)
    zones = Place.objects.zones()
    in_scope = client_for(RoleKind.HUB, zone=zones.get(code="DC15"))
    assert in_scope.post(f"/investment/projects/{pk}/notes/", {"text": "Site visited"}).status_code == 302
    coordinator = client_for(RoleKind.PROVINCIAL, province=Place.objects.provinces().get(code="EC"))
    assert coordinator.post(f"/investment/projects/{pk}/notes/", {"text": "Confirmed"}).status_code == 302
    elsewhere = client_for(RoleKind.HUB, zone=zones.get(code="ETH"))
    assert elsewhere.post(f"/investment/projects/{pk}/notes/", {"text": "no"}).status_code == 403
    other_province = client_for(RoleKind.PROVINCIAL, province=Place.objects.provinces().get(code="KZN"))
    assert other_province.post(f"/investment/projects/{pk}/notes/", {"text": "no"}).status_code == 403
    submitter = client_for(RoleKind.SUBMITTER, organisation=register["road"].organisation)
    assert submitter.post(f"/investment/projects/{pk}/notes/", {"text": "no"}).status_code == 403
    assert list(ProjectNote.objects.values_list("text", flat=True)) == ["Site visited", "Confirmed"]
    page = in_scope.get(f"/investment/projects/{pk}/").content.decode()
    assert "Site visited" in page and "Add note" in page


def test_writes_need_csrf(register, make_user):
    user = make_user("csrf-admin", RoleKind.ADMIN)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(f"/investment/projects/{register['road'].pk}/notes/", {"text": "x"})
    assert response.status_code == 403  # signed in, but no CSRF token: refused, nothing written
    assert not register["road"].notes.exists()


def test_footprint_lists_absent_departments_and_silent_organisations(client, register):
    html = client.get("/investment/zones/DC15/").content.decode()
    assert "Departments with no localised project here" in html
    footprint = client.get("/investment/footprint/").content.decode()
    assert "Test t-water" in footprint and "submitted nothing" in footprint
    counts = client.get("/investment/footprint/?format=csv&table=counts").content.decode("utf-8-sig")
    header, *rows = counts.splitlines()
    assert "DC15" in header.split(",")
    assert any(r.startswith("Test t-roads,national,1,1,500.00") for r in rows)


def test_money_is_shown_exactly(client, register):
    page = client.get(f"/investment/projects/{register['water'].pk}/").content.decode()
    assert "R1 000.00" in page and "R400.00" in page  # exact value on hover (ddm.numbers)
    assert Decimal("1000.00") == register["water"].budget_lines.get(kind="budget").amount
