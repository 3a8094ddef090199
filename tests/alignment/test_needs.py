"""Needs versus investment and department localisation on small fixtures computed by hand."""

import json
from decimal import Decimal
from typing import get_args

import pytest
from click.testing import CliRunner

from ddm.alignment import localisation, needs
from ddm.alignment.api import Service
from ddm.investment.models import Project

# Backlog and population of three zones (the other 49 have no value): hand-made, not Stats SA.
FAKE = {
    "water": {"DC15": Decimal(1000), "ETH": Decimal(500), "DC44": Decimal(200)},
    "population": {"DC15": Decimal(2000), "ETH": Decimal(4000), "DC44": Decimal(400)},
    "households": {"DC15": Decimal(500), "ETH": Decimal(1000), "DC44": Decimal(100)},
}


@pytest.fixture
def fake_profiles(monkeypatch):
    monkeypatch.setattr(needs, "_indicator", lambda key: (f"fake_{key}", FAKE.get(key, {}), "hand-made", 2016))


@pytest.fixture
def spending(make_project):
    make_project("nat-water-and-sanitation", "W1", "Mqanduli BWS", sector="water", amount="100000.00")
    make_project("nat-water-and-sanitation", "W2", "Durban water", zone="ETH", muni="ETH", sector="water",
                 amount="200000.00")
    make_project("nat-water-and-sanitation", "S1", "Mqanduli sewer", sector="sanitation", amount="70000.00")
    standing = make_project("EC157", "W3", "Mqanduli BWS (municipal report)", sector="water", amount="50000.00")
    duplicate = make_project("EC157", "W4", "Mqanduli bulk water", sector="water", amount="50000.00")
    Project.objects.filter(pk=duplicate.pk).update(duplicate_of=standing)
    make_project("nat-water-and-sanitation", "W5", "Old water", sector="water", amount="999.00", years=(2015, 2015))


def test_water_figures_and_rank_by_hand(fake_profiles, spending):
    table = needs.alignment(["water"], years=[2020]).tables[0]
    rows = {r["zone"]: r for r in table.rows}
    # Spend: DC15 100,000 + 50,000 (standing record; its duplicate not counted; sewer not water; 2015 not 2020/21).
    assert rows["DC15"]["spend"] == Decimal("150000.00")
    assert rows["ETH"]["spend"] == Decimal("200000.00")
    assert table.total_spend == Decimal("350000.00") and table.total_backlog == 1700
    assert rows["DC15"]["per_capita"] == Decimal("75.00")  # 150,000 / 2,000
    assert rows["DC15"]["per_backlog"] == Decimal("150.00")  # 150,000 / 1,000
    assert rows["ETH"]["per_backlog"] == Decimal("400.00")
    assert rows["DC15"]["backlog_rate"] == Decimal("50.00")  # 1,000 of 2,000 people
    # need ratio = backlog share / spend share: DC15 (1000/1700)/(150000/350000) = 1.3725...
    assert rows["DC15"]["need_ratio"] == Decimal("1.37")
    assert rows["ETH"]["need_ratio"] == Decimal("0.51")  # (500/1700)/(200000/350000) = 0.2941/0.5714 = 0.5147
    # DC44: backlog and no spend -> first; then DC15, then ETH; zones without backlog after them.
    assert [r["zone"] for r in table.rows[:3]] == ["DC44", "DC15", "ETH"]
    assert rows["DC44"]["no_spend"] and rows["DC44"]["rank"] == 1
    assert len(table.rows) == 52


def test_all_years_and_other_services(fake_profiles, spending):
    report = needs.alignment(years=None)
    water = {r["zone"]: r for r in report.tables[0].rows}
    assert water["DC15"]["spend"] == Decimal("150999.00")  # the 2015/16 line counts when all years are asked
    assert [t.key for t in report.tables] == list(needs.SERVICES)
    assert "all financial years" in report.includes and "private investment not included" in report.includes
    with pytest.raises(ValueError, match="unknown service"):
        needs.alignment(["roads"])


def test_real_profile_backlog_is_used(spending):
    from ddm.profiles.services import BACKLOG_INDICATORS, indicator_values

    table = needs.alignment(["water"]).tables[0]
    expected = indicator_values(BACKLOG_INDICATORS["water"], level="zone")
    assert {r["zone"]: r["backlog"] for r in table.rows if r["backlog"] is not None} == expected
    assert "Community Survey" in table.source and table.year == 2016


def test_report_alignment_cli(fake_profiles, spending):
    from ddm.cli import cli

    runner = CliRunner()
    result = runner.invoke(cli, ["report", "alignment", "--service", "water", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["kind"] == "budget" and "private investment not included" in data["spend_includes"]
    zones = data["services"][0]["zones"]
    assert zones[0]["zone"] == "DC44" and zones[1] == {**zones[1], "zone": "DC15", "spend": "150999.00"}
    csv_out = runner.invoke(cli, ["report", "alignment", "--service", "water", "--csv"])
    assert csv_out.output.splitlines()[0].startswith("service,rank,zone")
    assert "DC44" in runner.invoke(cli, ["report", "alignment", "--service", "water"]).output
    assert runner.invoke(cli, ["report", "alignment", "--service", "roads"]).exit_code == 2


def test_needs_page_and_exports(client, fake_profiles, spending):
    page = client.get("/alignment/?service=water")
    assert page.status_code == 200
    assert b"<svg" in page.content and b"no spend" in page.content and b"Community" not in page.content[:0]
    csv_response = client.get("/alignment/?service=water&format=csv")
    assert csv_response.status_code == 200 and b"DC15" in csv_response.content
    xlsx = client.get("/alignment/?service=all&format=xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get("/alignment/?year=twenty").status_code == 400


@pytest.fixture
def department_projects(make_project):
    make_project("nat-health", "H1", "Mqanduli clinic", point=(-31.8, 28.75), amount="100.00")
    make_project("nat-health", "H2", "EC clinics programme", precision="province", muni=None, amount="300.00")
    make_project("nat-health", "H3", "National clinic refurbishment", precision="none", amount="600.00")
    make_project("ec-health", "EH1", "Provincial hospitals", precision="national", muni=None, amount="50.00")
    aggregate = make_project("nat-health", "AGG", "Published national total", amount="99999.00")
    Project.objects.filter(pk=aggregate.pk).update(is_aggregate=True)  # a sphere total, not a project


def test_localisation_shares_and_flags(department_projects):
    report = localisation.localisation()
    rows = {r["organisation"]: r for r in report.rows}
    health = rows["nat-health"]
    assert health["total"] == Decimal("1000.00") and health["located"] == Decimal("100.00")
    assert health["located_share"] == Decimal("10.0")
    assert health["by_precision"]["point"] == Decimal("100.00")
    assert (health["province_level"], health["unmapped"], health["national_level"]) == (
        Decimal("300.00"), Decimal("600.00"), Decimal("0.00"))
    assert health["zones_expected"] == 52 and len(health["zones_without"]) == 51 and "DC15" not in health["zones_without"]
    assert not health["only_national_or_province"]
    ec = rows["ec-health"]
    assert ec["only_national_or_province"] and ec["national_level"] == Decimal("50.00")
    assert ec["zones_expected"] == 8 and "DC15" in ec["zones_without"]  # 6 districts and 2 metros in the EC
    assert rows["nat-basic-education"]["total"] == 0 and "nat-basic-education" not in {
        r["organisation"] for r in localisation.reporting(report)}


def test_localisation_cli_and_page(client, department_projects):
    from ddm.cli import cli

    result = CliRunner().invoke(cli, ["report", "localisation", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    by_code = {d["organisation"]: d for d in data["departments"]}
    assert set(by_code) == {"nat-health", "ec-health"}
    assert by_code["nat-health"]["located_share"] == "10.0" and by_code["ec-health"]["only_national_or_province"]
    page = client.get("/alignment/localisation/")
    assert page.status_code == 200 and b"only national/province-level" in page.content
    assert client.get("/alignment/localisation/?format=csv").content.count(b"\n") == 3


def test_alignment_and_localisation_api(client, fake_profiles, spending):
    response = client.get("/api/alignment/needs?service=water&year=2020/21")
    assert response.status_code == 200
    zones = {z["zone"]: z for z in response.json()["services"][0]["zones"]}
    assert zones["DC15"]["spend"] == "150000.00"
    # Unknown values are refused by the parameters' schema (enumerations, a year pattern): 422.
    assert client.get("/api/alignment/needs?service=roads").status_code == 422
    assert client.get("/api/alignment/needs?year=soon").status_code == 422
    assert client.get("/api/alignment/needs?year=AAA").status_code == 422
    assert client.get("/api/alignment/needs?kind=actual&year=2020").status_code == 200
    assert client.get("/api/alignment/localisation").status_code == 200
    assert client.get("/api/alignment/localisation?kind=wishes").status_code == 422


def test_the_api_service_enumeration_is_the_reports_services():
    assert set(get_args(Service)) == set(needs.SERVICES)


def test_report_alignment_cli_years_and_kind(fake_profiles, spending):
    from ddm.cli import cli

    runner = CliRunner()
    data = json.loads(runner.invoke(cli, ["report", "alignment", "--service", "water", "--year", "2020/21",
                                          "--json"]).output)
    assert data["years"] == "2020/21"
    assert {z["zone"]: z["spend"] for z in data["services"][0]["zones"]}["DC15"] == "150000.00"
    bad = runner.invoke(cli, ["report", "alignment", "--year", "twenty"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output


def test_needs_page_opens_on_a_service_with_spend(client, fake_profiles, make_project):
    make_project("nat-water-and-sanitation", "S1", "Mqanduli sewer", sector="sanitation", amount="70000.00")
    report = needs.alignment()
    assert needs.default_service(report) == "sanitation"  # the only service with spend in its sector
    page = client.get("/alignment/")
    assert page.status_code == 200 and b'id="service-sanitation"' in page.content
    assert b'id="service-water"' not in page.content


def test_a_service_without_spend_says_so_instead_of_a_flat_chart(client, fake_profiles, make_project):
    make_project("nat-water-and-sanitation", "S1", "Mqanduli sewer", sector="sanitation", amount="70000.00")
    html = client.get("/alignment/?service=water").content.decode()
    assert "No spending in the register&#x27;s water sector" in html and "<circle" not in html
    assert needs.default_service(needs.alignment(years=[2030])) == "water"  # nothing anywhere: water


def test_needs_chart_plots_each_zone_with_a_backlog_and_labels_the_first_ten(fake_profiles, spending):
    table = needs.alignment(["water"], years=[2020]).tables[0]
    svg = str(needs.chart(table))
    # DC15 50% backlog and R75 per capita (see test_water_figures_and_rank_by_hand); DC44 50%, R0; ETH 12.5%, R50.
    assert svg.count("<circle") == 3 and "DC15 " in svg and "50.0% backlog, R75 per capita, rank 2" in svg
    assert ">DC44</text>" in svg and ">ETH</text>" in svg and 'role="img"' in svg
