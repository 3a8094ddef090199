"""Parameters the schema does not allow are refused (422 with ninja's field errors), never read as
something else; the values it states are accepted. Found by the contract test; kept here by name."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/engagement/overdue?today=0",  # pydantic alone reads a number as Unix time: 1970-01-01
    "/api/zones/DC15/hub?today=1700000000",
    "/api/engagement/overdue?today=2024-02-30",
    "/api/alignment/needs?year=AAA",
    "/api/alignment/needs?kind=wishes",
    "/api/alignment/localisation?kind=base",  # an indicator kind, not a budget kind
    "/api/indicators/population/values?level=galaxy",
    "/api/zones/DC15/facilities.geojson?kind=library",
    "/api/zones/DC15/quantum?limit=0",
    "/api/zones/DC15/quantum?calendar=march",
    "/api/zones/DC15/duplicates?min_score=101",
    "/api/completeness?quarter=AAA",
    "/api/completeness?quarter=2024-09-15",  # not a quarter's last day
    "/api/places/locate?lat=-91&lon=29.5",
    "/api/places/resolve?name=%20",
    "/api/places/resolve?name=Mthatha&province=Transkei",
    "/api/organisations?sphere=galactic",
])
def test_a_value_outside_the_schema_is_refused(client, url):
    response = client.get(url)
    assert response.status_code == 422, response.content
    assert "detail" in response.json()


@pytest.mark.parametrize("url", [
    "/api/engagement/overdue?today=2024-06-30",
    "/api/alignment/needs?kind=actual&year=2020/21&year=2021",
    "/api/alignment/localisation?kind=planned",
    "/api/indicators/population/values?level=province",
    "/api/zones/DC15/facilities.geojson?kind=school&kind=ems_station",
    "/api/zones/DC15/quantum?calendar=july&view=stated&limit=5000",
    "/api/completeness?quarter=2024Q3",
    "/api/completeness?quarter=2024-09-30",
    "/api/places/resolve?name=Mthatha&province=EC",
    "/api/organisations?sphere=national",
])
def test_a_value_the_schema_states_is_accepted(client, url):
    assert client.get(url).status_code == 200


def test_today_is_read_as_the_date_written(client):
    assert client.get("/api/engagement/overdue?today=2024-06-30").json()["today"] == "2024-06-30"


def test_the_schema_documents_the_answers_ninja_gives_itself(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/engagement/overdue"]["get"]["responses"]) >= {"200", "422"}
    assert set(paths["/api/submissions"]["post"]["responses"]) >= {"401", "422"}
    assert list(paths["/api/zones.geojson"]["get"]["responses"]["200"]["content"]) == ["application/geo+json"]
    kinds = paths["/api/zones/{code}/facilities.geojson"]["get"]["parameters"][1]["schema"]["items"]
    assert "school" in str(kinds)
