"""One Plan version as plain data: the stable JSON shape shared by the API, `ddm oneplan show --json`
and the exports. Money and indicator values are Decimal (strings in JSON).

Shape:
{zone: {code, name, province}, plan: {is_demo, versions: [{number, status}]},
 version: {number, status, frozen, adopted_on, current_phase, vision, profile_url, profile_snapshot_date,
           review_reason},
 phases: [{kind, name, status, planned_start, planned_end, actual_start, actual_end, owner, notes, late,
           documents: [{title, url: the access-checked download path}]}],
 focal_areas: [{code, name, reviewed, strategies: [{id, title, horizon, description,
     actions: [{id, title, horizon, description, funded,
        commitments: [{id, organisation: {code, name, sphere}, description, funding_status,
                       linked_amounts: {kind: amount}, projects: [{id, reference, title}]}]}]}]}],
 funding: {actions, actions_funded, share_funded, rule},
 alignment: {kind, financial_year, basis, zone_investment, serving_plan, share, projects_total,
             projects_serving},
 signoffs: [{party, place, label, signed, signatory, signed_at, comment}],
 indicators: [{code, name, unit, source, profile_code, baseline: {value, year}, target: {value, year},
               actuals: [{period, period_end, value, reporter, evidence}], status, expected, progress_rule}]}
"""

from typing import Any

from django.urls import reverse

from ddm.oneplan import funding, monitoring, signoff, workflow
from ddm.oneplan.models import Action, Commitment, Phase, PlanIndicator, PlanVersion, Strategy


def _phase(phase: Phase, late: bool, zone_code: str) -> dict[str, Any]:
    return {
        "kind": phase.kind, "name": phase.get_kind_display(), "status": phase.status,
        "planned_start": phase.planned_start, "planned_end": phase.planned_end,
        "actual_start": phase.actual_start, "actual_end": phase.actual_end,
        "owner": phase.owner, "notes": phase.notes, "late": late,
        "documents": [{"title": d.title, "url": reverse("oneplan:document_file", args=[zone_code, d.pk])}
                      for d in phase.documents.all()],
    }


def _commitment(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk, "organisation": {"code": c.organisation.code, "name": c.organisation.name,
                                     "sphere": c.organisation.sphere},
        "description": c.description, "funding_status": funding.commitment_status(c),
        "linked_amounts": funding.linked_amounts(c),
        "projects": [{"id": p.pk, "reference": p.reference, "title": p.title} for p in c.projects.all()],
    }


def _action(a: Action) -> dict[str, Any]:
    return {"id": a.pk, "title": a.title, "horizon": a.horizon, "description": a.description,
            "funded": funding.action_funded(a), "commitments": [_commitment(c) for c in a.commitments.all()]}


def focal_areas(version: PlanVersion) -> list[dict[str, Any]]:
    strategies = Strategy.objects.filter(focal_area__version=version).prefetch_related(
        "actions__commitments__budget_lines", "actions__commitments__organisation", "actions__commitments__projects")
    by_area: dict[int, list[Strategy]] = {}
    for strategy in strategies:
        by_area.setdefault(strategy.focal_area_id, []).append(strategy)
    return [
        {"code": area.code, "name": area.name, "reviewed": area.reviewed, "strategies": [
            {"id": s.pk, "title": s.title, "horizon": s.horizon, "description": s.description,
             "actions": [_action(a) for a in s.actions.all()]}
            for s in by_area.get(area.pk, [])]}
        for area in version.focal_areas.all()
    ]


def _indicator(ind: PlanIndicator) -> dict[str, Any]:
    result = monitoring.progress(ind)
    return {
        "code": ind.code, "name": ind.name, "unit": ind.unit, "source": ind.source, "profile_code": ind.profile_code,
        "baseline": {"value": ind.baseline_value, "year": ind.baseline_year},
        "target": {"value": ind.target_value, "year": ind.target_year},
        "actuals": [{"period": a.period, "period_end": a.period_end, "value": a.value, "reporter": a.reporter_name,
                     "evidence": a.evidence} for a in ind.actuals.all()],
        "status": result.status, "expected": result.expected, "progress_rule": monitoring.RULE,
    }


def _signoffs(version: PlanVersion) -> list[dict[str, Any]]:
    rows = []
    for party, signed in signoff.panel(version):
        rows.append({
            "party": party.party, "place": party.place.code if party.place else None, "label": party.label,
            "signed": signed is not None, "signatory": signed.signatory if signed else None,
            "signed_at": signed.signed_at if signed else None, "comment": signed.comment if signed else None,
        })
    return rows


def plan_data(version: PlanVersion) -> dict[str, Any]:
    plan, zone = version.plan, version.plan.zone
    funded, total, share = funding.action_funding_share(version)
    aligned = funding.alignment(version)
    return {
        "zone": {"code": zone.code, "name": zone.name, "province": zone.province.code if zone.province else None},
        "plan": {"is_demo": plan.is_demo,
                 "versions": [{"number": v.number, "status": v.status} for v in plan.versions.order_by("number")]},
        "version": {
            "number": version.number, "status": version.status, "frozen": version.frozen,
            "adopted_on": version.adopted_on, "current_phase": version.current_phase, "vision": version.vision,
            "profile_url": version.profile_url, "profile_snapshot_date": version.profile_snapshot_date,
            "review_reason": version.review_reason,
        },
        "phases": [_phase(p, late, zone.code) for p, late in workflow.phase_timetable(version)],
        "focal_areas": focal_areas(version),
        "funding": {"actions": total, "actions_funded": funded, "share_funded": share,
                    "rule": "An action is funded when a commitment has a linked budget line of kind budget, "
                            "adjusted or actual above zero."},
        "alignment": {
            "kind": aligned.kind, "financial_year": aligned.financial_year, "basis": aligned.basis,
            "zone_investment": aligned.total, "serving_plan": aligned.serving, "share": aligned.share,
            "projects_total": aligned.projects_total, "projects_serving": aligned.projects_serving,
        },
        "signoffs": _signoffs(version),
        "indicators": [_indicator(i) for i in version.indicators.prefetch_related("actuals")],
    }
