"""`ddm` commands of the facilities app (see ddm/cli.py).

ddm report facilities [--zone DC15] [--json]   counts per municipality (or per zone nationally)
ddm report facilities --unplaced [--json]      facilities kept without a municipality, with the reason
"""

from typing import Any

import click

from ddm.commands_support import echo_json, fail
from ddm.facilities.register import unplaced
from ddm.facilities.services import Counts, counts_by_municipality
from ddm.places.models import Place


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    report_group.add_command(facilities_report)


def _unplaced() -> list[dict[str, Any]]:
    return [{"kind": f.kind, "source": f.source, "ref": f.ref, "name": f.name, "status": f.location_status,
             "reason": f.location_note, "lat": f.latitude, "lon": f.longitude} for f in unplaced()]


def _counts(zone_code: str | None) -> list[Counts]:
    if zone_code:
        zone = Place.objects.zones().filter(code=zone_code.upper()).first()
        if zone is None:
            fail(f"no zone with code {zone_code!r} (use a district or metro MDB code such as DC15 or ETH)")
        places = list(zone.children.order_by("code").values_list("code", "parent__code"))
    else:
        places = list(Place.objects.municipalities().order_by("code").values_list("code", "parent__code"))
    counts = counts_by_municipality([code for code, _ in places])
    if zone_code:
        return [counts[code] for code, _ in places]
    zones: dict[str, Counts] = {}
    for code, parent_code in places:
        assert parent_code is not None  # a municipality's parent is its zone
        zones.setdefault(parent_code, Counts(parent_code)).add(counts[code])
    return [zones[code] for code in sorted(zones)]


@click.command(name="facilities")
@click.option("--zone", "zone_code", default=None, help="Per municipality of this zone (default: per zone).")
@click.option("--unplaced", is_flag=True, help="List facilities kept without a municipality, with the reason.")
@click.option("--json", "as_json", is_flag=True, help="JSON on stdout.")
def facilities_report(zone_code: str | None, unplaced: bool, as_json: bool) -> None:
    """Schools and health facilities per place, or those that could not be placed.

    JSON: a list of {"code", "schools", "learners", "educators", "learners_per_educator", "clinics",
    "hospitals", "ems_stations"}; with --unplaced a list of {"kind", "source", "ref", "name",
    "status" (outside|missing), "reason", "lat", "lon"}.
    """
    if unplaced:
        rows = _unplaced()
        if as_json:
            echo_json(rows)
            return
        for row in rows:
            click.echo(f"{row['kind']}\t{row['ref']}\t{row['name']}\t{row['status']}\t{row['reason']}")
        click.echo(f"{len(rows)} facilities kept without a municipality", err=True)
        return
    rows = [{"code": c.code, "schools": c.schools, "learners": c.learners, "educators": c.educators,
             "learners_per_educator": c.learners_per_educator, "clinics": c.clinics, "hospitals": c.hospitals,
             "ems_stations": c.ems_stations} for c in _counts(zone_code)]
    if as_json:
        echo_json(rows)
        return
    click.echo("code\tschools\tlearners\teducators\tlearners/educator\tclinics\thospitals\tEMS")
    for r in rows:
        click.echo("\t".join(str(r[k] if r[k] is not None else "-") for k in (
            "code", "schools", "learners", "educators", "learners_per_educator", "clinics", "hospitals",
            "ems_stations")))
