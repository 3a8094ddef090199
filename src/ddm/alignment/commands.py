"""`ddm` commands of the alignment app (see ddm/cli.py).

ddm duplicates --zone DC15 [--json|--csv] [--min-score S]
ddm report alignment [--service water] [--json|--csv]
ddm report localisation [--json|--csv]
"""

import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

import click

from ddm.alignment import localisation, needs, review
from ddm.alignment.duplicates import DEFAULT_THRESHOLD
from ddm.commands_support import echo_json, fail
from ddm.exports import csv_bytes
from ddm.places.models import Place

ReportT = TypeVar("ReportT")

def register(cli: click.Group, import_group: click.Group, report_group: click.Group) -> None:
    cli.add_command(duplicates)
    report_group.add_command(alignment_report)
    report_group.add_command(localisation_report)


def _output_flags(func: Callable[..., None]) -> Callable[..., None]:
    """--json and --csv, refused together before the command runs."""
    @functools.wraps(func)
    def checked(*args: Any, as_json: bool, as_csv: bool, **kwargs: Any) -> None:
        if as_json and as_csv:
            raise click.UsageError("choose one of --json and --csv")
        return func(*args, as_json=as_json, as_csv=as_csv, **kwargs)

    checked = click.option("--csv", "as_csv", is_flag=True, help="CSV on stdout (formula-safe).")(checked)
    return click.option("--json", "as_json", is_flag=True, help="JSON on stdout (documented, stable shape).")(checked)


def _emit(report: ReportT, as_json: bool, as_csv: bool, *, to_json: Callable[[ReportT], Any], csv_header: list[str],
          to_csv_rows: Callable[[ReportT], Iterable[list[Any]]], to_text_lines: Callable[[ReportT], Iterable[str]]) -> None:
    """One report in the format asked for: JSON, formula-safe CSV (without the BOM) or text lines."""
    if as_json:
        echo_json(to_json(report))
    elif as_csv:
        sys.stdout.buffer.write(csv_bytes(csv_header, to_csv_rows(report)).decode("utf-8-sig").encode("utf-8"))
        sys.stdout.flush()
    else:
        for line in to_text_lines(report):
            click.echo(line)


@click.command()
@click.option("--zone", "zone_code", required=True, help="Zone MDB code, e.g. DC15 or ETH.")
@click.option("--min-score", type=click.IntRange(0, 100), default=None,
              help="Lowest score listed (default: the documented threshold, 70).")
@_output_flags
def duplicates(zone_code: str, min_score: int | None, as_json: bool, as_csv: bool) -> None:
    """Duplicate candidate pairs of a zone: score 0-100, reasons, clusters.

    JSON: {"zone": {code, name, province}, "threshold", "default_threshold", "projects_compared",
    "reviewed_pairs_hidden", "method", "pairs": [{"score", "reasons": [...], "a": {"id",
    "organisation", "reference", "title"}, "b": {...}, "cluster", "previous_decision"}],
    "clusters": [{"cluster", "size", "projects": [ids]}]}.
    """
    zone = Place.objects.zones().filter(code=zone_code.upper()).select_related("province").first()
    if zone is None:
        fail(f"no zone with code {zone_code!r} (use a district or metro MDB code such as DC15 or ETH)")
    candidates = review.zone_candidates(zone, DEFAULT_THRESHOLD if min_score is None else min_score)
    _emit(candidates, as_json, as_csv, to_json=review.candidates_json, csv_header=review.CSV_HEADER,
          to_csv_rows=review.candidates_rows, to_text_lines=_candidate_lines)


def _candidate_lines(candidates: review.Candidates) -> Iterator[str]:
    yield (f"{candidates.zone.code} {candidates.zone.name}: {len(candidates.pairs)} candidate pairs scoring "
           f">= {candidates.threshold} among {candidates.project_count} projects; "
           f"{len(candidates.clusters)} clusters; {candidates.reviewed_hidden} decided pairs hidden")
    for pair in candidates.pairs:
        yield f"\n[{pair.score:3d}] cluster {pair.cluster}"
        for record in (pair.a, pair.b):
            yield f"  {record.organisation} {record.reference}: {record.title}"
        yield "  " + "; ".join(pair.reasons)


@click.command(name="alignment")
@click.option("--service", type=click.Choice(["water", "sanitation", "electricity", "refuse", "housing", "education"]),
              default=None, help="One service (default: all).")
@click.option("--kind", type=click.Choice(["budget", "adjusted", "actual", "planned"]), default="budget",
              show_default=True, help="Budget kind of the spending (kinds are never added together).")
@click.option("--year", "years", multiple=True, help="Financial year(s), e.g. 2020/21 (default: all years).")
@_output_flags
def alignment_report(service: str | None, kind: str, years: tuple[str, ...], as_json: bool, as_csv: bool) -> None:
    """Needs versus investment: service backlogs against spending per zone, ranked.

    JSON: {"kind", "years", "spend_includes", "population_source", "rank_rule", "services": [{"service",
    "label", "backlog", "backlog_unit", "indicator", "backlog_source", "sectors", "total_backlog",
    "total_spend", "zones": [{"rank", "zone", "name", "province", "backlog", "backlog_rate", "population",
    "spend", "per_capita", "per_backlog", "backlog_share", "spend_share", "need_ratio", "no_spend"}]}]}.
    """
    try:
        parsed = needs.parse_years(list(years))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--year") from None
    report = needs.alignment(services=[service] if service else None, kind=kind, years=parsed)
    _emit(report, as_json, as_csv, to_json=needs.as_json, csv_header=needs.CSV_HEADER, to_csv_rows=needs.csv_rows,
          to_text_lines=needs.text_lines)


@click.command(name="localisation")
@click.option("--kind", type=click.Choice(["budget", "adjusted", "actual", "planned"]), default="budget",
              show_default=True, help="Budget kind (kinds are never added together).")
@_output_flags
def localisation_report(kind: str, as_json: bool, as_csv: bool) -> None:
    """Department localisation: share of each department's Rand located in zones.

    JSON: {"kind", "includes", "departments_without_projects", "departments": [{"organisation", "name",
    "sphere", "province", "total", "located", "located_share", "by_precision": {point, ward, municipality,
    zone}, "province_level", "national_level", "unmapped", "zones_expected", "zones_without": [codes],
    "only_national_or_province"}]}.
    """
    report = localisation.localisation(kind)
    _emit(report, as_json, as_csv, to_json=localisation.as_json, csv_header=localisation.CSV_HEADER,
          to_csv_rows=localisation.csv_rows, to_text_lines=localisation.text_lines)
