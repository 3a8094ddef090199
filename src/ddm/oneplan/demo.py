"""Demo One Plans of the three DDM pilots, at different phases, clearly marked as demo.

- ETH eThekwini: version 1 adopted (all three spheres signed), in Implementation & Review, with
  indicator actuals and a quarterly report;
- DC15 O.R. Tambo: in Adoption, national and provincial sign-offs in, the municipalities' awaited;
- DC36 Waterberg: in Strategy Formulation.
Baselines are Stats SA figures (data/pilot_baselines.csv); everything else is illustrative. Register
projects are linked only when the investment demo loaded them (matched by organisation and reference),
including the invented DEMO-DELIVERY-* projects of investment/demo_delivery.py; each water action is
linked to the plan's water indicator (the commitment-to-delivery chain).
Idempotent: a zone that already has a One Plan (demo or real) is left alone.
"""

import csv
import datetime
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from ddm.accounts.models import Organisation
from ddm.investment.models import Project
from ddm.oneplan import workflow
from ddm.oneplan.models import (
    PHASE_ORDER,
    Action,
    Commitment,
    CommitmentReport,
    IndicatorActual,
    OnePlan,
    PhaseKind,
    PhaseStatus,
    PlanIndicator,
    PlanVersion,
    ProjectStage,
    SignOff,
    Strategy,
    VersionStatus,
)
from ddm.oneplan.signoff import required_parties
from ddm.places.models import Place

DATA = Path(__file__).resolve().parent / "data" / "pilot_baselines.csv"
D = datetime.date
DemoSpec = dict[str, Any]  # one plan of PLANS

# key: (zone-profile indicator code, column of data/pilot_baselines.csv, name, unit, source, year, focal area)
INDICATORS = {
    "water": ("pct_persons_piped_water", "pct_persons_piped_water_in_dwelling_or_yard_cs2016",
              "Persons with piped water in dwelling or yard", "%", "Stats SA Community Survey 2016", 2016,
              "infrastructure"),
    "refuse": ("pct_persons_refuse_weekly", "pct_persons_refuse_removed_weekly_cs2016",
               "Persons with refuse removed weekly", "%", "Stats SA Community Survey 2016", 2016, "services"),
    "unemployment": ("unemployment_rate", "unemployment_rate_official_census2011", "Official unemployment rate", "%",
                     "Stats SA Census 2011", 2011, "economy"),
}

# Phase plan shared by the demos: (planned start, planned end) of each phase, in months from the start date.
PHASE_MONTHS = [(0, 3), (3, 5), (5, 9), (9, 13), (13, 16), (16, 18), (18, 138)]

PLANS = {
    "ETH": {
        "reached": PhaseKind.IMPLEMENTATION, "start": D(2019, 9, 1), "late": {PhaseKind.DIAGNOSTIC: 45},
        "vision": "(Demo text) A liveable, inclusive and connected port city region where every resident has "
                  "access to services, work and safe neighbourhoods.",
        "strategies": [
            ("economy", "Grow the port-logistics and manufacturing economy", "long", [
                ("Back-of-port logistics platform", "medium", [("agg-provincial-kzn", "PILOT-ETH-PROVINCIAL")]),
            ]),
            ("services", "Integrated justice and social services in the inner city", "short", [
                ("Complete the Durban high court", "short",
                 [("nat-justice-and-constitutional-development", "justice-and-constitutional-development-durban-high-court")]),
            ]),
            ("infrastructure", "Universal household water and sanitation", "medium", [
                ("Informal settlement water upgrades", "short", [("ETH", "DEMO-DELIVERY-ETH-1")]),
            ]),
        ],
        "indicators": {"water": ("95", 2030, [("2019/20", D(2020, 3, 31), "88.1"), ("2023/24", D(2024, 3, 31), "90.6")]),
                       "unemployment": ("20", 2030, [("2022Q4", D(2022, 12, 31), "26.3")])},
        "signed": "all",
        "action_indicators": {"Informal settlement water upgrades": "water"},
    },
    "DC15": {
        "reached": PhaseKind.ADOPTION, "start": D(2024, 6, 1), "late": {PhaseKind.DRAFTING: 60},
        "vision": "(Demo text) A rural economy that feeds the Eastern Cape, with water, roads and health care in "
                  "every village of O.R. Tambo.",
        "strategies": [
            ("infrastructure", "Regional bulk water from the Mzimvubu catchment", "long", [
                ("Bulk water to Mthatha and the coastal towns", "medium", [("DC15", "DEMO-DELIVERY-DC15-1")]),
            ]),
            ("services", "District health services within reach", "short", [
                ("Rebuild Bambisana hospital", "short", [("nat-health", "health-eastern-cape-bambisana-hospital")]),
            ]),
            ("economy", "Agri-processing and the Wild Coast ocean economy", "medium", [
                ("Port St Johns small harbour study", "medium", [("EC154", None)]),
            ]),
        ],
        "indicators": {"water": ("50", 2030, []), "refuse": ("25", 2030, [])},
        "signed": ["national", "provincial"],
        "action_indicators": {"Bulk water to Mthatha and the coastal towns": "water"},
    },
    "DC36": {
        "reached": PhaseKind.STRATEGY, "start": D(2025, 9, 1), "late": {},
        "vision": "(Demo text) Waterberg: a diversified mining, energy and eco-tourism economy that leaves "
                  "lasting infrastructure for its towns.",
        "strategies": [
            ("infrastructure", "Secure bulk water for Mogalakwena and Lephalale", "long", [
                ("Mogalakwena bulk water supply phase 1", "short",
                 [("nat-water-and-sanitation", "water-and-sanitation-mogalakwena-bulk-water-supply-phase-1"),
                  ("DC36", "DEMO-DELIVERY-DC36-1")]),
            ]),
            ("economy", "Beneficiation and energy corridor", "long", []),
        ],
        "indicators": {"water": ("80", 2030, [])},
        "signed": [],
        "action_indicators": {"Mogalakwena bulk water supply phase 1": "water"},
    },
}


def _months(start: datetime.date, months: int) -> datetime.date:
    year, month = divmod(start.month - 1 + months, 12)
    return D(start.year + year, month + 1, 1)


def _baselines() -> dict[str, dict[str, str]]:
    with open(DATA, newline="", encoding="utf-8") as handle:
        return {row["code"]: row for row in csv.DictReader(handle)}


def load(echo: Callable[[str], None]) -> None:
    loaded = []
    for code, spec in PLANS.items():
        zone = Place.objects.zones().filter(code=code).first()
        if zone is None or OnePlan.objects.filter(zone=zone).exists():
            continue
        _load_plan(zone, spec, _baselines()[code])
        loaded.append(code)
    echo(f"oneplan: demo One Plans {', '.join(loaded) if loaded else 'already loaded'} "
         f"(ETH adopted, DC15 in adoption, DC36 in strategy formulation)")


@transaction.atomic
def _load_plan(zone: Place, spec: DemoSpec, baselines: dict[str, str]) -> None:
    plan = workflow.start_plan(zone, None, is_demo=True, check=False)
    plan.title = f"{zone.name} One Plan (demo)"
    plan.save()
    version = plan.current
    assert version is not None  # start_plan made version 1
    reached = PHASE_ORDER.index(spec["reached"])
    version.vision = spec["vision"]
    version.profile_url, version.profile_snapshot_date = workflow.profile_url(zone), spec["start"]
    version.current_phase = spec["reached"]
    version.save()
    _phases(version, spec, reached)
    commitments = _content(version, zone, spec)
    _indicators(version, spec, baselines)
    _action_indicators(version, spec)
    if reached >= PHASE_ORDER.index(PhaseKind.DRAFTING):
        version.focal_areas.update(reviewed=True)
    _signoffs(version, spec)
    if spec["signed"] == "all":
        _implementation(commitments)
        version.status, version.frozen = VersionStatus.ADOPTED, True
        version.adopted_on = version.phase(PhaseKind.ADOPTION).actual_end
        version.save()
    workflow.log(version, None, "demo", "Demo One Plan loaded by `ddm setup` (illustrative, not an official plan).")


def _phases(version: PlanVersion, spec: DemoSpec, reached: int) -> None:
    previous_end = None  # a late phase delays the start of the next, which then catches up
    for i, phase in enumerate(version.phases.all()):
        first, last = PHASE_MONTHS[i]
        phase.planned_start, phase.planned_end = _months(spec["start"], first), _months(spec["start"], last)
        phase.owner = "DCoG and the province (demo)" if phase.kind == PhaseKind.ADOPTION else "District hub (demo)"
        phase.actual_start = max(phase.planned_start, previous_end) if previous_end else phase.planned_start
        if i < reached:
            phase.actual_end = phase.planned_end + datetime.timedelta(days=spec["late"].get(phase.kind, 0))
            phase.status, previous_end = PhaseStatus.COMPLETED, phase.actual_end
        elif i == reached:
            phase.status = PhaseStatus.IN_PROGRESS
        else:
            phase.actual_start, phase.actual_end, phase.status = None, None, PhaseStatus.NOT_STARTED
        phase.save()


def _content(version: PlanVersion, zone: Place, spec: DemoSpec) -> list[Commitment]:
    areas = {a.code: a for a in version.focal_areas.all()}
    commitments = []
    for order, (area, title, horizon, actions) in enumerate(spec["strategies"]):
        strategy = Strategy.objects.create(focal_area=areas[area], title=title, horizon=horizon, order=order)
        for a_order, (a_title, a_horizon, committed) in enumerate(actions):
            action = Action.objects.create(strategy=strategy, title=a_title, horizon=a_horizon, order=a_order)
            for org_code, reference in committed:
                commitment = _commit(action, zone, org_code, reference)
                if commitment is not None:
                    commitments.append(commitment)
    return commitments


def _commit(action: Action, zone: Place, org_code: str, reference: str | None) -> Commitment | None:
    organisation = Organisation.objects.filter(code=org_code).first()
    if organisation is None:
        return None
    commitment = Commitment.objects.create(action=action, organisation=organisation,
                                           description="Demo commitment (illustrative).")
    project = Project.objects.filter(organisation=organisation, reference=reference, locations__zone=zone).first() \
        if reference else None
    if project is not None:
        commitment.projects.add(project)
        commitment.budget_lines.set(project.budget_lines.all())
    return commitment


def _indicators(version: PlanVersion, spec: DemoSpec, baselines: dict[str, str]) -> None:  # the zone's row
    areas = {a.code: a for a in version.focal_areas.all()}
    for key, (target, target_year, actuals) in spec["indicators"].items():
        profile_code, column, name, unit, source, year, area = INDICATORS[key]
        indicator = PlanIndicator.objects.create(
            version=version, focal_area=areas[area], code=key, profile_code=profile_code, name=name, unit=unit,
            source=f"{source} (baseline); target illustrative (demo)", baseline_value=Decimal(baselines[column]),
            baseline_year=year, target_value=Decimal(target), target_year=target_year,
        )
        for period, period_end, value in actuals:
            IndicatorActual.objects.create(indicator=indicator, period=period, period_end=period_end,
                                           value=Decimal(value), reporter_name="Demo reporter",
                                           evidence="Demo value (illustrative), not an official statistic.")


def _action_indicators(version: PlanVersion, spec: DemoSpec) -> None:
    """Each action's indicator (the chain: action → projects → indicator it should move)."""
    indicators = {i.code: i for i in version.indicators.all()}
    for action in Action.objects.filter(strategy__focal_area__version=version,
                                        title__in=spec.get("action_indicators", {})):
        action.indicator = indicators.get(spec["action_indicators"][action.title])
        action.save()


def _signoffs(version: PlanVersion, spec: DemoSpec) -> None:
    wanted = spec["signed"]
    adoption = version.phase(PhaseKind.ADOPTION)
    day = adoption.actual_end or adoption.actual_start or adoption.planned_start or version.created.date()
    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
    for party in required_parties(version):
        if wanted == "all" or party.party in wanted:
            SignOff.objects.create(version=version, party=party.party, place=party.place,
                                   signatory=f"Demo signatory ({party.label})", signed_at=when,
                                   comment="Demo sign-off (illustrative).")


def _implementation(commitments: list[Commitment]) -> None:
    for commitment in commitments:
        for project in commitment.projects.all():
            ProjectStage.objects.create(commitment=commitment, project=project, stage="preparation",
                                        status=PhaseStatus.COMPLETED, actual_end=D(2022, 3, 31), note="Demo stage.")
            ProjectStage.objects.create(commitment=commitment, project=project, stage="implementation",
                                        status=PhaseStatus.IN_PROGRESS, actual_start=D(2022, 4, 1), note="Demo stage.")
    if commitments:
        CommitmentReport.objects.create(commitment=commitments[0], quarter="2024Q4",
                                        progress="Demo report (illustrative): works on schedule.")
