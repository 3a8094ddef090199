"""Profile pages, narrative permissions, downloads, compare view and the JSON API."""

import csv
import io
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ddm.accounts.models import RoleKind
from ddm.places.models import Place
from ddm.profiles.models import ZoneNarrative

pytestmark = pytest.mark.django_db

COLD_QUERIES = 32  # building a profile: definitions, values, ranks, map, wards, projects section, facilities (2)
WARM_QUERIES = 12  # cached profile: version, narrative, projects section, session


def test_every_zone_page_renders_with_bounded_queries(client):
    zones = list(Place.objects.zones().values_list("code", "name"))
    assert len(zones) == 52
    for code, name in zones:
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            response = client.get(f"/profiles/zones/{code}/")
        assert response.status_code == 200, code
        assert len(cold) <= COLD_QUERIES, (code, len(cold))
        html = response.content.decode()
        assert name.replace("'", "&#x27;") in html
        with CaptureQueriesContext(connection) as warm:
            assert client.get(f"/profiles/zones/{code}/").status_code == 200
        assert len(warm) <= WARM_QUERIES, (code, len(warm))


def test_zone_page_shows_sections_sources_ranks_charts_and_map(client):
    html = client.get("/profiles/zones/DC15/").content.decode()
    for number in range(1, 8):
        assert f"<h2>{number}. " in html
    for muni in ("EC153", "EC154", "EC155", "EC156", "EC157"):
        assert f'data-code="{muni}"' in html  # map of local municipalities
        assert f"/profiles/municipalities/{muni}/" in html
    assert 'id="chart-cs2016-age"' in html and 'id="chart-services"' in html
    assert "of 52 zones" in html
    assert "Eastern Cape" in html and "South Africa" in html
    # Every figure cell names its source and year on hover.
    cells = re.findall(r'<td class="num[^"]*" title="([^"]*)"', html)
    assert cells and all("(20" in title for title in cells)
    assert "Community Survey 2016" in html
    assert "Income: no data" in html and "Poverty" in html
    assert "/capacity/zones/DC15/" in html
    assert "No projects registered" in html or "by sphere and year" in html


def test_municipality_page(client):
    response = client.get("/profiles/municipalities/EC157/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "King Sabata Dalindyebo" in html and "of 213 municipalities" in html
    assert 'data-code="EC157"' in html
    assert client.get("/profiles/municipalities/XX1/").status_code == 404
    assert client.get("/profiles/zones/XX1/").status_code == 404


def test_narrative_can_be_edited_by_the_zones_hub_and_keeps_history(client_for, zone, client):
    dc15 = zone("DC15")
    hub = client_for(RoleKind.HUB, zone=dc15)
    form = hub.get("/profiles/zones/DC15/narrative/")
    assert form.status_code == 200
    data = {"summary": "Rural <b>district</b> with large water backlogs.", "challenges": "Water\nRoads",
            "potentials": "Agriculture", "catalytic_projects": "Mzimvubu water project"}
    assert hub.post("/profiles/zones/DC15/narrative/", data).status_code == 302
    hub.post("/profiles/zones/DC15/narrative/", {**data, "summary": "Second version"})
    narrative = ZoneNarrative.objects.get(zone=dc15)
    assert narrative.summary == "Second version" and narrative.updated_by == hub.user
    assert narrative.history.count() == 2
    page = client.get("/profiles/zones/DC15/").content.decode()
    assert "Second version" in page and "Mzimvubu water project" in page
    history = client.get("/profiles/zones/DC15/narrative/history/").content.decode()
    assert "Rural &lt;b&gt;district&lt;/b&gt;" in history and "Second version" in history  # escaped


def test_narrative_edit_is_refused_outside_the_role(client_for, zone, client):
    other_hub = client_for(RoleKind.HUB, zone=zone("DC36"))
    assert other_hub.get("/profiles/zones/DC15/narrative/").status_code == 403
    assert other_hub.post("/profiles/zones/DC15/narrative/", {"summary": "x"}).status_code == 403
    assert "/login/" in client.post("/profiles/zones/DC15/narrative/", {"summary": "x"})["Location"]  # sent to sign in
    viewer = client_for(RoleKind.VIEWER)
    assert viewer.post("/profiles/zones/DC15/narrative/", {"summary": "x"}).status_code == 403
    assert not ZoneNarrative.objects.filter(zone=zone("DC15")).exists()
    admin = client_for(RoleKind.ADMIN)
    assert admin.post("/profiles/zones/DC15/narrative/", {"summary": "By the administrator"}).status_code == 302
    # The edit button is shown to those who may edit, only.
    assert "Edit the development situation" not in other_hub.get("/profiles/zones/DC15/").content.decode()
    assert "Edit the development situation" in admin.get("/profiles/zones/DC15/").content.decode()


def test_api_profile_shape(client):
    data = client.get("/api/zones/DC15/profile").json()
    assert data["place"]["code"] == "DC15" and data["place"]["province"]["code"] == "EC"
    assert [c["code"] for c in data["columns"]] == ["DC15", "EC153", "EC154", "EC155", "EC156", "EC157", "EC", "ZA"]
    assert [s["number"] for s in data["sections"]] == [1, 2, 3, 4, 5, 6, 7]
    row = next(r for s in data["sections"] for r in s["rows"] if r["code"] == "pct_persons_piped_water")
    assert set(row) >= {"name", "unit", "source", "year", "formula", "values", "rank", "footnote"}
    assert row["rank"]["of"] == 52 and row["year"] == 2016
    assert all(isinstance(v["value"], str) for v in row["values"])  # decimals as strings, never floats
    assert "svg" not in str(data["sections"][1].get("charts", [{}])[0].keys())
    assert "projects" in data and "narrative" in data
    muni = client.get("/api/municipalities/EC157/profile").json()
    assert [c["code"] for c in muni["columns"]] == ["EC157", "DC15", "EC", "ZA"]
    assert client.get("/api/zones/NOPE/profile").status_code == 404
    values = client.get("/api/indicators/persons_no_piped_water/values?level=zone").json()
    assert len(values["values"]) == 52 and values["unit"] == "persons"
    assert client.get("/api/indicators/population/values?level=galaxy").status_code == 422  # refused by the enumeration


def test_metro_profile_has_no_separate_local_column(client):
    data = client.get("/api/zones/ETH/profile").json()
    assert [c["code"] for c in data["columns"]] == ["ETH", "KZN", "ZA"]


def test_compare_ranks_all_zones_worst_first_with_csv(client):
    response = client.get("/profiles/compare/?indicator=pct_persons_piped_water&indicator=unemployment_rate")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('data-code="') == 52  # choropleth
    table = html.split('id="compare-table"')[1]
    assert table.count("<tr") == 53
    download = client.get("/profiles/compare/?indicator=pct_persons_piped_water&format=csv")
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == 53
    shares = [float(r[4]) for r in rows[1:]]
    assert shares == sorted(shares)  # higher is better: worst (lowest) first
    assert "Community Survey 2016" in rows[1][6]
    assert client.get("/profiles/compare/?indicator=nonsense").status_code == 200


def test_index_lists_zones_and_indicators(client):
    html = client.get("/profiles/").content.decode()
    assert html.count("/profiles/zones/") >= 52
    assert "Unemployment rate (official)" in html


def test_projects_section_reads_the_investment_register(client, zone, organisation):
    from decimal import Decimal

    from ddm.investment.models import BudgetLine, Location, Project

    dc15 = zone("DC15")
    ec157 = dc15.children.get(code="EC157")
    empty = client.get("/profiles/zones/DC15/").content.decode()
    assert "No projects registered" in empty
    department = organisation("nat-basic-education")
    project = Project.objects.create(organisation=department, reference="T-1", title="Mthatha test clinic",
                                     sector="health")
    Location.objects.create(project=project, precision="point", latitude=-31.5889, longitude=28.7844, place=ec157,
                            municipality=ec157, zone=dc15, province=dc15.province)
    BudgetLine.objects.create(project=project, kind="budget", amount=Decimal("12500000.00"), fy_first=2019,
                              fy_last=2019)
    html = client.get("/profiles/zones/DC15/").content.decode()
    assert "No projects registered" not in html
    assert "Mthatha test clinic" in html and "2019/20" in html
    assert "R12.5 m" in html
    assert 'data-point="1"' in html  # the located project on the map
    other = client.get("/profiles/municipalities/EC153/").content.decode()
    assert "Mthatha test clinic" not in other and "No projects registered" in other


def test_readers_share_one_body_and_editors_get_theirs_with_the_edit_link(client_for, zone, client):
    hub = client_for(RoleKind.HUB, zone=zone("DC15"))
    reader = client_for(RoleKind.HUB, zone=zone("DC36"))
    edit = "Edit the development situation"
    anonymous = client.get("/profiles/zones/DC15/").content.decode()
    assert edit not in anonymous and "Sign out" not in anonymous
    editor_page = hub.get("/profiles/zones/DC15/").content.decode()
    assert edit in editor_page and hub.user.username in editor_page
    reader_page = reader.get("/profiles/zones/DC15/").content.decode()
    assert edit not in reader_page and reader.user.username in reader_page and hub.user.username not in reader_page
    assert edit not in client.get("/profiles/zones/DC15/").content.decode()
    assert edit in hub.get("/profiles/zones/DC15/").content.decode()
