"""The profile's facilities section, on a small hand-made register."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest

from ddm.facilities.models import Facility, Kind, LocationStatus
from ddm.numbers import number
from ddm.places.models import Place
from ddm.profiles.facilities_section import facilities_section
from ddm.profiles.services import population_by_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_register(db):
    Facility.objects.all().delete()
    ec157 = Place.objects.municipalities().get(code="EC157")
    common = {"location_status": LocationStatus.LOCATED, "municipality": ec157, "latitude": -31.6, "longitude": 28.8}
    Facility.objects.create(kind=Kind.SCHOOL, source="dbe_schools_2024", ref="1", name="A", learners=300, educators=10,
                            **common)
    Facility.objects.create(kind=Kind.SCHOOL, source="dbe_schools_2024", ref="2", name="B", learners=100, educators=3,
                            **common)
    Facility.objects.create(kind=Kind.CHC, source="doh_chc", ref="3", name="C CHC", **common)
    Facility.objects.create(kind=Kind.CDC, source="doh_cdc", ref="4", name="D CDC", **common)
    Facility.objects.create(kind=Kind.HOSPITAL, source="dsfsi_hospitals", ref="5", name="E Hospital", **common)


def test_zone_section_rows_and_total(small_register):
    zone = Place.objects.zones().get(code="DC15")
    section = facilities_section(zone)
    assert [r["code"] for r in section["rows"]] == ["EC153", "EC154", "EC155", "EC156", "EC157"]
    ksd = section["rows"][-1]
    assert (ksd["schools"], ksd["learners"], ksd["educators"], str(ksd["learners_per_educator"])) == (2, 400, 13, "30.8")
    assert (ksd["clinics"], ksd["hospitals"]) == (2, 1)
    people, source = population_by_code()["EC157"]
    assert ksd["population"] == people and ksd["population_source"] == source
    assert ksd["clinics_per_10000"] == (Decimal(2 * 10000) / people).quantize(Decimal("0.01"), ROUND_HALF_UP)
    assert section["total"]["schools"] == 2 and section["total"]["code"] == "DC15"
    assert section["rows"][0]["learners_per_educator"] is None  # no schools: no ratio, not 0


def test_profile_page_shows_the_section(small_register, client):
    html = client.get("/profiles/zones/DC15/").content.decode()
    assert 'id="facilities"' in html and "Learners per educator" in html and "30.8" in html
    table = html.split('id="facilities-table"', 1)[1].split("</table>", 1)[0]
    for heading in ("Hospitals", "Community health centres", "Community day centres", "EMS stations", "Long-term care"):
        assert f'<th class="num">{heading}</th>' in table
    people = population_by_code()["EC157"][0]
    per_10000 = number((Decimal(2 * 10000) / people).quantize(Decimal("0.01"), ROUND_HALF_UP), 2)
    # EC157: 2 schools, 400 learners, 13 educators, 30.8; 1 hospital, 1 CHC, 1 CDC, clinics per 10,000, 0 EMS, 0 LTC
    assert re.search(r"<a href=\"/profiles/municipalities/EC157/\">EC157</a>[^<]*</td>" + "".join(
        rf'<td class="num"[^>]*>{re.escape(v)}</td>' for v in ("2", "400", "13", "30.8", "1", "1", "1", per_10000, "0", "0")),
        table)
    html = client.get("/profiles/municipalities/EC157/").content.decode()
    assert "E Hospital" not in html and "facilities-table" in html
