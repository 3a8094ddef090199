"""`ddm` commands of the places app (see ddm/cli.py): `ddm locate`, `ddm zones`.

    ddm locate -- -29.8587 31.0218        point -> municipality, zone, province (and ward)
    ddm locate --name Umtata [--province EC]
    ddm locate --csv in.csv --out out.csv [--lat-column C --lon-column C --name-column C]
    ddm zones [--json]

JSON shapes: the point answer is documented in ddm/places/lookups.py; `--name --json` prints
{"query", "province", "ambiguous", "best", "candidates"}; `--csv --json` prints the summary
{"rows", "placed", "failed_count", "failed": [{"row", "error"}], "mode", "out"}; `zones --json`
prints the same list as GET /api/zones.
"""

import sys
from typing import Any

import click
from django.db import DatabaseError

from ddm.commands_support import echo_err, echo_json, fail
from ddm.places import registry
from ddm.places.batch import CsvError, locate_csv
from ddm.places.lookups import NotInSouthAfrica, candidate_label, locate_point, resolve, zone_list

NOT_LOADED = "the place registry is not loaded: run `ddm setup` first"

FAILED_ROWS_SHOWN = 20


def _require_registry() -> None:
    """One clear line instead of a database traceback when `ddm setup` has not been run."""
    try:
        loaded = registry.is_loaded()
    except DatabaseError:
        loaded = False
    if not loaded:
        fail(NOT_LOADED)


def _print_point(answer: dict[str, Any]) -> None:
    rows = [("municipality", answer["municipality"]), ("zone", answer["zone"]), ("province", answer["province"])]
    for label, place in rows:
        click.echo(f"{label:<13}{place['code']:<10}{place['name']}")
    if answer["ward"]:
        click.echo(f"{'ward':<13}{answer['ward']['code']:<10}{answer['ward']['name']}")
    click.echo(f"(boundaries: MDB {answer['demarcation_year']} demarcation)")


def _point(lat: str, lon: str, as_json: bool) -> None:
    try:
        answer = locate_point(lat, lon)
    except ValueError as exc:
        fail(str(exc))
    except NotInSouthAfrica:
        fail(f"{lat}, {lon} is not in South Africa")
    echo_json(answer) if as_json else _print_point(answer)


def _name(name: str, province: str | None, as_json: bool) -> None:
    try:
        answer = resolve(name, province)
    except ValueError as exc:
        fail(str(exc))
    if as_json:
        echo_json(answer)
    elif answer["best"]:
        best = answer["best"]
        click.echo(f"{name}: {best['kind']} {best['name']} ({best['match']} match, score {best['score']:g})")
        for key in ("municipality", "zone", "province"):
            if best[key]:
                click.echo(f"{key:<13}{best[key]:<10}{best[key + '_name']}")
        others = list(answer["candidates"][1:])
        if others:
            click.echo("also matched: " + "; ".join(candidate_label(c) for c in others[:5]))
    else:
        for candidate in answer["candidates"]:
            click.echo(f"{candidate['match']:<6} {candidate['score']:>5g}  {candidate_label(candidate)}")
    if answer["ambiguous"]:
        fail(f"{name!r} is ambiguous: {len(answer['candidates'])} candidates; narrow it with --province")
    if answer["best"] is None:
        fail(f"no place matches {name!r}")


def _csv(in_path: str, out_path: str | None, lat_column: str | None, lon_column: str | None, name_column: str | None,
         as_json: bool) -> None:
    try:
        if out_path and out_path != "-":
            with open(out_path, "w", newline="", encoding="utf-8") as handle:
                summary = locate_csv(in_path, handle, lat_column, lon_column, name_column)
        else:
            summary = locate_csv(in_path, sys.stdout, lat_column, lon_column, name_column)
    except CsvError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{out_path}: cannot write ({exc.strerror or exc})")
    if as_json:
        echo_json({**summary.as_dict(), "out": out_path or "-"})
    echo_err(f"placed {summary.placed} of {summary.rows} rows ({summary.mode}); failed {len(summary.failed)}")
    for row, reason in summary.failed[:FAILED_ROWS_SHOWN]:
        echo_err(f"  row {row}: {reason}")
    if len(summary.failed) > FAILED_ROWS_SHOWN:  # a 5,000-row list should not flood the terminal
        echo_err(f"  ... and {len(summary.failed) - FAILED_ROWS_SHOWN} more: every row's reason is in the "
                 "locate_error column of the output (and in --json)")


@click.command()
@click.argument("coordinates", nargs=-1)
@click.option("--name", help="A place name or MDB code instead of coordinates.")
@click.option("--province", help="Narrow a name to a province (code or name).")
@click.option("--csv", "csv_path", metavar="IN.CSV", help="Locate every row of a CSV file.")
@click.option("--out", "out_path", metavar="OUT.CSV", help="Where --csv writes (default: standard output).")
@click.option("--lat-column", help="Latitude column of --csv (default: lat/latitude/y).")
@click.option("--lon-column", help="Longitude column of --csv (default: lon/long/longitude/x).")
@click.option("--name-column", help="Place-name column of --csv (default: place/town/name/municipality/location).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (see the shapes in `ddm locate --help`).")
def locate(coordinates: tuple[str, ...], name: str | None, province: str | None, csv_path: str | None,
           out_path: str | None, lat_column: str | None, lon_column: str | None, name_column: str | None,
           as_json: bool) -> None:
    """Municipality, zone and province of a point (LAT LON), a place name, or each row of a CSV.

    Use `--` before negative coordinates: `ddm locate -- -29.8587 31.0218`.
    Exit code 1 if the point is not in South Africa, a name is ambiguous or unknown, or input is bad.
    """
    modes = sum(bool(x) for x in (coordinates, name is not None, csv_path))
    if modes != 1:
        raise click.UsageError("give exactly one of: LAT LON, --name NAME, --csv IN.CSV")
    _require_registry()
    if coordinates:
        if len(coordinates) != 2:
            raise click.UsageError(f"expected LAT LON (two numbers), got {len(coordinates)} value(s)")
        _point(coordinates[0], coordinates[1], as_json)
    elif name is not None:
        _name(name, province, as_json)
    else:
        assert csv_path is not None  # exactly one of the three was given
        _csv(csv_path, out_path, lat_column, lon_column, name_column, as_json)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the zones as JSON (same shape as GET /api/zones).")
def zones(as_json: bool) -> None:
    """List the 52 IGR Impact Zones (44 districts, 8 metros) with their province and municipalities."""
    _require_registry()
    rows = zone_list()
    if as_json:
        echo_json(rows)
        return
    for zone in rows:
        kind = "metro" if zone["category"] == "A" else "district"
        click.echo(f"{zone['code']:<6}{zone['name']:<32}{zone['province']['code']:<5}{kind:<10}"
                   f"{zone['local_municipality_count']:>3} local municipalities")
    click.echo(f"{len(rows)} zones (MDB 2020 demarcation)")


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:

    """Attach this app's click commands to the ddm command groups."""
    cli.add_command(locate)
    cli.add_command(zones)
