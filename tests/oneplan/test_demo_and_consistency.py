from decimal import Decimal

import pytest
from oneplan_helpers import add_strategy_and_action, commit

from ddm.investment.models import Location, Precision
from ddm.oneplan import funding, monitoring
from ddm.oneplan.models import OnePlan, PhaseKind, VersionStatus
from ddm.oneplan.setup import load_demo
from ddm.places.models import Place

pytestmark = pytest.mark.django_db


def test_demo_plans_load_at_their_phases_and_only_once():
    messages = []
    load_demo(messages.append)
    load_demo(messages.append)
    assert "already loaded" in messages[-1]
    plans = {p.zone.code: p for p in OnePlan.objects.select_related("zone")}
    assert set(plans) == {"ETH", "DC15", "DC36"} and all(p.is_demo for p in plans.values())
    eth, dc15, dc36 = plans["ETH"].current, plans["DC15"].current, plans["DC36"].current
    assert eth.status == VersionStatus.ADOPTED and eth.frozen and eth.current_phase == PhaseKind.IMPLEMENTATION
    assert dc15.current_phase == PhaseKind.ADOPTION and not dc15.frozen
    assert dc36.current_phase == PhaseKind.STRATEGY
    # Real baselines from Stats SA (data/pilot_baselines.csv), e.g. DC15 piped water 14.55 % in CS 2016.
    water = dc15.indicators.get(code="water")
    assert (water.baseline_value, water.baseline_year) == (Decimal("14.55"), 2016)
    statuses = {i.code: monitoring.progress(i).status for i in eth.indicators.prefetch_related("actuals")}
    assert statuses == {"water": "on_track", "unemployment": "at_risk"}


def test_alignment_total_matches_the_investment_quantum(version, hub, project_factory):
    """The zone total behind the alignment share is the register's own government total (stated years)."""
    from ddm.investment.quantum import zone_quantum

    _, action = add_strategy_and_action(version, hub)
    a = project_factory("DC15", "A", "DC15", {"budget": "1000000", "planned": "7"})
    b = project_factory("nat-health", "B", "DC15", {"budget": "333333.33"}, fy=(2019, 2021))
    dc36 = Place.objects.zones().get(code="DC36")
    Location.objects.create(project=b, precision=Precision.ZONE, place=dc36, zone=dc36, province_id=dc36.province_id)
    commit(action, hub, projects=[a], lines=a.budget_lines.all())
    result = funding.alignment(version)
    quantum = zone_quantum("DC15", view="stated", kinds=["budget"])
    assert result.total == quantum.government("budget")
    assert result.serving == Decimal("1000000.00")
