"""Census 2022 headline with history, Municipal Money governance, and their exports.

Expected values are read by hand from the packaged files (data/census2022/, data/municipal_finance/)."""

import csv
import io
import json
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ddm.places.models import Place
from ddm.profiles import exports, finance, loader, services
from ddm.profiles.models import IndicatorValue
from ddm.profiles.sections import build_profile, strip_svg

pytestmark = pytest.mark.django_db
DATA = loader.DATA_DIR


def census_row(kind, level, code):
    suffix, key = {"municipality": ("muni", "muni_code"), "zone": ("district", "dc_code")}[level]
    with open(DATA / "census2022" / f"{kind}-{suffix}.csv", encoding="utf-8") as handle:
        return next(r for r in csv.DictReader(handle) if r[key] == code)


def row_of(profile, code):
    return next(r for s in profile["sections"] for r in s["rows"] if r["code"] == code)


@pytest.fixture
def dc15():
    return Place.objects.zones().get(code="DC15")


def test_census_2022_sample_figures_match_the_source_rows():
    # EC157 King Sabata Dalindyebo: person-indicators-muni.csv / housing-info-muni.csv / age-distribution-muni.csv
    person = census_row("person-indicators", "municipality", "EC157")
    housing = census_row("housing-info", "municipality", "EC157")
    ages = census_row("age-distribution", "municipality", "EC157")
    assert services.place_value("EC157", "population").value == int(person["total_pop_2022"]) == 476_558
    assert services.place_value("EC157", "households").value == int(housing["households_2022"])
    scheme, other = Decimal(housing["water_scheme_2022"]), Decimal(housing["other_water_2022"])
    share = services.place_value("EC157", "pct_households_piped_water_scheme")
    assert share.value == (scheme / (scheme + other) * 100).quantize(Decimal("0.0001"))
    assert services.place_value("EC157", "census2022.age.60_plus").value == int(ages["age_60_plus_2022"])
    assert services.place_value("EC157", "growth_rate").value == Decimal("0.6")  # published 0.6 % a year
    assert services.place_value("EC157", "population", year=2011).value == int(person["total_pop_2011"])


def test_every_zone_and_municipality_has_a_2022_headline():
    for level, count in (("zone", 52), ("municipality", 213)):
        values = services.indicator_values("population", level)
        assert len(values) == count
        assert services.latest_year("population") == 2022
    assert len(services.indicator_values("audit_outcome", "municipality")) == 0  # categorical: no numbers
    outcomes = IndicatorValue.objects.filter(indicator__code="audit_outcome", year=2019, vintage=finance.VINTAGE,
                                             place__level="municipality")
    assert outcomes.count() == 213


def test_profile_headline_is_2022_with_history_change_and_sparkline(dc15):
    profile = build_profile(dc15)
    population = row_of(profile, "population")
    assert population["year"] == 2022 and "Census 2022" in population["source"]
    assert population["values"][0]["display"] == "1 501 702" and population["values"][0]["basis"] == "published"
    assert population["values"][-1]["display"] == "62 027 503"  # South Africa, Stats SA's national figure
    assert [(h["year"], h["display"]) for h in population["history"]] == [
        (2011, "1 366 039"), (2016, "1 457 384"), (2022, "1 501 702")]
    assert population["change"] == {"from_year": 2016, "to_year": 2022, "display": "+44 318 (+3.0%)"}
    assert population["sparkline"].startswith("<svg") and 'class="spark"' in population["sparkline"]
    assert {2011, 2016, 2022} <= {year for s in profile["sources"] for year in s["years"]}
    # A section without Census 2022 figures says which vintage it shows and why.
    socio = next(s for s in profile["sections"] if s["key"] == "socio_economic")
    assert any("Community Survey 2016" in note and "Census 2022" in note for note in socio["notes"])
    assert row_of(profile, "unemployment_rate")["year"] == 2011


def test_governance_section_shows_audit_outcomes_trend_and_financial_support_flags(dc15):
    profile = build_profile(dc15)
    audit = row_of(profile, "audit_outcome")
    assert audit["values"][0]["display"] == "Qualified"  # DC15's own 2018/19 outcome
    assert [h["display"] for h in audit["history"]] == ["Qualified"] * 4
    table = next(s for s in profile["sections"] if s["key"] == "governance")["municipalities"]
    assert table["years"] == [2016, 2017, 2018, 2019]
    ports = next(m for m in table["rows"] if m["code"] == "EC154")
    # munimoney_audit_opinions: EC154 2019 Qualified; key indicators: cap_budget_diff 2018 -34.32.
    assert ports["audit"][-1]["outcome"] == "Qualified" and ports["capital_budget_variance"] == "-34.3200"
    assert ports["needs_financial_support"] is True
    ngquza = next(m for m in table["rows"] if m["code"] == "EC153")
    assert ngquza["needs_financial_support"] is False  # disclaimer, but capital over-spent (+349.21)


def test_disestablished_municipalities_are_history_of_their_successors_never_dropped():
    links = finance.successors()
    assert len(links) == 35 and links["KZN283"] == ["KZN281", "KZN282", "KZN285"]
    source_codes = {code for code, *_rest in finance.audit_rows()} | {code for code, *_rest in finance.measure_rows()}
    old_codes = source_codes - set(Place.objects.current().values_list("code", flat=True))
    stored = set(IndicatorValue.objects.filter(vintage__startswith=finance.PREDECESSOR)
                 .values_list("vintage", flat=True))
    assert {f"{finance.PREDECESSOR}{code}" for code in old_codes} == stored
    for heir in links["KZN283"]:
        assert IndicatorValue.objects.filter(vintage="predecessor KZN283", place__code=heir).exists()
    profile = build_profile(Place.objects.municipalities().get(code="EC101"))
    cash = row_of(profile, "cash_coverage")
    assert {p["code"] for p in cash["predecessors"]} == {"EC103", "EC107"}
    assert cash["values"][0]["display"] == "0.0" and cash["year"] == 2018  # EC101's own, not a predecessor's
    assert all(h["vintage"] == finance.VINTAGE for h in cash["history"])


def test_api_csv_and_xlsx_carry_the_new_data(client, dc15):
    data = client.get("/api/zones/DC15/profile").json()
    population = row_of(data, "population")
    assert population["values"][0]["value"] == "1501702.0000" and "sparkline" not in population
    assert population["history"][0]["year"] == 2011
    assert row_of(data, "audit_outcome")["values"][0]["text"] == "Qualified"
    values = client.get("/api/indicators/population/values?level=zone").json()
    assert values["year"] == 2022 and values["values"]["DC15"] == "1501702.0000"
    response = client.get("/profiles/zones/DC15/profile.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert any(r[0] == "history" and r[2] == "population" and r[9] == "2016" for r in rows)
    assert any(r[0] == "profile" and r[2] == "audit_outcome" and r[8] == "Qualified" for r in rows)
    book = load_workbook(io.BytesIO(client.get("/profiles/zones/DC15/profile.xlsx").content), read_only=True)
    assert {"Profile", "History", "Municipal finance"} <= set(book.sheetnames)
    finance_rows = list(book["Municipal finance"].iter_rows(values_only=True))
    assert any(r[0] == "EC154" and r[-1] == "yes" for r in finance_rows)


def test_pdf_prints_each_section_once_in_order(dc15):
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(exports.profile_pdf(dc15))).pages)
    assert text.count("7. Institutional and local governance situation") == 1
    assert text.index("6. Projects and spending") < text.index("7. Institutional and local governance")
    assert "Census 2022" in text and "Qualified" in text and "1 501 702" in text


def test_capacity_pages_put_financial_management_first(client, dc15):
    html = client.get("/capacity/zones/DC15/").content.decode()
    assert "Financial-management support first" in html and "EC154" in html
    skills = client.get("/api/zones/DC15/skills").json()
    flagged = {m["municipality"] for m in skills["municipal_finance"] if m["needs_financial_support"]}
    assert "EC154" in flagged and "EC153" not in flagged


def test_profile_json_is_serialisable(dc15):
    json.dumps(strip_svg(build_profile(dc15)))


def test_treasurys_demarcation_links_agree_with_the_places_crosswalk_but_two_splits():
    """Municipal Money's own links place its figures; the places app's MDB crosswalk (h10) is checked
    against them so a disagreement is visible: the two differ only on how two 2016 splits were shared."""
    crosswalk_file = loader.DATA_DIR.parents[1] / "places" / "data" / "mdb_crosswalk.csv"
    with open(crosswalk_file, encoding="utf-8") as handle:
        crosswalk = {r["old_code"]: set(r["successors"].split()) for r in csv.DictReader(handle)
                     if r["old_code"] and r["year"] == "2016"}
    links = {code: set(heirs) for code, heirs in finance.successors().items()}
    assert set(links) <= set(crosswalk)
    assert {code for code in links if links[code] != crosswalk[code]} == {"KZN211", "KZN283"}
