"""Headline figures of a zone, each with its source, year and the page that details it.

Shared by the key-figures strip on every zone page and the briefing pack. Each figure costs what the
zone's data costs: the population and households of the zone, its (cached) quantum, its One Plan,
its hubs and its engagement items.
"""


import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from ddm.capacity.models import HubRole
from ddm.capacity.services import hubs_for_zone
from ddm.engagement.services import overdue_items
from ddm.investment import quantum as q
from ddm.numbers import number, rand_exact, rand_short
from ddm.oneplan.models import OnePlan
from ddm.places.models import Place
from ddm.profiles.services import place_value


@dataclass
class Figure:
    key: str
    label: str
    value: str  # as read ("1 457 382", "R1.2 bn", "Drafting")
    note: str  # source and year, or what the figure counts
    url: str
    exact: str = ""  # exact value on hover (money)


def financial_year_start(today: datetime.date) -> int:
    """Start year of the national/provincial financial year (April-March) containing today."""
    return today.year if today.month >= 4 else today.year - 1


def budget_year(quantum: q.Quantum, today: datetime.date) -> int | None:
    """The newest financial year with government budget lines, up to the current one (None: none)."""
    current = financial_year_start(today)
    years = sorted({r.year for r in quantum.rows if r.kind == "budget" and r.year is not None and r.year <= current})
    return years[-1] if years else None


def government_budget(zone: Place, today: datetime.date) -> tuple[Decimal, str] | tuple[None, None]:
    """(amount, financial-year label) of the zone's government budget in its newest budget year up to today."""
    zone_quantum = q.shared_zone_quantum(zone.code)
    year = budget_year(zone_quantum, today)
    if year is None:
        return None, None
    rows = [r for r in zone_quantum.rows if r.kind == "budget" and r.year == year and r.sphere in q.GOVERNMENT]
    label = next((r.financial_year for r in rows if r.financial_year), f"{year}/{(year + 1) % 100:02d}")
    return sum((r.amount for r in rows), Decimal("0.00")), label


def one_plan_phase(zone: Place) -> tuple[str, str]:
    plan = OnePlan.objects.filter(zone=zone).first()
    version = plan.current if plan else None
    if version is None:
        return "No One Plan yet", "not started"
    return version.get_current_phase_display(), f"version {version.number}, {version.get_status_display().lower()}"


def hub_staffing(zone: Place, today: datetime.date) -> tuple[str, str]:
    hubs = list(hubs_for_zone(zone))
    if not hubs:
        return "No hub", "no hub serves this zone"
    filled = sum(hub.roles_filled(today) for hub in hubs)
    posts = len(hubs) * len(HubRole)
    names = ", ".join(h.name for h in hubs)
    return f"{filled} of {posts}", f"core-team roles filled ({names})"


def overdue_commitments(zone: Place, today: datetime.date) -> int:
    return overdue_items(today, zone).count()


def key_figures(zone: Place, today: datetime.date | None = None) -> list[Figure]:
    today = today or timezone.localdate()
    code = zone.code
    figures = []
    people = place_value(zone, "population")
    figures.append(Figure("population", "Population", number(people.value) if people else "no data",
                          f"{people.source} ({people.year})" if people else "not in the indicator store",
                          f"/profiles/zones/{code}/"))
    households = place_value(zone, "households")
    figures.append(Figure("households", "Households", number(households.value) if households else "no data",
                          f"{households.source} ({households.year})" if households else "not in the indicator store",
                          f"/profiles/zones/{code}/"))
    amount, year_label = government_budget(zone, today)
    if amount is None:
        figures.append(Figure("budget", "Government budget", "none registered", "no budget lines located here",
                              f"/investment/zones/{code}/"))
    else:
        figures.append(Figure("budget", f"Government budget {year_label}", rand_short(amount),
                              "national, provincial, local and parastatal lines located here; private excluded",
                              f"/investment/zones/{code}/", rand_exact(amount)))
        if people and people.value:
            per_person = (amount / people.value).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
            figures.append(Figure("per_person", "Budget per person", rand_short(per_person),
                                  f"{year_label} budget over population {people.year}", f"/investment/zones/{code}/",
                                  rand_exact(amount / people.value)))
    phase, note = one_plan_phase(zone)
    figures.append(Figure("oneplan", "One Plan phase", phase, note, f"/oneplan/zones/{code}/"))
    staffing, note = hub_staffing(zone, today)
    figures.append(Figure("hub", "Hub staffing", staffing, note, f"/capacity/zones/{code}/"))
    overdue = overdue_commitments(zone, today)
    figures.append(Figure("overdue", "Overdue commitments", number(overdue),
                          f"engagement items due before {today:%-d %b %Y}, not done", f"/engagement/zones/{code}/"))
    return figures
