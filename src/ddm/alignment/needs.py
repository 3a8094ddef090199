"""Needs versus investment: each zone's service backlogs against the register's spending.

For each service, per zone:
- backlog: people (households for housing) without the service, Stats SA Community Survey 2016,
  from the profiles indicator store (ddm.profiles.services.BACKLOG_INDICATORS);
- spend: the register's government spending (national, provincial, local, parastatal; private
  excluded; confirmed duplicates counted once; aggregate lines without a sector excluded) in the
  matching sector(s) -- ddm.investment.quantum.spend_by_zone_and_sector;
- spend per capita (per resident) and per person in backlog.

Service -> register sector (decided here, shown on every page):
    water -> water; sanitation -> sanitation; electricity -> energy;
    refuse removal -> environment (the register's sector for waste: landfills, transfer stations);
    housing (informal dwellings, households) -> human settlements;
    education (adults 20+ with no schooling, a proxy of educational need) -> education.

Rank rule: zones are ranked by their need-to-spend ratio = (zone's share of the national backlog) /
(zone's share of the national spend in that sector), highest first: a ratio of 2 means the zone
holds twice the share of the backlog that it receives of the spend. The ordering is the same as
ordering by spend per person in backlog, lowest first. Zones with a backlog and no spend at all
come first (ratio "no spend"), by backlog; zones without a backlog come last.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ddm import charts
from ddm.investment.calendar import fy_label, parse_fy_label
from ddm.numbers import number, percent, rand_short
from ddm.places.models import Place

SERVICES = {
    "water": ("Water", "persons without piped water in their dwelling or yard", ["water"]),
    "sanitation": ("Sanitation", "persons below basic sanitation", ["sanitation"]),
    "electricity": ("Electricity", "persons with no access to electricity", ["energy"]),
    "refuse": ("Refuse removal", "persons with no refuse removal", ["environment"]),
    "housing": ("Housing", "households in an informal dwelling", ["human_settlements"]),
    "education": ("Education", "adults aged 20+ with no schooling", ["education"]),
}
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
DEFAULT_SOURCE = "Statistics South Africa, Community Survey 2016"
SPEND_INCLUDES = (
    "Spend: budget lines of kind '{kind}' for {years}, of government organisations (national, provincial, "
    "local, parastatal; private investment not included), located in the zone (multi-place projects split "
    "by their shares), confirmed duplicates counted once, in the register's sector(s) for the service; "
    "aggregate lines with no sector are not included. Source: DDM Hub investment register."
)


# A zone's row of a service table: zone, name, province, backlog, population, spend, backlog_rate, per_capita,
# per_backlog; _rank adds backlog_share, spend_share, need_ratio, no_spend and rank (ROW_KEYS).
ZoneRow = dict[str, Any]

# -- Thin adapters over the investment and profiles services (the stable interfaces they document).

def _spend(kind: str, years: list[int] | None) -> dict[tuple[str, str | None], Decimal]:
    from ddm.investment.quantum import spend_by_zone_and_sector

    return spend_by_zone_and_sector(kind=kind, years=years, calendar="april")


def _indicator(service_key: str) -> tuple[str, dict[str, Decimal], str, int]:
    from ddm.profiles.services import BACKLOG_INDICATORS, definitions, indicator_values

    code = BACKLOG_INDICATORS[service_key]
    definition = definitions([code]).get(code)
    source = definition.source if definition else DEFAULT_SOURCE
    year = definition.year if definition else 2016
    return code, indicator_values(code, level="zone"), source, year


@dataclass
class ServiceTable:
    key: str
    label: str
    backlog_label: str
    sectors: list[str]
    indicator: str
    source: str
    year: int
    rows: list[ZoneRow] = field(default_factory=list)
    total_backlog: Decimal = Decimal(0)
    total_spend: Decimal = Decimal(0)
    unit: str = "persons"


@dataclass
class Report:
    tables: list[ServiceTable]
    kind: str
    years: list[int] | None
    population_source: str
    population_year: int

    @property
    def years_label(self) -> str:
        if not self.years:
            return "all financial years in the register (April-March)"
        return ", ".join(fy_label(y) for y in self.years)

    @property
    def includes(self) -> str:
        return SPEND_INCLUDES.format(kind=self.kind, years=self.years_label)


def _ratio(part: Decimal | int, whole: Decimal | int | None, scale: Decimal = Decimal(1)) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * scale / Decimal(whole)).quantize(CENT)


def parse_years(values: list[str] | None) -> list[int] | None:
    """["2019/20", "2020/21"] -> [2019, 2020]; ValueError names the bad label."""
    return sorted({parse_fy_label(v) for v in values}) if values else None


def alignment(services: list[str] | None = None, kind: str = "budget", years: list[int] | None = None) -> Report:
    """The Report for the given services (default all), budget kind and financial years (None: all)."""
    keys = services or list(SERVICES)
    unknown = [k for k in keys if k not in SERVICES]
    if unknown:
        raise ValueError(f"unknown service {unknown[0]!r}: use one of {', '.join(SERVICES)}")
    spend = _spend(kind, years)
    _code, population, pop_source, pop_year = _indicator("population")
    _hcode, households, _s, _y = _indicator("households")
    zones = list(Place.objects.zones().without_geometry().select_related("province").order_by("code"))
    tables = [_table(key, zones, spend, population, households) for key in keys]
    return Report(tables, kind, years, pop_source, pop_year)


def _table(key: str, zones: list[Place], spend: dict[tuple[str, str | None], Decimal], population: dict[str, Decimal],
           households: dict[str, Decimal]) -> ServiceTable:
    label, backlog_label, sectors = SERVICES[key]
    code, backlog, source, year = _indicator(key)
    table = ServiceTable(key, label, backlog_label, sectors, code, source, year,
                         unit="households" if key == "housing" else "persons")
    base = households if key == "housing" else population
    for zone in zones:
        amount = sum((spend.get((zone.code, s), Decimal(0)) for s in sectors), Decimal("0.00"))
        need = backlog.get(zone.code)
        table.rows.append({
            "zone": zone.code, "name": zone.name, "province": zone.province.code if zone.province else "", "backlog": need,
            "population": population.get(zone.code), "spend": amount,
            "backlog_rate": _ratio(need or 0, base.get(zone.code), HUNDRED) if need is not None else None,
            "per_capita": _ratio(amount, population.get(zone.code)),
            "per_backlog": _ratio(amount, need),
        })
    table.total_backlog = sum((r["backlog"] or Decimal(0) for r in table.rows), Decimal(0))
    table.total_spend = sum((r["spend"] for r in table.rows), Decimal("0.00"))
    _rank(table)
    return table


def _rank(table: ServiceTable) -> None:
    for row in table.rows:
        row["backlog_share"] = _ratio(row["backlog"] or 0, table.total_backlog, HUNDRED)
        row["spend_share"] = _ratio(row["spend"], table.total_spend, HUNDRED)
        if not row["backlog"]:
            row["need_ratio"], row["no_spend"] = None, False
        elif not row["spend"]:
            row["need_ratio"], row["no_spend"] = None, True
        else:
            row["need_ratio"] = ((row["backlog"] / table.total_backlog) / (row["spend"] / table.total_spend)).quantize(CENT)
            row["no_spend"] = False

    def order(row: ZoneRow) -> tuple[int, Decimal, str]:
        if row["no_spend"]:
            return (0, -row["backlog"], row["zone"])
        if row["need_ratio"] is None:
            return (2, Decimal(0), row["zone"])
        exact = (row["backlog"] / table.total_backlog) / (row["spend"] / table.total_spend)
        return (1, -exact, row["zone"])

    table.rows.sort(key=order)
    for position, row in enumerate(table.rows, start=1):
        row["rank"] = position


# -- Output shapes -----------------------------------------------------------------------------

def as_json(report: Report) -> dict[str, Any]:
    """Stable JSON of `ddm report alignment --json`: money and ratios as strings (Decimal)."""
    return {
        "kind": report.kind, "years": report.years_label, "spend_includes": report.includes,
        "population_source": f"{report.population_source} ({report.population_year})",
        "rank_rule": "need_ratio = zone share of national backlog / zone share of national sector spend, "
                     "highest first; zones with a backlog and no spend first; no backlog last",
        "services": [
            {"service": t.key, "label": t.label, "backlog": t.backlog_label, "backlog_unit": t.unit,
             "indicator": t.indicator, "backlog_source": f"{t.source} ({t.year})", "sectors": t.sectors,
             "total_backlog": t.total_backlog, "total_spend": t.total_spend,
             "zones": [{k: row[k] for k in ROW_KEYS} for row in t.rows]}
            for t in report.tables
        ],
    }


ROW_KEYS = ["rank", "zone", "name", "province", "backlog", "backlog_rate", "population", "spend", "per_capita",
            "per_backlog", "backlog_share", "spend_share", "need_ratio", "no_spend"]
CSV_HEADER = ["service", "rank", "zone", "name", "province", "backlog", "backlog_rate_pct", "population",
              "spend_rand", "spend_per_capita", "spend_per_person_in_backlog", "backlog_share_pct",
              "spend_share_pct", "need_to_spend_ratio", "no_spend"]


def csv_rows(report: Report) -> Iterator[list[Any]]:
    for table in report.tables:
        for row in table.rows:
            yield [table.key] + [row[k] for k in ROW_KEYS]


def notes(report: Report) -> list[str]:
    lines = [report.includes, f"Population: {report.population_source} ({report.population_year})."]
    for table in report.tables:
        lines.append(f"{table.label}: backlog = {table.backlog_label} ({table.indicator}; {table.source}, "
                     f"{table.year}); sector(s) {', '.join(table.sectors)}.")
    lines.append("Rank: need-to-spend ratio = zone share of the national backlog / zone share of the "
                 "national spend in the sector, highest first; zones with a backlog and no spend first.")
    return lines


def text_lines(report: Report) -> Iterator[str]:
    yield f"Needs versus investment -- {report.kind}, {report.years_label}"
    for table in report.tables:
        yield ""
        yield (f"{table.label}: backlog = {table.backlog_label} ({table.source}, {table.year}); "
               f"spend in sector {', '.join(table.sectors)}")
        yield f"{'rank':>4} {'zone':<6} {'backlog':>12} {'spend (R)':>18} {'R/capita':>10} {'R/backlog':>11} {'ratio':>8}"
        for row in table.rows:
            ratio = "no spend" if row["no_spend"] else (row["need_ratio"] if row["need_ratio"] is not None else "-")
            yield (f"{row['rank']:>4} {row['zone']:<6} {_num(row['backlog']):>12} {_num(row['spend']):>18} "
                   f"{_num(row['per_capita']):>10} {_num(row['per_backlog']):>11} {ratio!s:>8}")
    yield ""
    yield from notes(report)


def _num(value: Decimal | None) -> str:
    if value is None:
        return "-"
    return number(value, 0 if abs(value) >= 100 else 2)


# -- Chart data (drawn by ddm.charts) ---------------------------------------------------------


def default_service(report: Report) -> str:
    """The service the page opens on: the one with the most spend in its sector(s), so the first chart
    shows data (water when no service has any spend)."""
    funded = [t for t in report.tables if t.total_spend > 0]
    return max(funded, key=lambda t: t.total_spend).key if funded else "water"


def chart(table: ServiceTable) -> str:
    """Backlog rate (x, % of people or households) against spend per capita (y, Rand), one dot per zone;
    the 10 zones ranked first are highlighted and labelled where their label fits."""
    points = [charts.Point(r["backlog_rate"], r["per_capita"], label=r["zone"] if r["rank"] <= 10 else "",
                           highlight=r["rank"] <= 10,
                           title=f"{r['zone']} {r['name']}: {percent(r['backlog_rate'])} backlog, "
                                 f"{rand_short(r['per_capita'])} per capita, rank {r['rank']}")
              for r in table.rows if r["backlog_rate"] is not None and r["per_capita"] is not None]
    base = "households" if table.unit == "households" else "population"
    return charts.scatter(
        points, f"{table.label}: backlog against spend per capita, one dot per zone",
        x_label=f"{table.backlog_label} (% of {base})", y_label="spend per capita (R)",
        x_fmt=charts.percent_tick, y_fmt=charts.money_tick,
        empty=f"No spending in the register's {', '.join(table.sectors)} sector for these years and this kind: "
              "every zone is at R0 per capita, so there is no chart. The table ranks zones by backlog.")
