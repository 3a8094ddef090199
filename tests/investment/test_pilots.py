"""The three pilots as published (DDM founding report / pilot launches 2019): the acceptance test."""

from decimal import Decimal

import pytest

from ddm.investment import quantum
from ddm.investment.models import Project, PublishedTotal
from ddm.investment.pilots import AGGREGATE_NOTE, load_pilots, reconcile

pytestmark = pytest.mark.django_db
BN = Decimal(10) ** 9
MN = Decimal(10) ** 6


@pytest.fixture
def pilots(db):
    load_pilots()


def _bn(amount):
    return (amount / BN).quantize(Decimal("0.01"))


def test_ethekwini_lines_as_published(pilots):
    by_sphere = quantum.zone_quantum("ETH", view="stated").by("sphere", "financial_year")
    assert by_sphere == {
        ("national", "2019/20-2023/24"): Decimal("17.1") * BN,
        ("provincial", "2019/20"): Decimal("10.4") * BN,
        ("local", "2019/20"): Decimal("7.8") * BN,
        ("parastatal", None): 56 * BN,
    }


def test_ethekwini_published_total_is_reproduced_and_excludes_parastatals(pilots):
    r = reconcile(PublishedTotal.objects.get(zone__code="ETH"))
    assert r["published"].amount == Decimal("35.3") * BN
    assert r["lines_sum"] == Decimal("35.3") * BN  # 17.1 + 10.4 + 7.8
    assert r["difference"] == 0
    assert [(l["sphere"], l["amount"]) for l in r["other_lines"]] == [("parastatal", 56 * BN)]
    assert "parastatals" in r["published"].excludes
    assert any("Not included" in f and "R56.0 bn" in f for f in r["findings"])
    assert any("multi-year" in f for f in r["findings"])


def test_waterberg_lines_sum_to_55_80_not_55_81_and_include_private(pilots):
    r = reconcile(PublishedTotal.objects.get(zone__code="DC36"))
    assert r["published"].stated_as == "R55.81 billion"
    assert r["published"].label == "government expenditure"
    # 18.1 + 0.922 + 6.1 + 0.5803 + 30.1 = 55.8023 billion
    assert r["lines_sum"] == Decimal("55802300000.00")
    assert _bn(r["lines_sum"]) == Decimal("55.80")
    assert r["difference"] == Decimal("7700000.00")
    assert r["private"] == Decimal("580.3") * MN + Decimal("30.1") * BN
    assert _bn(r["private"]) == Decimal("30.68")
    assert r["government"] == Decimal("25122000000.00")
    assert _bn(r["government"]) == Decimal("25.12")
    findings = " ".join(r["findings"])
    assert "R55.80 bn" in findings and "R30.68 bn of private" in findings and "R25.12 bn" in findings
    assert "multi-year" in findings


def test_waterberg_quantum_separates_government_private_and_planned(pilots):
    q = quantum.zone_quantum("DC36", view="stated")
    assert q.government("budget") == Decimal("25122000000.00")
    assert q.private("budget") == Decimal("580.3") * MN
    assert q.private("planned") == Decimal("30.1") * BN
    assert q.by("sphere", "financial_year", kinds="budget")[("national", "2019/20-2024/25")] == Decimal("18.1") * BN
    annual = quantum.zone_quantum("DC36")
    national = annual.select(spheres="national")
    assert len(national) == 6 and all(r.apportioned for r in national)
    assert sum(r.amount for r in national) == Decimal("18.1") * BN


def test_or_tambo_published_total_has_no_breakdown_and_no_invented_lines(pilots):
    total = PublishedTotal.objects.get(zone__code="DC15")
    assert total.amount == Decimal("11.2") * BN and not total.breakdown_published
    assert quantum.zone_quantum("DC15").rows == []
    r = reconcile(total)
    assert r["lines"] == [] and r["difference"] is None
    assert "no breakdown" in r["findings"][0]


def test_pilot_lines_are_labelled_aggregate_demo_submissions(pilots):
    projects = Project.objects.filter(reference__startswith="PILOT-")
    assert projects.count() == 9
    for p in projects.select_related("submission"):
        assert p.is_aggregate and AGGREGATE_NOTE in p.title and p.submission.channel == "demo"
        assert p.budget_lines.count() == 1 and p.locations.get().precision == "zone"


def test_loading_twice_changes_nothing(pilots):
    before = (Project.objects.count(), PublishedTotal.objects.count(), quantum.zone_quantum("DC36").total())
    load_pilots()
    assert (Project.objects.count(), PublishedTotal.objects.count(), quantum.zone_quantum("DC36").total()) == before


def test_zone_page_shows_the_reconciliation(pilots, client):
    html = client.get("/investment/zones/DC36/").content.decode()
    assert "R55.81 billion" in html and "R55.80 bn" in html and "R30.68 bn" in html
    html = client.get("/investment/zones/ETH/").content.decode()
    assert "add up exactly to the published R35.3 billion" in html
    assert "R56bn of parastatals" in html
    html = client.get("/investment/zones/DC15/").content.decode()
    assert "R11.2 billion" in html and "no breakdown" in html
