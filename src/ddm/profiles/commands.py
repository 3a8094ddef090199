"""`ddm` commands of the profiles app (see ddm/cli.py).

    ddm profile CODE [--municipality] [--pdf FILE] [--xlsx FILE] [--json]
        A zone's (or municipality's) development profile. --json prints the API's shape
        (GET /api/zones/{code}/profile; documented in ddm/profiles/api.py).
    ddm import indicators FILE [--definitions FILE] [--dry-run] [--json]
        New indicator values; --json prints {rows, written, recomputed, defined, indicators, dry_run,
        ok, errors [{level, message, file, sheet, row, column, value}], warnings}.
"""

from pathlib import Path

import click

from ddm.commands_support import echo_err, echo_json, fail
from ddm.exports import xlsx_bytes
from ddm.places.models import Place
from ddm.profiles import exports, sections
from ddm.profiles.importer import import_indicators


def _place(code: str, municipality: bool) -> Place:
    zones, munis = Place.objects.zones(), Place.objects.municipalities()
    order = (munis, zones) if municipality else (zones, munis)
    for queryset in order:
        found = queryset.without_geometry().select_related("province", "parent").filter(code=code.upper()).first()
        if found:
            return found
    fail(f"no zone or municipality with code {code!r} (MDB 2020 codes, e.g. DC15, ETH, EC157)")


def _summary(place: Place) -> None:
    profile = sections.get_profile(place)
    click.echo(f"{place.display_name} ({place.code}), {place.province.name if place.province else ''}")
    for section in profile["sections"]:
        if not section["rows"]:
            continue
        click.echo(f"\n{section['number']}. {section['title']}")
        for row in section["rows"]:
            rank = f"  [{row['rank']['text']}]" if row["rank"] else ""
            click.echo(f"  {row['name']} ({row['unit_label']}): {row['values'][0]['display']}{rank}")
    click.echo("\nSources: " + "; ".join(f"[{s['number']}] {s['source']}" for s in profile["sources"]))


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    """Attach this app's click commands to the ddm command groups."""

    @cli.command()
    @click.argument("code")
    @click.option("--municipality", is_flag=True, help="CODE is a municipality (for metros: ETH as municipality).")
    @click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the PDF here.")
    @click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write every number with its source here.")
    @click.option("--json", "as_json", is_flag=True, help="Print the profile as JSON (the API's shape).")
    def profile(code: str, municipality: bool, pdf_path: Path | None, xlsx_path: Path | None, as_json: bool) -> None:
        """Development profile of a zone (DC15, ETH) or municipality (EC157)."""
        place = _place(code, municipality)
        if pdf_path:
            pdf_path.write_bytes(exports.profile_pdf(place))
            echo_err(f"PDF written: {pdf_path}")
        if xlsx_path:
            xlsx_path.write_bytes(xlsx_bytes(exports.profile_sheets(place)))
            echo_err(f"XLSX written: {xlsx_path}")
        if as_json:
            echo_json(exports.profile_json(place))
        elif not (pdf_path or xlsx_path):
            _summary(place)

    @import_group.command(name="indicators")
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--definitions", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                  help="CSV/XLSX defining new indicators: code, name, unit, universe, category, source, year "
                       "[, direction, decimals, description].")
    @click.option("--dry-run", is_flag=True, help="Check the file; write nothing.")
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    def indicators(file: Path, definitions: Path | None, dry_run: bool, as_json: bool) -> None:
        """Import indicator values: place code, indicator, year, value [, source, level]. All or nothing."""
        result = import_indicators(file, definitions, dry_run=dry_run)
        if as_json:
            echo_json(result.as_dict())
        for issue in result.issues.errors[:200]:
            echo_err(f"error: {issue}")
        if result.issues.blocking:
            fail(f"{result.issues.error_count} error(s) in {file.name}: nothing was imported")
        if not as_json:
            verb = "checked (dry run)" if dry_run else f"imported {result.written} values"
            echo_err(f"{file.name}: {result.rows} rows {verb}; indicators: {', '.join(result.indicators)}; "
                     f"new definitions: {', '.join(result.defined) or 'none'}; {result.recomputed} values recomputed")
