"""Settlement-level flags on a small hand-made register around Mthatha (DC15), distances computed by hand.

One degree of latitude is 6371 km * pi / 180 = 111.195 km, so 0.018 deg north is 2.0 km, 0.036 deg 4.0 km,
0.009 deg 1.0 km and 0.09 deg 10.0 km.
"""

import pytest

from ddm.alignment import settlement
from ddm.facilities.models import Facility, Kind, LocationStatus
from ddm.places.models import Place

pytestmark = pytest.mark.django_db
LAT, LON = -31.5889, 28.7844  # Mthatha (EC157)


@pytest.fixture
def register(db, make_project):
    Facility.objects.all().delete()
    ec157 = Place.objects.municipalities().get(code="EC157")

    def facility(kind, name, north, learners=None, educators=None, lat=LAT, lon=LON, village=""):
        return Facility.objects.create(
            kind=kind, source="dbe_schools_2024" if kind == Kind.SCHOOL else "doh_chc", ref=name, name=name,
            latitude=lat + north, longitude=lon, location_status=LocationStatus.LOCATED, municipality=ec157,
            learners=learners, educators=educators, village=village)

    facility(Kind.SCHOOL, "A Primary", 0.018, 80, 4, village="Ngangelizwe")  # 2.0 km, small
    facility(Kind.SCHOOL, "B Secondary", 0.036, 900, 30, village="Ngangelizwe")  # 4.0 km, 30 per educator
    facility(Kind.SCHOOL, "C Primary", 0.09, 50, 3)  # 10.0 km: small, but beyond 5 km
    facility(Kind.SCHOOL, "E Primary", -0.018, 450, 10, village="Ikwezi")  # 2.0 km south, 45 per educator
    facility(Kind.SCHOOL, "D Junior", 0, 900, 18, lat=-31.78, lon=28.61, village="QUNU")  # 50 per educator
    facility(Kind.SCHOOL, "F Junior", 0.009, 880, 20, lat=-31.78, lon=28.61, village="Qunu")  # 44 per educator
    facility(Kind.CHC, "Ngangelizwe CHC", 0.009)  # 1.0 km
    make_project("nat-water-and-sanitation", "ED1", "New Mthatha primary school", sector="education",
                 point=(LAT, LON))
    duplicate = make_project("nat-water-and-sanitation", "ED2", "Mthatha school (second report)", sector="education",
                             point=(-31.78, 28.61))
    duplicate.duplicate_of = duplicate.__class__.objects.get(reference="ED1")
    duplicate.save()
    make_project("nat-water-and-sanitation", "H1", "New clinic at Ngangelizwe", sector="health", point=(LAT, LON))
    make_project("nat-water-and-sanitation", "H2", "Refurbishment of Ngangelizwe CHC", sector="health",
                 point=(LAT, LON))
    make_project("nat-water-and-sanitation", "ED3", "Schools in KSD", sector="education")  # municipality only


def test_school_project_near_a_small_school(register):
    report = settlement.zone_flags("DC15")
    [flag] = report.of_kind("school_near_small_schools")
    assert flag.project["reference"] == "ED1" and flag.municipality == "EC157"
    assert [(e["name"], e["distance_km"], e["learners"]) for e in flag.evidence] == [
        ("A Primary", 2.0, 80), ("E Primary", 2.0, 450), ("B Secondary", 4.0, 900)]
    assert flag.reason == ("1 of the 3 schools within 5 km have fewer than 150 learners (2024): "
                           "A Primary (80 learners, 2.0 km)")


def test_clinic_project_beside_a_clinic_but_not_work_on_it(register):
    [flag] = settlement.zone_flags("DC15").of_kind("clinic_beside_clinic")
    assert flag.project["reference"] == "H1"
    assert flag.evidence == [{"facility": flag.evidence[0]["facility"], "name": "Ngangelizwe CHC",
                              "kind": "community_health_centre", "distance_km": 1.0}]
    assert flag.reason == "1 existing health facility within 2 km: Ngangelizwe CHC (1.0 km)"


def test_overcrowded_village_without_a_project(register):
    report = settlement.zone_flags("DC15")
    [flag] = report.of_kind("backlog_without_project")
    # D and F share the village (QUNU / Qunu); E (45 per educator) is 2.0 km from ED1 and is not flagged;
    # ED2 at Qunu is a confirmed duplicate and does not count.
    assert flag.subject == "QUNU" and flag.project is None
    assert [(e["name"], e["learners_per_educator"]) for e in flag.evidence] == [("D Junior", 50.0), ("F Junior", 44.0)]
    # nearest school of the settlement is F (-31.771, 28.61); to ED1 (-31.5889, 28.7844): 0.1821 deg = 20.25 km
    # north-south, 0.1744 deg * cos(31.68 deg) = 16.50 km east-west -> sqrt(20.25^2 + 16.50^2) = 26.1 km
    assert flag.reason.endswith("the nearest education project is 26.1 km away (New Mthatha primary school)")


def test_projects_without_a_point_are_counted_not_compared(register):
    report = settlement.zone_flags("DC15")
    assert report.point_projects.get("education") == 1 and report.other_projects.get("education", 0) >= 1


def test_page_and_api(register, client):
    page = client.get("/alignment/zones/DC15/settlements/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "New clinic at Ngangelizwe" in html and "A Primary, 2.0 km, 80 learners" in html and "QUNU" in html
    body = client.get("/api/zones/dc15/settlement-flags").json()
    assert {f["kind"] for f in body["flags"]} == set(settlement.LABELS) and len(body["rules"]) == 4
    assert client.get("/api/zones/XX1/settlement-flags").status_code == 404
    csv = client.get("/alignment/zones/DC15/settlements/", {"format": "csv"})
    assert csv.status_code == 200 and b"New clinic at Ngangelizwe" in csv.content


def test_haversine_matches_the_hand_value():
    assert round(float(settlement.distances_km(LAT, LON, [LAT + 0.018], [LON])[0]), 4) == 2.0015  # 0.018 * 111.195
    assert round(float(settlement.distances_km(-31.771, 28.61, [LAT], [LON])[0]), 1) == 26.1
