"""`ddm` commands of the alignment app (see ddm/cli.py).

ddm duplicates --zone DC15 [--json|--csv] [--min-score S]
ddm report alignment [--service water] [--json|--csv]
ddm report localisation [--json|--csv]
"""

import sys

import click

from ddm.alignment import localisation, needs, review
from ddm.alignment.duplicates import DEFAULT_THRESHOLD
from ddm.commands_support import echo_json, fail
from ddm.exports import csv_bytes
from ddm.places.models import Place


def register(cli, import_group, report_group):
    cli.add_command(duplicates)
    report_group.add_command(alignment_report)
    report_group.add_command(localisation_report)


def _output_flags(func):
    func = click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout (formula-safe).")(func)
    func = click.option("--json", "as_json", is_flag=True, help="JSON on stdout (documented, stable shape).")(func)
    return func


def _write_csv(header, rows):
    sys.stdout.buffer.write(csv_bytes(header, rows).decode("utf-8-sig").encode("utf-8"))
    sys.stdout.flush()


@click.command()
@click.option("--zone", "zone_code", required=True, help="Zone MDB code, e.g. DC15 or ETH.")
@click.option("--min-score", type=click.IntRange(0, 100), default=None,
              help="Lowest score listed (default: the documented threshold, 70).")
@_output_flags
def duplicates(zone_code, min_score, as_json, as_csv):
    """Duplicate candidate pairs of a zone: score 0-100, reasons, clusters.

    JSON: {"zone": {code, name, province}, "threshold", "default_threshold", "projects_compared",
    "reviewed_pairs_hidden", "method", "pairs": [{"score", "reasons": [...], "a": {"id",
    "organisation", "reference", "title"}, "b": {...}, "cluster", "previous_decision"}],
    "clusters": [{"cluster", "size", "projects": [ids]}]}.
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    zone = Place.objects.zones().filter(code=zone_code.upper()).select_related("province").first()
    if zone is None:
        fail(f"no zone with code {zone_code!r} (use a district or metro MDB code such as DC15 or ETH)")
    candidates = review.zone_candidates(zone, DEFAULT_THRESHOLD if min_score is None else min_score)
    if as_json:
        echo_json(review.candidates_json(candidates))
    elif as_csv:
        _write_csv(review.CSV_HEADER, review.candidates_rows(candidates))
    else:
        _print_candidates(candidates)


def _print_candidates(candidates):
    click.echo(f"{candidates.zone.code} {candidates.zone.name}: {len(candidates.pairs)} candidate pairs scoring "
               f">= {candidates.threshold} among {candidates.project_count} projects; "
               f"{len(candidates.clusters)} clusters; {candidates.reviewed_hidden} decided pairs hidden")
    for pair in candidates.pairs:
        click.echo(f"\n[{pair.score:3d}] cluster {pair.cluster}")
        for record in (pair.a, pair.b):
            click.echo(f"  {record.organisation} {record.reference}: {record.title}")
        click.echo("  " + "; ".join(pair.reasons))


@click.command(name="alignment")
@click.option("--service", type=click.Choice(["water", "sanitation", "electricity", "refuse", "housing", "education"]),
              default=None, help="One service (default: all).")
@click.option("--kind", type=click.Choice(["budget", "adjusted", "actual", "planned"]), default="budget",
              show_default=True, help="Budget kind of the spending (kinds are never added together).")
@click.option("--year", "years", multiple=True, help="Financial year(s), e.g. 2020/21 (default: all years).")
@_output_flags
def alignment_report(service, kind, years, as_json, as_csv):
    """Needs versus investment: service backlogs against spending per zone, ranked.

    JSON: {"kind", "years", "spend_includes", "population_source", "rank_rule", "services": [{"service",
    "label", "backlog", "backlog_unit", "indicator", "backlog_source", "sectors", "total_backlog",
    "total_spend", "zones": [{"rank", "zone", "name", "province", "backlog", "backlog_rate", "population",
    "spend", "per_capita", "per_backlog", "backlog_share", "spend_share", "need_ratio", "no_spend"}]}]}.
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    try:
        parsed = needs.parse_years(list(years))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--year") from None
    report = needs.alignment(services=[service] if service else None, kind=kind, years=parsed)
    if as_json:
        echo_json(needs.as_json(report))
    elif as_csv:
        _write_csv(needs.CSV_HEADER, needs.csv_rows(report))
    else:
        for line in needs.text_lines(report):
            click.echo(line)


@click.command(name="localisation")
@click.option("--kind", type=click.Choice(["budget", "adjusted", "actual", "planned"]), default="budget",
              show_default=True, help="Budget kind (kinds are never added together).")
@_output_flags
def localisation_report(kind, as_json, as_csv):
    """Department localisation: share of each department's Rand located in zones.

    JSON: {"kind", "includes", "departments_without_projects", "departments": [{"organisation", "name",
    "sphere", "province", "total", "located", "located_share", "by_precision": {point, ward, municipality,
    zone}, "province_level", "national_level", "unmapped", "zones_expected", "zones_without": [codes],
    "only_national_or_province"}]}.
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    report = localisation.localisation(kind)
    if as_json:
        echo_json(localisation.as_json(report))
    elif as_csv:
        _write_csv(localisation.CSV_HEADER, localisation.csv_rows(report))
    else:
        for line in localisation.text_lines(report):
            click.echo(line)
