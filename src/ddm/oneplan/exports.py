"""Exports of a One Plan version: PDF (typst, from plan.typ) and XLSX (through ddm.exports, injection-safe).

The PDF template reads the plan as JSON data, so no plan text is ever evaluated as typst markup.
"""

import json
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import typst
from django.http import HttpResponse
from django.utils import timezone

from ddm import exports as shared_exports
from ddm.numbers import rand_short, share
from ddm.oneplan import funding, monitoring, serialise
from ddm.oneplan.models import PhaseStatus, PlanVersion, VersionStatus

TEMPLATE = Path(__file__).resolve().parent / "plan.typ"
STATUS = dict(PhaseStatus.choices)


def filename(version: PlanVersion, ext: str) -> str:
    return f"oneplan-{version.plan.zone.code}-v{version.number}.{ext}"


def rand(amount: Decimal | None) -> str:
    return rand_short(amount)


def percent(fraction: Decimal | None) -> str:
    return "n/a" if fraction is None else share(fraction)


def _number(value: Decimal) -> str:
    return f"{value.normalize():f}"


def status_line(version: PlanVersion) -> str:
    if version.status == VersionStatus.ADOPTED:
        return f"adopted {version.adopted_on:%Y-%m-%d}, frozen"
    if version.status == VersionStatus.SUPERSEDED:
        return "superseded by a later version"
    return f"DRAFT, in {version.get_current_phase_display()}"


def _pdf_data(version: PlanVersion) -> dict[str, Any]:
    data = serialise.plan_data(version)
    data["exported"] = timezone.localdate().isoformat()
    data["is_demo"] = version.plan.is_demo
    data["status_line"] = status_line(version)
    for phase in data["phases"]:
        phase["status_label"] = STATUS[phase["status"]]
        phase["planned"] = f"{phase['planned_start'] or '?'} – {phase['planned_end'] or '?'}"
        phase["actual"] = f"{phase['actual_start'] or '–'} – {phase['actual_end'] or '–'}"
    for area in data["focal_areas"]:
        for strategy in area["strategies"]:
            for action in strategy["actions"]:
                for c in action["commitments"]:
                    c["funding_label"] = funding.STATUS_LABELS[c["funding_status"]]
                    c["amounts"] = ", ".join(f"{kind} {rand(v)} (all stated years)" for kind, v in c["linked_amounts"].items())
    f = data["funding"]
    data["funding_line"] = f"Actions funded: {f['actions_funded']} of {f['actions']} ({percent(f['share_funded'])})."
    a = data["alignment"]
    data["alignment_line"] = (f"Registered investment in the zone: {rand(a['zone_investment'])}; serving a One Plan action: "
                              f"{rand(a['serving_plan'])} ({percent(a['share'])}).")
    for s in data["signoffs"]:
        s["by"] = s["signatory"] or "not signed"
        s["when"] = s["signed_at"].strftime("%Y-%m-%d") if s["signed_at"] else ""
        s["comment_text"] = s["comment"] or ""
    for i in data["indicators"]:
        unit = f" {i['unit']}" if i["unit"] else ""
        i["baseline_text"] = f"{_number(i['baseline']['value'])}{unit} ({i['baseline']['year']})"
        i["target_text"] = f"{_number(i['target']['value'])}{unit} ({i['target']['year']})"
        latest = i["actuals"][-1] if i["actuals"] else None
        i["latest_text"] = f"{_number(latest['value'])}{unit} ({latest['period']})" if latest else "none reported"
        i["status_label"] = monitoring.STATUS_LABELS[i["status"]]
    data["rule"] = monitoring.RULE
    return data


def pdf_bytes(version: PlanVersion) -> bytes:
    data = _pdf_data(version)
    with tempfile.TemporaryDirectory(prefix="ddm-oneplan-") as tmp:
        root = Path(tmp)
        (root / "data.json").write_text(json.dumps(data, default=_json_default, ensure_ascii=False), encoding="utf-8")
        (root / "plan.typ").write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        return typst.compile(str(root / "plan.typ"), root=str(root))


def _json_default(value: object) -> str:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def xlsx_sheets(version: PlanVersion) -> list[tuple[Any, ...]]:
    data = serialise.plan_data(version)
    zone = data["zone"]
    heading = f"{zone['code']} {zone['name']} One Plan version {version.number} ({status_line(version)})"
    actions = []
    for area in data["focal_areas"]:
        for s in area["strategies"]:
            for a in s["actions"]:
                commitments = a["commitments"] or [None]
                for c in commitments:
                    actions.append([
                        area["name"], s["title"], s["horizon"], a["title"], a["horizon"], "yes" if a["funded"] else "NO",
                        c["organisation"]["name"] if c else "",
                        funding.STATUS_LABELS[c["funding_status"]] if c else "no commitment",
                        c["linked_amounts"].get("budget") if c else None, c["linked_amounts"].get("adjusted") if c else None,
                        c["linked_amounts"].get("actual") if c else None, c["linked_amounts"].get("planned") if c else None,
                        "; ".join(p["reference"] for p in c["projects"]) if c else "",
                    ])
    phases = [[p["name"], STATUS[p["status"]], p["planned_start"] and p["planned_start"].isoformat(),
               p["planned_end"] and p["planned_end"].isoformat(), p["actual_start"] and p["actual_start"].isoformat(),
               p["actual_end"] and p["actual_end"].isoformat(), p["owner"], "late" if p["late"] else ""] for p in data["phases"]]
    signoffs = [[s["label"], s["signatory"] or "", s["signed_at"] and s["signed_at"].isoformat(), s["comment"] or ""]
                for s in data["signoffs"]]
    indicators = [[i["code"], i["name"], i["unit"], i["source"], i["baseline"]["value"], i["baseline"]["year"],
                   i["target"]["value"], i["target"]["year"],
                   i["actuals"][-1]["value"] if i["actuals"] else None, i["actuals"][-1]["period"] if i["actuals"] else "",
                   monitoring.STATUS_LABELS[i["status"]]] for i in data["indicators"]]
    a = data["alignment"]
    return [
        ("Actions", ["Focal area", "Strategy", "Strategy horizon", "Action", "Action horizon", "Action funded",
                     "Committing organisation", "Funding status", "Budget (R)", "Adjusted (R)", "Actual (R)",
                     "Planned (R)", "Projects"], actions,
         [heading, f"Vision: {data['version']['vision'] or '(not recorded)'}",
          "Amounts: linked budget lines of the investment register, Rand, all stated financial years.",
          f"Registered investment in the zone: R {a['zone_investment']}; serving the plan: R {a['serving_plan']}. "
          f"Basis: {a['basis']}"]),
        ("Phases", ["Phase", "Status", "Planned start", "Planned end", "Actual start", "Actual end", "Owner", "Late"],
         phases, [heading]),
        ("Sign-offs", ["Sphere", "Signed by", "Signed at", "Comment"], signoffs, [heading]),
        ("Indicators", ["Code", "Indicator", "Unit", "Source", "Baseline", "Baseline year", "Target", "Target year",
                        "Latest value", "Latest period", "Status"], indicators, [heading, monitoring.RULE]),
    ]


def xlsx_bytes(version: PlanVersion) -> bytes:
    return shared_exports.xlsx_bytes(xlsx_sheets(version))


def xlsx_response(version: PlanVersion) -> HttpResponse:
    return shared_exports.xlsx_response(filename(version, "xlsx"), xlsx_sheets(version))
