"""GeoJSON of a zone's projects (#12 maps): only counted projects with a point in the zone, public fields,
the budget as stated with its years, formatted through ddm.numbers."""

import pytest
from _register import locate, org, project

from ddm.investment.models import Project

pytestmark = pytest.mark.django_db
URL = "/api/zones/DC15/projects.geojson"


@pytest.fixture
def dc15_projects():
    health = org("T-HEALTH", sphere="provincial", province="EC")
    clinic = project(health, "P1", [("1250000.00", 2021, 2022), ("250000.50", 2023, 2023),
                                    ("999.00", 2021, 2021, "actual")], title="Mthatha clinic")
    locate(clinic, municipality="EC157", point=(-31.5889, 28.7844))
    locate(clinic, municipality="EC154", point=(-31.62, 29.54))  # a second point of the same project
    road = project(health, "P2", [], title="Access road")  # no budget line
    locate(road, municipality="EC153", point=(-31.3, 29.6))
    locate(project(health, "P3", [("5", 2020, 2020)]), municipality="EC155")  # municipality only: no point
    locate(project(health, "P4", [("7", 2020, 2020)]), municipality="BUF", point=(-32.98, 27.87))  # other zone
    duplicate = project(health, "P5", [("9", 2020, 2020)], duplicate_of=clinic)
    locate(duplicate, municipality="EC157", point=(-31.59, 28.78))
    return clinic, road


def test_only_the_zones_counted_points_with_public_fields(client, dc15_projects):
    clinic, _road = dc15_projects
    response = client.get(URL)
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    body = response.json()
    # Hand count: P1 twice (two points), P2 once; P3 has no point, P4 is in BUF, P5 is a confirmed duplicate.
    assert [f["properties"]["reference"] for f in body["features"]] == ["P1", "P1", "P2"]
    first = body["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [28.7844, -31.5889]}
    assert first["properties"] == {
        "id": clinic.pk, "reference": "P1", "title": "Mthatha clinic", "organisation": "Test T-HEALTH (Eastern Cape)",
        "sphere": "Provincial", "sector": "Governance and other", "status": "",
        # 1 250 000.00 + 250 000.50 (budget lines; the actual line is another kind), 2021/22 to 2023/24
        "budget": "1500000.50", "budget_display": "R1.5 m", "budget_exact": "R1 500 000.50",
        "budget_years": "2021/22-2023/24", "place": "", "municipality": "EC157", "url": f"/investment/projects/{clinic.pk}/",
    }
    no_budget = body["features"][2]["properties"]
    assert no_budget["budget"] is None and no_budget["budget_display"] == "no budget line"
    assert body["zone"] == "DC15" and "as stated" in body["note"]
    assert set(first["properties"]) == set(no_budget)  # no extra (non-public) columns anywhere


def test_anonymous_reads_and_unknown_zone(client, dc15_projects):
    assert Project.objects.count() >= 5
    assert client.get("/api/zones/dc15/projects.geojson").status_code == 200
    assert client.get("/api/zones/XX99/projects.geojson").status_code == 404


def test_a_zone_without_points_is_an_empty_collection(client, dc15_projects):
    body = client.get("/api/zones/DC44/projects.geojson").json()
    assert body["type"] == "FeatureCollection" and body["features"] == []


def test_queries_do_not_grow_with_the_zones_projects(client, dc15_projects, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):  # zone, point locations with projects, budget lines (+ savepoint)
        client.get(URL)
