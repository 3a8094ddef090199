"""What the One Plan pages show: the national dashboard rows and a zone plan page's context."""

from decimal import Decimal
from typing import Any

from ddm import caching
from ddm.accounts.access import Visitor, organisations_for
from ddm.oneplan import access, delivery, funding, monitoring, serialise, signoff, workflow
from ddm.oneplan.models import (
    PHASE_ORDER,
    Commitment,
    OnePlan,
    PhaseKind,
    PlanIndicator,
    PlanVersion,
    VersionStatus,
)
from ddm.places.models import Place


def _adoption(version: PlanVersion, adopted: PlanVersion | None) -> str:
    if version.current_phase == PhaseKind.ADOPTION and not version.frozen:
        signed = len(signoff.active_signoffs(version))
        return f"Awaiting sign-off: {signed} of {len(signoff.required_parties(version))} signed"
    if adopted is not None:
        return f"Version {adopted.number} adopted {adopted.adopted_on:%Y-%m-%d}"
    return "Not yet adopted"


def _latest_versions() -> tuple[dict[int, PlanVersion], dict[int, PlanVersion]]:
    """({plan id: latest version}, {plan id: adopted version in force}) in one query."""
    latest: dict[int, PlanVersion] = {}
    adopted: dict[int, PlanVersion] = {}
    for version in PlanVersion.objects.order_by("plan_id", "number"):
        latest[version.plan_id] = version
        if version.status == VersionStatus.ADOPTED:
            adopted[version.plan_id] = version
    return latest, adopted


def _indicator_counts(version_ids: list[int]) -> dict[int, dict[str, int]]:
    counts = {vid: dict.fromkeys(monitoring.STATUS_LABELS, 0) for vid in version_ids}
    for indicator in PlanIndicator.objects.filter(version_id__in=version_ids).prefetch_related("actuals"):
        counts[indicator.version_id][monitoring.progress(indicator).status] += 1
    return counts


def national_rows() -> list[dict[str, Any]]:
    """One row per zone (all 52), with or without a One Plan; a fixed number of queries."""
    plans = {p.zone_id: p for p in OnePlan.objects.all()}
    latest, adopted = _latest_versions()
    version_ids = [v.pk for v in latest.values()]
    funded_counts = funding.funded_action_counts(version_ids)
    indicator_counts = _indicator_counts(version_ids)
    rows = []
    for zone in Place.objects.zones().without_geometry().select_related("province").order_by("province__code", "code"):
        plan = plans.get(zone.pk)
        row: dict[str, Any] = {"zone": zone, "plan": plan}
        if plan is not None:
            version = latest[plan.pk]
            version.plan = plan
            plan.zone = zone
            funded, actions = funded_counts[version.pk]
            counts = indicator_counts[version.pk]
            row.update({
                "version": version, "phase": version.get_current_phase_display(),
                "phase_number": PHASE_ORDER.index(version.current_phase) + 1,
                "adoption": _adoption(version, adopted.get(plan.pk)), "adopted": plan.pk in adopted,
                "actions": actions, "actions_funded": funded,
                "share_funded": Decimal(funded) / actions if actions else None,
                "indicators": sum(counts.values()), "on_track": counts[monitoring.ON_TRACK],
            })
        rows.append(row)
    return rows


def totals(rows: list[dict[str, Any]]) -> dict[str, Any]:
    with_plan = [r for r in rows if r["plan"] is not None]
    actions = sum(r["actions"] for r in with_plan)
    funded = sum(r["actions_funded"] for r in with_plan)
    return {
        "zones": len(rows), "plans": len(with_plan), "adopted": sum(1 for r in with_plan if r["adopted"]),
        "actions": actions, "actions_funded": funded,
        "share_funded": Decimal(funded) / actions if actions else None,
        "indicators": sum(r["indicators"] for r in with_plan), "on_track": sum(r["on_track"] for r in with_plan),
    }


def commitment_rows(version: PlanVersion) -> list[dict[str, Any]]:
    rows = []
    commitments = Commitment.objects.filter(action__strategy__focal_area__version=version).select_related(
        "organisation", "action__strategy__focal_area").prefetch_related("budget_lines", "projects", "reports", "stages")
    quarter = monitoring.quarter_of(workflow.today())
    for c in commitments:
        status = funding.commitment_status(c)
        reports = list(c.reports.all())
        rows.append({
            "commitment": c, "status": status, "status_label": funding.STATUS_LABELS[status],
            "amounts": sorted(funding.linked_amounts(c).items()), "stages": monitoring.stages_of(c),
            "last_report": reports[0] if reports else None,
            "reported_this_quarter": any(r.quarter == quarter for r in reports),
        })
    return rows


def zone_context(user: Visitor, plan: OnePlan, version: PlanVersion) -> dict[str, Any]:
    zone = plan.zone
    is_current = version == plan.current
    can_edit = is_current and not version.frozen and access.can_edit_plan(user, zone)
    indicators = [(i, monitoring.progress(i), monitoring.chart_svg(i)) for i in version.indicators.prefetch_related("actuals")]
    areas = serialise.focal_areas(version)
    flags = [a["funded"] for area in areas for s in area["strategies"] for a in s["actions"]]
    funded, actions = sum(flags), len(flags)
    share = Decimal(funded) / actions if actions else None
    return {
        "zone": zone, "plan": plan, "version": version, "versions": plan.versions.order_by("number"),
        "is_current": is_current, "can_edit": can_edit,
        "can_coordinate": access.can_edit_plan(user, zone),
        "can_commit": is_current and not version.frozen and (can_edit or organisations_for(user).exists()),
        "can_report": version.status == VersionStatus.ADOPTED and user.is_authenticated,
        "timetable": workflow.phase_timetable(version), "gate_problems": workflow.gate_problems(version),
        "gate_rules": workflow.GATE_RULES, "phase_index": PHASE_ORDER.index(version.current_phase),
        "focal_areas": areas, "area_ids": {a.code: a.pk for a in version.focal_areas.all()},
        "commitments": commitment_rows(version),
        "funding": {"actions": actions, "funded": funded, "share": share},
        "alignment": caching.remember(  # reads every budget line of the zone: once per data version, shared
            "oneplan:alignment", lambda: funding.alignment(version), version.pk),
        "indicators": indicators, "rule": monitoring.RULE,
        "signoffs": signoff.panel(version), "my_parties": signoff.parties_for(user, version) if is_current else [],
        "my_unsigned_parties": signoff.unsigned_parties_for(user, version) if is_current else [],
        "in_adoption": is_current and version.current_phase == PhaseKind.ADOPTION,
        "events": version.events.select_related("user")[:30],
        "today": workflow.today(),
        "profile_link": workflow.profile_url(zone),
        "chains": delivery.plan_chains(version, workflow.today()), "delivery_rules": delivery.rules(),
    }
