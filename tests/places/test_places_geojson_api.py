"""GeoJSON API of zones, a zone's municipalities and wards, and the zones' overview boundaries (#12).

Counts checked by hand in src/ddm/places/data: DC15 (O.R. Tambo) has 5 local municipalities (EC153-EC157 in
municipalities_2020.csv) and 32 + 20 + 32 + 26 + 37 = 147 wards (wards_2020.csv: EC153 32, EC154 20,
EC155 32, EC156 26, EC157 37); eThekwini, a metro, is its own single municipality with 111 wards.
"""

import json

import pytest
import shapely
from shapely.geometry import Point, shape

from ddm.places.api import PlaceCollection
from ddm.places.geojson import simplified
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
DC15_MUNICIPALITIES = ["EC153", "EC154", "EC155", "EC156", "EC157"]


def _collection(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/geo+json"
    assert "Content-Disposition" not in response  # the API answers; the /zones... downloads attach
    data = json.loads(response.content)
    PlaceCollection.model_validate(data)  # the documented schema is what is sent
    return data


def _codes(data):
    return [f["properties"]["code"] for f in data["features"]]


def test_zone_municipalities_and_wards(client):
    municipalities = _collection(client, "/api/zones/dc15/municipalities.geojson")
    assert _codes(municipalities) == DC15_MUNICIPALITIES and municipalities["detail"] == "full"
    assert {f["properties"]["parent"] for f in municipalities["features"]} == {"DC15"}
    wards = _collection(client, "/api/zones/DC15/wards.geojson")
    assert len(wards["features"]) == 147 and wards["name"] == "DC15-wards"
    per_municipality = {code: sum(f["properties"]["parent"] == code for f in wards["features"])
                        for code in DC15_MUNICIPALITIES}
    assert per_municipality == {"EC153": 32, "EC154": 20, "EC155": 32, "EC156": 26, "EC157": 37}
    assert all(f["properties"]["level"] == "ward" and f["properties"]["province"] == "EC" for f in wards["features"])
    assert _codes(_collection(client, "/api/zones/ETH/municipalities.geojson")) == ["ETH"]
    assert len(_collection(client, "/api/zones/ETH/wards.geojson")["features"]) == 111


def test_unknown_zone_and_detail(client):
    assert client.get("/api/zones/XX99/wards.geojson").status_code == 404
    assert client.get("/api/zones/XX99/municipalities.geojson").status_code == 404
    assert client.get("/api/zones.geojson?detail=coarse").status_code == 422


def test_cost_follows_the_zone(client, django_assert_num_queries):
    with django_assert_num_queries(2):  # the zone, then its wards with their parents' codes
        client.get("/api/zones/DC15/wards.geojson")


def test_download_urls_send_the_same_collection(client):
    for download, api in (("/zones/DC15/wards.geojson", "/api/zones/DC15/wards.geojson"),
                          ("/zones.geojson", "/api/zones.geojson")):
        response = client.get(download)
        assert response["Content-Disposition"].startswith("attachment;")
        assert response.content == client.get(api).content


def test_overview_is_smaller_valid_and_covers_each_zone(client, django_assert_max_num_queries):
    full_response = client.get("/api/zones.geojson")
    overview_response = client.get("/api/zones.geojson?detail=overview")
    full, overview = json.loads(full_response.content), json.loads(overview_response.content)
    PlaceCollection.model_validate(overview)
    assert overview["detail"] == "overview" and full["detail"] == "full"
    assert _codes(overview) == _codes(full) and len(_codes(overview)) == 52
    assert len(overview_response.content) < len(full_response.content) / 2
    points = {p.code: Point(p.centroid_lon, p.centroid_lat) for p in Place.objects.zones()}
    for feature in overview["features"]:
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in ("Polygon", "MultiPolygon") and geometry.is_valid and not geometry.is_empty
        assert geometry.covers(points[feature["properties"]["code"]]), feature["properties"]["code"]
    with django_assert_max_num_queries(2):  # simplified once: later answers read the cache
        again = client.get("/api/zones.geojson?detail=overview")
    assert again.content == overview_response.content


def test_overview_keeps_a_zone_close_to_its_boundary():
    dc15 = Place.objects.zones().get(code="DC15")
    full, simple = shapely.from_geojson(dc15.geometry), shapely.from_geojson(simplified(dc15.geometry))
    assert full.hausdorff_distance(simple) < 0.02  # degrees: within the tolerance and the grid
    assert abs(simple.area - full.area) / full.area < 0.01


def test_home_map_fetches_the_overview(client):
    assert 'data-places="/api/zones.geojson?detail=overview"' in client.get("/").content.decode()
