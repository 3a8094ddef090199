"""`ddm` commands of the capacity app: `ddm import skills`, `ddm report skills`, `ddm hubs list`."""

import datetime
from pathlib import Path

import click
from django.utils import timezone

from ddm.capacity.exports import report_sheets
from ddm.capacity.services import ZoneSkills, audit_subject, coverage, hub_dict, zone_skills, zone_skills_dict
from ddm.capacity.skills_import import ImportRefused, ImportResult
from ddm.capacity.skills_import import import_skills as run_import
from ddm.commands_support import echo_err, echo_json, fail
from ddm.exports import xlsx_bytes
from ddm.places.models import Place


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    import_group.add_command(import_skills)
    report_group.add_command(report_skills)
    cli.add_command(hubs)


@click.command("skills")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--municipality", required=True, help="MDB code of the audited municipality (EC157, ETH, DC36).")
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option("--accept-valid", is_flag=True, help="Write the valid rows even if some rows have errors.")
@click.option("--rejected", "rejected_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the rejected rows (with an errors column) to this XLSX, to fix and re-import.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (see skills_import.ImportResult).")
def import_skills(file: Path, municipality: str, dry_run: bool, accept_valid: bool, rejected_path: Path | None,
                  as_json: bool) -> None:
    """Import a municipality's skills audit (CSV/XLSX; template at /capacity/skills/template.xlsx).

    All or nothing: a row error rejects the file unless --accept-valid. Exit 1 when rejected.
    """
    if not file.exists():
        fail(f"{file}: no such file")
    try:
        place = audit_subject(municipality)
        result = run_import(str(file), file.name, place, dry_run=dry_run, accept_valid=accept_valid)
    except (LookupError, ImportRefused) as exc:
        fail(str(exc))
    if rejected_path and result.rejected:
        rejected_path.write_bytes(result.rejected_xlsx())
        echo_err(f"wrote {len(result.rejected)} rejected rows to {rejected_path}")
    if as_json:
        echo_json(result.as_dict())
    else:
        _print_import(result)
    if result.status == "rejected":
        raise click.exceptions.Exit(1)


def _print_import(result: ImportResult) -> None:
    for issue in result.log.errors:
        echo_err(f"error: {issue}")
    for issue in result.log.warnings:
        echo_err(f"warning: {issue}")
    data = result.as_dict()
    click.echo(f"{data['municipality']} {data['file']}: {data['status']}; {data['rows_read']} rows read, "
               f"{data['rows_valid']} valid, {data['rows_rejected']} rejected, {data['entries_written']} written")
    if data["status"] == "rejected" and data["rows_valid"]:
        click.echo("nothing written; fix the rows above or re-run with --accept-valid")


@click.command("skills")
@click.option("--zone", "code", required=True, help="Zone code (DC36, ETH).")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path), help="Also write an XLSX report.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON (services.zone_skills_dict).")
def report_skills(code: str, xlsx_path: Path | None, as_json: bool) -> None:
    """Skills gap of a zone's municipalities: required vs available, sharing, hub flags, agencies."""
    zone = Place.objects.zones().without_geometry().filter(code=code.upper()).first()
    if zone is None:
        fail(f"no zone with code {code!r} (use one of the 52 codes, e.g. DC36, ETH)")
    report = zone_skills(zone)
    if xlsx_path:
        xlsx_path.write_bytes(xlsx_bytes(report_sheets(report)))
        echo_err(f"wrote {xlsx_path}")
    if as_json:
        echo_json(zone_skills_dict(report))
    else:
        _print_report(report)


def _print_report(report: ZoneSkills) -> None:
    click.echo(f"Skills gap: {report.zone.code} {report.zone.name}")
    click.echo(f"audited: {', '.join(b.place.code for b in report.audited) or 'none'}; "
               f"no audit: {', '.join(b.place.code for b in report.unaudited) or 'none'}")
    click.echo(f"{'skill':<24}{'required':>9}{'available':>10}{'below mgmt':>11}{'gap':>5}")
    for row in report.totals():
        if row["required_audited"] or row["available"]:
            click.echo(f"{row['skill'].code:<24}{row['required_audited']:>9}{row['available']:>10}"
                       f"{row['below_management']:>11}{row['gap']:>5}")
    click.echo("(required, available and gap over audited municipalities; gap = sum of municipal gaps)")
    for s in report.suggestions:
        click.echo(f"share {s.skill.code}: {s.source.code} -> {s.target.code} ({s.share} of surplus {s.surplus}, gap {s.gap})")
    for flag in report.hub_flags:
        click.echo(f"hub: no audited municipality has {flag['skill'].code} (gap {flag['gap']})")


@click.group()
def hubs() -> None:
    """District and metro hubs."""


@hubs.command("list")
@click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Date for vacancy status (default: today).")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON: {today, hubs: [...], zones_without_hub: [...]}.")
def hubs_list(today: datetime.datetime | None, as_json: bool) -> None:
    """Hubs, the zones they serve, vacancies; and the zones without a hub."""
    day = today.date() if today else timezone.localdate()
    data = coverage(day)
    if as_json:
        echo_json({"today": day, "hubs": [hub_dict(h, day) for h in data["hubs"]],
                   "zones_without_hub": [z.code for z in data["zones_without_hub"]]})
        return
    for hub in data["hubs"]:
        vacant = [p["title"] for p in hub_dict(hub, day)["positions"] if p["status"] == "vacant"]
        click.echo(f"{hub.name}: {', '.join(sorted(z.code for z in hub.zones.all()))}; "
                   f"vacant: {', '.join(vacant) or 'none'}")
    click.echo(f"{len(data['hubs'])} hubs serve {len(data['zones_served'])} of {data['zones_total']} zones; "
               f"without a hub: {len(data['zones_without_hub'])}")
