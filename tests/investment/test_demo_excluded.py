"""Demo data is labelled and never counted: the alignment demo's invented second report of the
Bambisana hospital (DEMO-ALIGN-4, Eastern Cape Health, actual R14m 2016/17 + R25m 2017/18 = R39m)
used to add R39m to O.R. Tambo's (DC15) provincial actual."""

import json
from decimal import Decimal

import pytest
from _register import locate, org, project
from click.testing import CliRunner

from ddm.alignment import setup as alignment_setup
from ddm.cli import cli
from ddm.investment import quantum
from ddm.investment.models import Project

pytestmark = pytest.mark.django_db
BAMBISANA = (-31.45019, 29.45397)


@pytest.fixture
def register(db):
    """A real national line and a real provincial actual of R10m (2016/17) in DC15; the Bambisana
    original the demo copies."""
    original = project(org("t-nat-health"), "health-eastern-cape-bambisana-hospital",
                       [("155000.00", 2015, 2015, "actual")], sector="health")
    locate(original, zone="DC15", point=BAMBISANA)
    provincial = project(org("ec-health", sphere="provincial", province="EC"), "EC-REAL-1",
                         [("10000000.00", 2016, 2016, "actual")], sector="health")
    locate(provincial, zone="DC15")


def _provincial_actual():
    return quantum.zone_quantum("DC15").total(spheres=["provincial"], kinds="actual")


def test_dc15_provincial_actual_is_the_same_with_and_without_the_demo_record(register):
    assert _provincial_actual() == Decimal("10000000.00")
    alignment_setup.load_demo(lambda message: None)
    demo = Project.objects.get(reference="DEMO-ALIGN-4")
    assert demo.is_demo
    q = quantum.zone_quantum("DC15")
    # Hand-computed: real R10,000,000.00 only; the demo's R14m + R25m = R39m stand apart.
    assert q.total(spheres=["provincial"], kinds="actual") == Decimal("10000000.00")
    assert q.government("actual") == Decimal("10155000.00")
    assert sum(r.amount for r in q.demo_rows) == Decimal("39000000.00")
    assert {(r.financial_year, r.amount) for r in q.demo_rows} == {
        ("2016/17", Decimal("14000000.00")), ("2017/18", Decimal("25000000.00"))}
    assert all(r.demo for r in q.demo_rows) and not any(r.demo for r in q.rows)
    assert q.totals()["demo"]["government"] == {"actual": Decimal("39000000.00")}


def test_national_views_leave_demo_out(register):
    alignment_setup.load_demo(lambda message: None)
    ranking = {r["zone"]: r for r in quantum.national_ranking(kind="actual")}
    assert ranking["DC15"]["government"] == Decimal("10155000.00")
    quality = quantum.located_and_unmapped("actual")
    assert quality["total"]["actual"]["total"] == Decimal("10155000.00")
    assert not Project.objects.counted().filter(is_demo=True).exists()


def test_quantum_json_has_a_demo_field_per_row_and_total(register):
    alignment_setup.load_demo(lambda message: None)
    result = CliRunner().invoke(cli, ["report", "quantum", "--zone", "DC15", "--json", "--view", "stated"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert all(row["demo"] is False for row in body["rows"])
    assert body["demo_rows"] and all(row["demo"] is True for row in body["demo_rows"])
    assert body["totals"]["government"]["actual"] == "10155000.00"
    assert body["totals"]["demo"]["government"] == {"actual": "39000000.00"}
    assert "demo" in body["totals"]["demo"]["note"]


def test_zone_page_and_project_page_label_demo(register, client):
    alignment_setup.load_demo(lambda message: None)
    page = client.get("/investment/zones/DC15/").content.decode()
    assert 'id="table-demo"' in page and "not in any total" in page
    demo = Project.objects.get(reference="DEMO-ALIGN-4")
    assert 'badge demo">demo<' in client.get(demo.get_absolute_url()).content.decode()
