"""Places API via the Django test client."""

import pytest
import shapely
from shapely.geometry import shape

from ddm.places.models import Place

pytestmark = pytest.mark.django_db


def test_locate_durban(client):
    response = client.get("/api/places/locate", {"lat": "-29.8587", "lon": "31.0218"})
    assert response.status_code == 200
    body = response.json()
    assert body["municipality"]["code"] == "ETH" and body["municipality"]["name"] == "eThekwini"
    assert body["zone"] == {"code": "ETH", "name": "eThekwini", "category": "A"}
    assert body["province"] == {"code": "KZN", "name": "KwaZulu-Natal"}
    assert body["ward"]["code"].startswith("595") and body["precision"] == "point"
    assert body["query"] == {"lat": -29.8587, "lon": 31.0218} and body["demarcation_year"] == 2020


@pytest.mark.parametrize("lat, lon", [("-29.31", "27.48"), ("-26.3054", "31.1367"), ("-32.0", "15.0")])
def test_locate_outside_is_404(client, lat, lon):
    response = client.get("/api/places/locate", {"lat": lat, "lon": lon})
    assert response.status_code == 404
    assert response.json() == {"detail": "not in South Africa"}


@pytest.mark.parametrize("params", [{"lat": "abc", "lon": "31"}, {"lat": "95", "lon": "31"},
                                    {"lat": "-29", "lon": "181"}, {"lat": "nan", "lon": "31"}, {"lat": "-29"}])
def test_locate_invalid_is_422(client, params):
    assert client.get("/api/places/locate", params).status_code == 422


def test_resolve_historic_name(client):
    body = client.get("/api/places/resolve", {"name": "Umtata"}).json()
    assert body["best"]["match"] == "alias" and body["best"]["municipality"] == "EC157"
    assert body["best"]["municipality_name"] == "King Sabata Dalindyebo" and body["best"]["zone_name"] == "O.R.Tambo"
    assert not body["ambiguous"]


def test_resolve_ambiguous_and_narrowed(client):
    body = client.get("/api/places/resolve", {"name": "Middelburg"}).json()
    assert body["ambiguous"] and body["best"] is None and len(body["candidates"]) == 2
    narrowed = client.get("/api/places/resolve", {"name": "Middelburg", "province": "MP"}).json()
    assert narrowed["best"]["municipality"] == "MP313"


def test_resolve_errors(client):
    assert client.get("/api/places/resolve", {"name": "Xyzzyqwerty"}).status_code == 404
    assert client.get("/api/places/resolve", {"name": " "}).status_code == 422
    assert client.get("/api/places/resolve", {"name": "Middelburg", "province": "Atlantis"}).status_code == 422


def test_zones_list(client):
    body = client.get("/api/zones").json()
    assert len(body) == 52
    assert sum(z["category"] == "A" for z in body) == 8
    dc15 = next(z for z in body if z["code"] == "DC15")
    assert dc15["province"] == {"code": "EC", "name": "Eastern Cape"}
    assert dc15["local_municipality_count"] == 5  # EC153-EC157
    # Every local municipality is counted once, in its own zone.
    assert sum(z["local_municipality_count"] for z in body) == 205


def test_zone_detail_with_geojson(client):
    body = client.get("/api/zones/dc15").json()
    assert [m["code"] for m in body["municipalities"]] == ["EC153", "EC154", "EC155", "EC156", "EC157"]
    geometry = shape(body["geometry"])
    assert geometry.is_valid and geometry.contains(shapely.Point(28.7844, -31.5889))  # Mthatha
    without = client.get("/api/zones/DC15", {"geometry": "false"}).json()
    assert without["geometry"] is None and without["municipalities"] == body["municipalities"]


def test_municipality_detail(client):
    body = client.get("/api/municipalities/EC157", {"geometry": "false"}).json()
    assert body["zone"]["code"] == "DC15" and body["province"]["code"] == "EC"
    assert body["ward_count"] == Place.objects.wards().filter(parent__code="EC157").count() > 0
    assert body["geometry"] is None


def test_unknown_codes_are_404(client):
    assert client.get("/api/zones/XX99").status_code == 404
    assert client.get("/api/municipalities/XX999").status_code == 404


def test_openapi_documents_every_response_code(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    expected = {"/api/places/locate": {"200", "404", "422"}, "/api/places/resolve": {"200", "404", "422"},
                "/api/zones": {"200"}, "/api/zones/{code}": {"200", "404"},
                "/api/municipalities/{code}": {"200", "404"}}
    for path, codes in expected.items():
        assert set(paths[path]["get"]["responses"]) >= codes, path
