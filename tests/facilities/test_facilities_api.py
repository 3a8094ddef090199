"""Facilities API: a zone's facilities as GeoJSON and its counts per municipality."""

import pytest

from ddm.facilities.models import Facility, Kind

pytestmark = pytest.mark.django_db


def test_zone_geojson_has_the_zones_located_facilities(client):
    response = client.get("/api/zones/DC15/facilities.geojson")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    body = response.json()
    expected = Facility.objects.in_zone("DC15").count()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == expected > 1000
    first = body["features"][0]
    assert first["geometry"]["type"] == "Point" and len(first["geometry"]["coordinates"]) == 2
    assert set(first["properties"]) >= {"kind", "name", "municipality", "source", "vintage", "learners"}
    assert {f["properties"]["municipality"] for f in body["features"]} <= {"EC153", "EC154", "EC155", "EC156",
                                                                           "EC157"}


def test_zone_geojson_filters_by_kind(client):
    body = client.get("/api/zones/dc15/facilities.geojson", {"kind": ["hospital", "community_health_centre"]}).json()
    kinds = {f["properties"]["kind"] for f in body["features"]}
    assert kinds <= {Kind.HOSPITAL, Kind.CHC} and len(body["features"]) == Facility.objects.in_zone("DC15").filter(
        kind__in=[Kind.HOSPITAL, Kind.CHC]).count()


def test_unknown_kind_and_zone(client):
    assert client.get("/api/zones/DC15/facilities.geojson", {"kind": "castle"}).status_code == 422
    assert client.get("/api/zones/XX99/facilities.geojson").status_code == 404


def test_zone_counts_add_up(client):
    body = client.get("/api/zones/DC15/facilities").json()
    assert body["totals"]["schools"] == sum(m["schools"] for m in body["municipalities"]) == Facility.objects.in_zone(
        "DC15").filter(kind=Kind.SCHOOL).count()
    assert [m["code"] for m in body["municipalities"]] == ["EC153", "EC154", "EC155", "EC156", "EC157"]
    assert body["sources"][0]["vintage"] == 2024


def test_zone_geojson_hand_checked_counts_and_schema(client):
    """DC15's located facilities by kind, checked by hand once: each facility's point tested against the DC15
    polygon with shapely (18 hospitals, 10 community health centres, 9 EMS stations, 1 258 schools)."""
    counts = {}
    for kind in ("hospital", "community_health_centre", "ems_station", "school"):
        response = client.get("/api/zones/DC15/facilities.geojson", {"kind": kind})
        assert response["Content-Type"] == "application/geo+json"
        counts[kind] = len(response.json()["features"])
    assert counts == {"hospital": 18, "community_health_centre": 10, "ems_station": 9, "school": 1258}
    hospital = client.get("/api/zones/DC15/facilities.geojson", {"kind": "hospital"}).json()["features"][0]
    assert hospital["properties"]["kind_label"] == "Hospital" and hospital["properties"]["vintage"] == 2021
