"""`ddm oneplan ...` commands.

  ddm oneplan show DC15 [--version N] [--json]   the plan (JSON shape: see ddm/oneplan/serialise.py)
  ddm oneplan reminders [--zone DC15] [--json]   commitments without a report this quarter
  ddm oneplan export DC15 --pdf f.pdf | --xlsx f.xlsx [--version N]   the adopted version by default

--json shapes: show = serialise.plan_data; reminders =
{"quarter": "2026Q3", "count": n, "commitments": [{"zone", "organisation", "organisation_name", "action", "commitment_id",
  "last_report"}]}.
"""

from typing import Any

import click

from ddm import commands_support as support
from ddm.oneplan import exports
from ddm.oneplan.models import OnePlan, PlanVersion
from ddm.oneplan.monitoring import reminders as missing_reports
from ddm.oneplan.serialise import plan_data
from ddm.places.models import Place


def _plan(code: str) -> OnePlan:
    plan = OnePlan.objects.select_related("zone__province").filter(zone__code=code.upper(), zone__level="zone").first()
    if plan is None:
        support.fail(f"{code.upper()} has no One Plan recorded (or is not a zone code).")
    return plan


def _version(plan: OnePlan, number: int | None, adopted_default: bool = False) -> PlanVersion:
    if number is not None:
        version = plan.versions.filter(number=number).first()
        if version is None:
            support.fail(f"{plan.zone.code} One Plan has no version {number}.")
        return version
    if adopted_default:
        adopted = plan.adopted
        if adopted is None:
            support.fail(f"{plan.zone.code} One Plan has no adopted version; pass --version N to export a draft.")
        return adopted
    current = plan.current
    if current is None:
        support.fail(f"{plan.zone.code} One Plan has no version.")
    return current


def _print_plan(data: dict[str, Any]) -> None:
    v, z = data["version"], data["zone"]
    click.echo(f"{z['code']} {z['name']} One Plan, version {v['number']} ({v['status']}), phase {v['current_phase']}")
    click.echo(f"Vision: {v['vision'] or '(not recorded)'}")
    for p in data["phases"]:
        late = "  LATE" if p["late"] else ""
        click.echo(f"  {p['name']:<32} {p['status']:<12} planned {p['planned_start'] or '?'}..{p['planned_end'] or '?'}"
                   f"  actual {p['actual_start'] or '-'}..{p['actual_end'] or '-'}{late}")
    for area in data["focal_areas"]:
        for s in area["strategies"]:
            click.echo(f"[{area['name']}] {s['title']} ({s['horizon']})")
            for a in s["actions"]:
                orgs = ", ".join(f"{c['organisation']['code']}:{c['funding_status']}"
                                 for c in a["commitments"]) or "no commitment"
                click.echo(f"    - {a['title']} ({a['horizon']}) {'FUNDED' if a['funded'] else 'UNFUNDED'} [{orgs}]")
    f = data["funding"]
    click.echo(f"Actions funded: {f['actions_funded']} of {f['actions']}")
    signed = sum(1 for s in data["signoffs"] if s["signed"])
    click.echo(f"Sign-offs: {signed} of {len(data['signoffs'])}")
    for i in data["indicators"]:
        click.echo(f"  indicator {i['code']}: {i['status']}")


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    @cli.group(name="oneplan")
    def oneplan() -> None:
        """One Plans: show, reporting reminders, exports."""

    @oneplan.command()
    @click.argument("zone")
    @click.option("--version", "number", type=int, help="Version number (default: the latest).")
    @click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
    def show(zone: str, number: int | None, as_json: bool) -> None:
        """Show a zone's One Plan."""
        data = plan_data(_version(_plan(zone), number))
        if as_json:
            support.echo_json(data)
        else:
            _print_plan(data)

    @oneplan.command()
    @click.option("--zone", help="Only this zone.")
    @click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
    def reminders(zone: str | None, as_json: bool) -> None:
        """Commitments of adopted plans with no progress report this quarter."""
        place = None
        if zone:
            place = Place.objects.zones().filter(code=zone.upper()).first()
            if place is None:
                support.fail(f"{zone} is not a zone code.")
        quarter, missing = missing_reports(zone=place)
        rows = [{"zone": c.action.strategy.focal_area.version.plan.zone.code, "organisation": c.organisation.code,
                 "organisation_name": c.organisation.name, "action": c.action.title, "commitment_id": c.pk,
                 "last_report": (last.quarter if (last := c.reports.first()) else None)} for c in missing]
        if as_json:
            support.echo_json({"quarter": quarter, "count": len(rows), "commitments": rows})
            return
        click.echo(f"{len(rows)} commitment(s) without a progress report for {quarter}")
        for r in rows:
            click.echo(f"  {r['zone']:<6} {r['organisation_name']}: {r['action']} (last: {r['last_report'] or 'never'})")

    @oneplan.command()
    @click.argument("zone")
    @click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, writable=True), help="Write a PDF here.")
    @click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, writable=True), help="Write an XLSX here.")
    @click.option("--version", "number", type=int, help="Version number (default: the adopted version in force).")
    def export(zone: str, pdf_path: str | None, xlsx_path: str | None, number: int | None) -> None:
        """Export a zone's adopted One Plan (PDF and/or XLSX)."""
        if not pdf_path and not xlsx_path:
            raise click.UsageError("Give --pdf FILE and/or --xlsx FILE.")
        version = _version(_plan(zone), number, adopted_default=True)
        for path, make in ((pdf_path, exports.pdf_bytes), (xlsx_path, exports.xlsx_bytes)):
            if path:
                try:
                    with open(path, "wb") as handle:
                        handle.write(make(version))
                except OSError as exc:
                    support.fail(f"cannot write {path}: {exc.strerror}")
                support.echo_err(f"wrote {path} (version {version.number}, {version.status})")
