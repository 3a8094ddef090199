"""`ddm` commands of the investment app: reports here, intake commands in intake/commands.py.

`ddm report quantum --zone ETH [--calendar april|july] [--view annual|stated]
[--json | --csv FILE | --xlsx FILE]`: the zone's quantum. Without an output option, a text table on
stdout. --json prints the stable shape documented in ddm.investment.reports (and docs/api.md):
{"zone", "calendar", "calendar_description", "view", "rows", "totals", "published_totals"}.
--csv - writes the CSV to stdout. Exit 1 for an unknown zone.
"""

from pathlib import Path
from typing import Any

import click

from ddm import caching
from ddm.commands_support import echo_err, echo_json, fail
from ddm.exports import csv_bytes, xlsx_bytes
from ddm.investment import quantum, summary
from ddm.investment.intake import commands as intake_commands
from ddm.investment.pilots import published_for_zone
from ddm.investment.quantum import INCLUDES
from ddm.investment.reports import ROW_HEADER, quantum_json, quantum_notes, quantum_rows
from ddm.investment.tables import quantum_tables
from ddm.numbers import rand_exact as rand_full
from ddm.places.models import Place


def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    intake_commands.register(cli, import_group, report_group)
    report_group.add_command(report_quantum)
    cli.add_command(summary_group)


@click.group("summary")
def summary_group() -> None:
    """The zone summary the pages read (ddm.investment.summary)."""


@summary_group.command("refresh")
@click.option("--zone", "zone_codes", multiple=True, help="Zone MDB code (repeatable); default: every zone.")
def summary_refresh(zone_codes: tuple[str, ...]) -> None:
    """Add the zones up again from the register and store them (after a bulk load outside `ddm import`)."""
    if zone_codes:
        zones = dict(Place.objects.zones().filter(code__in=[c.upper() for c in zone_codes]).values_list("code", "pk"))
        unknown = sorted({c.upper() for c in zone_codes} - set(zones))
        if unknown:
            fail(f"unknown zone(s): {', '.join(unknown)}")
        stored = summary.refresh(zones.values())
    else:
        stored = summary.refresh_all()
    caching.bump()
    echo_err(f"zone summary: {stored} zone(s) added up and stored")


@click.command("quantum")
@click.option("--zone", "zone_code", required=True, help="Zone MDB code, e.g. ETH, DC15, DC36.")
@click.option("--calendar", type=click.Choice(["april", "july"]), default="april", show_default=True,
              help="Financial years to show: April-March (national/provincial) or July-June (municipal).")
@click.option("--view", type=click.Choice(["annual", "stated"]), default="annual", show_default=True,
              help="annual: multi-year lines apportioned over years; stated: lines kept whole as stated.")
@click.option("--json", "as_json", is_flag=True, help="Print the documented JSON shape on stdout.")
@click.option("--csv", "csv_file", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the rows as CSV to FILE ('-' for stdout).")
@click.option("--xlsx", "xlsx_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Write rows, totals and published totals to an XLSX FILE.")
def report_quantum(zone_code: str, calendar: str, view: str, as_json: bool, csv_file: str | None,
                   xlsx_file: Path | None) -> None:
    """The quantum of a zone: every sphere's budgets by financial year and kind.

    Government (national, provincial, local, parastatal) and private totals are reported apart and
    never added; kinds (budget, adjusted, actual, planned) are never added together.

    \b
    --json prints a stable shape:
      {"zone": {"code", "name"}, "calendar", "calendar_description", "view",
       "rows": [{"sphere", "organisation", "organisation_name", "financial_year" ("2019/20",
                 a span in the stated view, or null: years not stated), "kind",
                 "amount" (Rand, decimal string), "apportioned", "sector", "municipality",
                 "precision", "is_aggregate", "stated_calendar"}],
       "totals": {"government": {kind: amount}, "private": {kind: amount}, "by_sphere",
                  "by_precision", "includes": {...what each total includes}},
       "published_totals": [{"stated_as", "amount", "lines_sum", "difference", "findings", ...}]}
    """
    if sum(bool(x) for x in (as_json, csv_file, xlsx_file)) > 1:
        raise click.UsageError("choose one of --json, --csv, --xlsx")
    try:
        q = quantum.zone_quantum(zone_code, calendar, view)
    except Place.DoesNotExist:
        fail(f"no zone with code {zone_code!r} (use an MDB code such as ETH, DC15, DC36)")
    if as_json:
        echo_json(quantum_json(q))
    elif csv_file:
        _write_csv(q, csv_file)
    elif xlsx_file:
        _write_xlsx(q, xlsx_file)
    else:
        _print_table(q)


def _write_csv(q: quantum.Quantum, target: str) -> None:
    data = csv_bytes(ROW_HEADER, quantum_rows(q))
    if target == "-":
        click.echo(data.decode("utf-8-sig"), nl=False)
    else:
        Path(target).write_bytes(data)
        echo_err(f"{len(q.rows)} rows written to {target}")


def _write_xlsx(q: quantum.Quantum, target: Path) -> None:
    sheets: list[tuple[str, list[str], list[list[Any]], list[str]]] = [
        ("rows", ROW_HEADER, list(quantum_rows(q)), quantum_notes(q))]
    sheets += [(t.key, t.header, list(t.export_rows()), t.notes) for t in quantum_tables(q)]
    target.write_bytes(xlsx_bytes(sheets))
    echo_err(f"{len(q.rows)} rows written to {target}")


def _print_table(q: quantum.Quantum) -> None:
    click.echo(f"{q.zone.code} {q.zone.name}: {q.calendar_description}, view {q.view}")
    for row in q.rows:
        mark = "*" if row.apportioned else " "
        click.echo(f"  {row.sphere:<11} {row.organisation_name[:40]:<40} {row.financial_year or 'not stated':<16} "
                   f"{row.kind:<9} {rand_full(row.amount):>24}{mark}")
    for kind in q.kinds:
        click.echo(f"Government {kind}: {rand_full(q.government(kind))}   Private {kind} (not added): "
                   f"{rand_full(q.private(kind))}")
    click.echo("* apportioned share. " + INCLUDES["kinds"])
    for r in published_for_zone(q.zone):
        click.echo(f"Published {r['published'].stated_as} ({r['published'].label}, {r['published'].source}):")
        for finding in r["findings"]:
            click.echo(f"  - {finding}")
