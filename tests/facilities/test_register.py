"""The facilities register: every packaged row kept, placed by the locator from its coordinates."""

import gzip

import pytest

from ddm.facilities import register
from ddm.facilities.models import Facility, Kind, LocationStatus
from ddm.facilities.services import Counts, counts_by_municipality, ratio
from ddm.places.locator import build_from_package
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


def _row(**values):
    base = dict.fromkeys(["source", "kind", "category", "ref", "name", "sector", "lat", "lon", "coordinates_note",
                          "learners", "educators", "village", "suburb", "town", "source_province",
                          "source_municipality"], "")
    return {**base, **values}


def test_rows_are_placed_by_coordinates_not_by_the_names_in_the_file():
    rows = [
        _row(lat="-31.5889", lon="28.7844", source_municipality="Nyandeni"),  # Mthatha: EC157 whatever the file says
        _row(coordinates_note="no coordinates"),
        _row(lat="-29.31", lon="27.48"),  # Maseru, Lesotho
        _row(lat="28.7844", lon="-31.5889"),  # Mthatha swapped
    ]
    out = list(register.located_rows(rows, build_from_package()))
    assert [(code, status) for _row_, _lat, _lon, code, status, _note in out] == [
        ("EC157", LocationStatus.LOCATED), (None, LocationStatus.MISSING), (None, LocationStatus.OUTSIDE),
        (None, LocationStatus.OUTSIDE)]
    assert out[1][5] == "no coordinates"
    assert out[2][5] == "-29.31, 27.48 is not in South Africa"
    assert "swapped; not guessed" in out[3][5] and out[3][1] == 28.7844  # kept as published


def test_every_packaged_row_is_in_the_register():
    with gzip.open(register.DATA_FILE, "rt", encoding="utf-8") as handle:
        lines = sum(1 for _ in handle) - 1
    assert Facility.objects.count() == lines == 27601
    assert Facility.objects.filter(kind=Kind.SCHOOL).count() == 25542
    statuses = {
        s: Facility.objects.filter(location_status=s).count() for s in LocationStatus.values}
    assert sum(statuses.values()) == lines
    assert statuses[LocationStatus.MISSING] > 0 and statuses[LocationStatus.OUTSIDE] > 0
    assert statuses[LocationStatus.LOCATED] > 27000
    assert not Facility.objects.located().filter(municipality__isnull=True).exists()
    assert not register.unplaced().filter(location_note="").exists()


def test_a_school_as_published():
    """DBE masterlist 2024, NatEmis 200100001: A V BUKANI PRIMARY SCHOOL, 25.71395/-33.52716, 1014 learners, 26 educators."""
    school = Facility.objects.select_related("municipality").get(source="dbe_schools_2024", ref="200100001")
    assert (school.name, school.learners, school.educators) == ("A V BUKANI PRIMARY SCHOOL", 1014, 26)
    assert (school.latitude, school.longitude) == (-33.52716, 25.71395)
    assert school.municipality.code == "EC106"  # Sundays River Valley, by the locator
    assert (school.citation, school.vintage) == ("Department of Basic Education, EMIS school masterlist", 2024)
    assert (school.town, school.suburb) == ("ADDO", "NOMATHAMSANQA")


def test_a_health_facility_loses_its_province_prefix():
    chc = Facility.objects.get(source="doh_chc", name="Maluti CHC")
    assert chc.kind == Kind.CHC and chc.municipality.code == "EC441" and chc.vintage == 2020


def test_counts_and_ratios_are_hand_computed_on_a_small_register():
    Facility.objects.all().delete()
    m = Place.objects.municipalities().get(code="EC157")
    common = {"source": "dbe_schools_2024", "location_status": LocationStatus.LOCATED, "municipality": m,
              "latitude": -31.6, "longitude": 28.8}
    Facility.objects.create(kind=Kind.SCHOOL, ref="1", name="A", learners=300, educators=10, **common)
    Facility.objects.create(kind=Kind.SCHOOL, ref="2", name="B", learners=100, educators=3, **common)
    Facility.objects.create(kind=Kind.SCHOOL, ref="3", name="C", learners=500, educators=None, **common)
    Facility.objects.create(kind=Kind.CHC, ref="4", name="D", **{**common, "source": "doh_chc"})
    Facility.objects.create(kind=Kind.SCHOOL, ref="5", name="E", learners=50, educators=2,
                            **{**common, "location_status": LocationStatus.MISSING, "municipality": None})
    counts = counts_by_municipality(["EC157", "EC153"])
    c = counts["EC157"]
    assert (c.schools, c.schools_with_figures, c.learners, c.educators, c.clinics) == (3, 2, 400, 13, 1)
    assert str(c.learners_per_educator) == "30.8"  # 400 / 13 = 30.77
    assert str(c.clinics_per_10000(25_000)) == "0.40"  # 1 x 10 000 / 25 000, two decimals
    assert counts["EC153"] == Counts("EC153")


def test_ratio_rounds_half_up_and_refuses_zero():
    assert str(ratio(1, 8)) == "0.1" and str(ratio(3, 8)) == "0.4" and ratio(1, 0) is None
