"""The delivery demo on the three pilot zones: labelled demo, each flag shown once, nothing in a real
total. Loaded as of 2 December 2026 (municipal year 2026/27, last quarter ended 30 September 2026)."""

import datetime
from decimal import Decimal

import pytest

from ddm.engagement import setup as engagement_setup
from ddm.engagement.delivery import chain_for
from ddm.engagement.models import Item
from ddm.investment import demo_delivery, quantum
from ddm.investment.models import Project
from ddm.oneplan import demo as oneplan_demo
from ddm.oneplan import results

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 2)


@pytest.fixture
def demo(db):
    quiet = lambda message: None  # noqa: E731
    demo_delivery.load(quiet, today=TODAY)
    oneplan_demo.load(quiet)
    engagement_setup.load_demo(quiet, today=TODAY)


def _flags(text):
    chain = chain_for(Item.objects.get(text=text).pk, TODAY)
    return chain, [(f.kind, f.since) for f in chain.flags]


def test_demo_projects_are_labelled_and_uncounted(demo):
    assert Project.objects.filter(reference__startswith="DEMO-DELIVERY-", is_demo=True).count() == 4
    q = quantum.zone_quantum("DC15")
    assert q.government("budget") == Decimal("0.00")
    # DC15-1: R40m + R30m; DC15-2: R20m, all apart.
    assert sum(r.amount for r in q.demo_rows) == Decimal("90000000.00")


def test_each_flag_on_the_pilots(demo):
    # The DC15 Imbizo: 135 days before the load, 20 Jul 2026; the ETH consultation 100 days before, 24 Aug 2026.
    chain, flags = _flags("(demo) Finish the Mthatha bulk water pipeline")
    # Plan at 30 Sep 2026: 821 / 1094 days = 75.0 %, 15 % done: late (63 days: DCoG); funded in 2026/27.
    assert flags == [("late", datetime.date(2026, 9, 30))] and chain.is_demo and chain.escalation.level == "national"
    assert chain.action.title == "Bulk water to Mthatha and the coastal towns" and chain.indicator.code == "water"
    chain, flags = _flags("(demo) Tar the Port St Johns access road")
    assert flags == [("unfunded", datetime.date(2026, 7, 20))] and chain.escalation.level == "national"
    chain, flags = _flags("(demo) Build a clinic in Ngqeleni")  # 20 Jul + 90 days = 18 Oct: 45 days ago
    assert flags == [("missing", datetime.date(2026, 10, 18))] and chain.escalation.level == "province"
    chain, flags = _flags("(demo) Fix the Umlazi reservoir")  # 24 Aug + 90 days = 22 Nov: 10 days ago
    assert flags == [("missing", datetime.date(2026, 11, 22))] and chain.escalation.level == "hub"
    chain, flags = _flags("(demo) Repair the Mokopane bulk water pipeline")
    assert flags == [("overdue", datetime.date(2021, 9, 30)), ("late", datetime.date(2026, 7, 2))]
    assert chain.escalation.level == "national"
    # ETH: plan 456 / 1095 days = 41.6 %, 36.6 % done (5 points behind): no flag.
    chain, flags = _flags("(demo) Standpipes in every informal settlement")
    assert flags == [] and chain.deliveries[0].latest.progress == Decimal("36.6")


def test_demo_in_the_national_results_labelled(demo):
    stuck = [(r.zone, r.sector, r.demo) for r in results.spending_rows() if r.stuck]
    # DC15 water: R45m of R70m spent (64.3 %), 15 % done.
    assert stuck == [("DC15", "water", True)]
    assert all(r["demo"] for r in results.indicator_rows())
