"""The facilities section in every export of a profile (API/JSON, CSV, XLSX, PDF), on a hand-made register.

EC157 King Sabata Dalindyebo, by hand:
- schools 3 (A: 300 learners, 10 educators; B: 100 and 3; C reports no figures), so learners 400 and
  educators 13 of the 2 schools reporting both; learners per educator 400 / 13 = 30.769... -> 30.8;
- 2 community health centres + 50 community day centres = 52 clinics; 1 hospital, 1 EMS station,
  1 long-term care facility;
- population 476 558 (Stats SA Census 2022, the newest figure of EC157);
  clinics per 10,000 people = 52 x 10 000 / 476 558 = 1.0911... -> 1.09 (two decimals).
"""

import csv
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ddm.facilities.models import Facility, Kind, LocationStatus
from ddm.places.models import Place

pytestmark = pytest.mark.django_db

EXPECTED = {  # figure code: (value as exported in JSON, year, a word of its source)
    "schools": (3, 2024, "Department of Basic Education"),
    "learners": (400, 2024, "Department of Basic Education"),
    "educators": (13, 2024, "Department of Basic Education"),
    "learners_per_educator": ("30.8", 2024, "Department of Basic Education"),
    "hospitals": (1, 2021, "hospitals"),
    "community_health_centres": (2, 2020, "community health centres"),
    "community_day_centres": (50, 2020, "community day centres"),
    "clinics": (52, 2020, "community day centres"),
    "ems_stations": (1, 2020, "EMS stations"),
    "long_term_care": (1, 2020, "long-term care"),
    "population": (476558, 2022, "Census 2022"),
    "clinics_per_10000": ("1.09", 2020, "population: Statistics South Africa (2023) Census 2022"),
}


@pytest.fixture
def register(db):
    Facility.objects.all().delete()
    ec157 = Place.objects.municipalities().get(code="EC157")
    common = {"location_status": LocationStatus.LOCATED, "municipality": ec157, "latitude": -31.6, "longitude": 28.8}
    Facility.objects.bulk_create([Facility(kind=Kind.CDC, source="doh_cdc", ref=f"cdc{i}", name=f"CDC {i}", **common)
                                  for i in range(50)])
    for kind, source, ref, learners, educators in [
            (Kind.SCHOOL, "dbe_schools_2024", "A", 300, 10), (Kind.SCHOOL, "dbe_schools_2024", "B", 100, 3),
            (Kind.SCHOOL, "dbe_schools_2024", "C", None, None), (Kind.CHC, "doh_chc", "chc1", None, None),
            (Kind.CHC, "doh_chc", "chc2", None, None), (Kind.HOSPITAL, "dsfsi_hospitals", "h1", None, None),
            (Kind.EMS, "doh_ems", "e1", None, None), (Kind.LONG_TERM_CARE, "doh_ltc", "l1", None, None)]:
        Facility.objects.create(kind=kind, source=source, ref=ref, name=ref, learners=learners, educators=educators,
                                **common)


def test_api_json_carries_each_facility_figure_with_source_and_year(client, register):
    data = client.get("/api/municipalities/EC157/profile").json()["facilities"]
    figures = {f["code"].removeprefix("facilities."): f for f in data["figures"] if f["place"] == "EC157"}
    assert set(figures) == set(EXPECTED)
    for code, (value, year, source) in EXPECTED.items():
        figure = figures[code]
        assert (figure["value"], figure["year"]) == (value, year), code
        assert source in figure["source"] and figure["level"] == "municipality", code
    assert {s["vintage"] for s in data["sources"]} == {2024, 2021, 2020}


def test_csv_has_the_facility_rows(client, register):
    text = client.get("/profiles/municipalities/EC157/profile.csv").content.decode("utf-8-sig")
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["table"] == "facilities"]
    by_code = {r["indicator code"].removeprefix("facilities."): r for r in rows if r["place code"] == "EC157"}
    for code, (value, year, source) in EXPECTED.items():
        row = by_code[code]
        assert (row["value"], row["year"], row["vintage"]) == (str(value), str(year), str(year)), code
        assert source in row["source"], code


def test_xlsx_has_a_facilities_sheet(client, register):
    book = load_workbook(io.BytesIO(client.get("/profiles/municipalities/EC157/profile.xlsx").content))
    sheet = book["Facilities"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in r], strict=False)) for r in sheet.iter_rows(min_row=2) if r[3].value]
    by_code = {r["figure code"].removeprefix("facilities."): r for r in rows if r["place code"] == "EC157"}
    for code, (value, year, source) in EXPECTED.items():
        row = by_code[code]
        assert Decimal(str(row["value"])) == Decimal(str(value)) and row["year"] == year, code
        assert source in row["source"], code


def test_zone_exports_list_municipalities_then_the_zone_sum(client, register):
    data = client.get("/api/zones/DC15/profile").json()["facilities"]["figures"]
    schools = [(f["place"], f["level"], f["value"]) for f in data if f["code"] == "facilities.schools"]
    assert schools == [("EC153", "municipality", 0), ("EC154", "municipality", 0), ("EC155", "municipality", 0),
                       ("EC156", "municipality", 0), ("EC157", "municipality", 3), ("DC15", "zone", 3)]
    total = next(f for f in data if f["code"] == "facilities.schools" and f["place"] == "DC15")
    assert "Sum of the zone's municipalities" in total["note"]


def test_pdf_prints_the_facilities_table_with_its_sources(client, register):
    reader = PdfReader(io.BytesIO(client.get("/profiles/municipalities/EC157/profile.pdf").content))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "Facilities: schools and health" in text
    # schools, learners, educators, per educator, hospitals, CHC, CDC, clinics per 10,000, EMS, long-term care
    assert "EC157 King Sabata Dalindyebo 3 400 13 30.8 1 2 50 1.09 1 1" in text
    assert "Department of Basic Education, EMIS school masterlist (2024" in text
    assert "Population for clinics per 10,000 people: Statistics South Africa (2023) Census 2022" in text
