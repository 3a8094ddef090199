"""GeoJSON downloads of zones, a zone's municipalities and its wards, linked from the zone page (#12)."""

import json

import pytest

pytestmark = pytest.mark.django_db


def test_zones_municipalities_and_wards(client):
    zones = json.loads(client.get("/zones.geojson").content)
    assert zones["type"] == "FeatureCollection" and len(zones["features"]) == 52
    dc15 = next(f for f in zones["features"] if f["properties"]["code"] == "DC15")
    assert dc15["properties"]["province"] == "EC" and dc15["geometry"]["type"] in ("Polygon", "MultiPolygon")
    response = client.get("/zones/DC15/municipalities.geojson")
    assert response["Content-Type"] == "application/geo+json"
    municipalities = json.loads(response.content)["features"]
    assert sorted(f["properties"]["code"] for f in municipalities) == ["EC153", "EC154", "EC155", "EC156", "EC157"]
    wards = json.loads(client.get("/zones/DC15/wards.geojson").content)["features"]
    assert wards and all(f["properties"]["parent"] in {"EC153", "EC154", "EC155", "EC156", "EC157"} for f in wards)
    assert client.get("/zones/DC15/roads.geojson").status_code == 404
    assert 'href="/zones/DC15/wards.geojson"' in client.get("/zones/DC15/").content.decode()
