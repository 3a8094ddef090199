"""Choropleths of the interactive maps (#12): an indicator's figures for a zone's municipalities (or the 52
zones) in quantile classes for the legend, with source and year; indicators listed only where they have data."""

from decimal import Decimal

import pytest

from ddm.profiles.choropleth import class_lower_bounds, class_of

pytestmark = pytest.mark.django_db


def test_quantile_classes_by_hand():
    assert class_lower_bounds(range(1, 11)) == [1, 3, 5, 7, 9]  # 10 figures, 5 classes of 2
    assert class_lower_bounds([4, 4, 4]) == [4]  # one distinct figure, one class
    assert class_lower_bounds([]) == []
    assert [class_of(v, [1, 3, 5, 7, 9]) for v in (1, 2, 3, 8, 10)] == [0, 0, 1, 3, 4]


def test_dc15_population_by_municipality(client):
    body = client.get("/api/zones/dc15/map/indicators/population").json()
    assert (body["year"], body["level"], body["zone"], body["unit_label"]) == (2022, "municipality", "DC15", "persons")
    assert "Census 2022" in body["source"]
    # Census 2022 populations of DC15's five municipalities (Stats SA), each its own class (5 figures, 5 classes).
    places = {p["code"]: (p["display"], p["class_index"]) for p in body["places"]}
    assert places == {"EC153": ("354 573", 3), "EC154": ("179 325", 0), "EC155": ("304 856", 2),
                      "EC156": ("186 391", 1), "EC157": ("476 558", 4)}
    assert [c["label"] for c in body["classes"]] == ["179 325", "186 391", "304 856", "354 573", "476 558"]


def test_national_population_in_five_classes(client):
    body = client.get("/api/map/indicators/population").json()
    assert body["level"] == "zone" and len(body["places"]) == 52
    # 52 zones: classes start at sorted positions 0, 10, 20, 31, 41 (k * 52 // 5), so they hold 10, 10, 11, 10, 11.
    assert [c["count"] for c in body["classes"]] == [10, 10, 11, 10, 11]
    values = sorted(Decimal(p["value"]) for p in body["places"])
    assert [Decimal(c["lowest"]) for c in body["classes"]] == [values[i] for i in (0, 10, 20, 31, 41)]


def test_percent_labels_and_no_data(client):
    body = client.get("/api/zones/DC15/map/indicators/unemployment_rate").json()
    assert body["unit_label"] == "%" and all(p["display"].endswith("%") for p in body["places"])
    assert all(c["label"].endswith("%") for c in body["classes"])


def test_indicator_lists(client):
    listed = client.get("/api/zones/DC15/map/indicators").json()
    codes = [i["code"] for i in listed]
    assert codes[0] == "population" and "unemployment_rate" in codes
    assert "audit_outcome" not in codes  # categorical: not mapped by quantity
    assert next(i for i in listed if i["code"] == "unemployment_rate")["label"] == "Unemployment rate (official) (%)"
    assert len(client.get("/api/map/indicators").json()) >= len(listed) - 5


def test_unknown_zone_or_indicator(client):
    assert client.get("/api/zones/XX99/map/indicators").status_code == 404
    assert client.get("/api/zones/DC15/map/indicators/no_such_thing").status_code == 404
    assert client.get("/api/map/indicators/audit_outcome").status_code == 404  # categorical
