"""The comparison view: all 52 zones ranked on chosen indicators (table, choropleth, CSV)."""

from collections.abc import Sequence
from typing import Any

from django.db.models import Q

from ddm import caching, charts
from ddm.places.models import Place
from ddm.places.services import country_view_box
from ddm.profiles.models import Direction, IndicatorDefinition, Kind, Unit
from ddm.profiles.sections import format_value, unit_label
from ddm.profiles.services import indicator_values, rank_values, vintage_of

DEFAULT = "pct_persons_piped_water"
MAX_PICKED = 6
WORST = 10


def comparable_indicators() -> list[IndicatorDefinition]:
    """Numeric indicators that stand alone: derived, imported, Census 2022 and Municipal Money ones (the base
    category counts of a table are parts of it, not indicators; categories such as audit outcomes do not rank)."""
    return list(IndicatorDefinition.objects.filter(~Q(kind=Kind.BASE) | Q(group=""))
                .exclude(unit=Unit.CATEGORY).order_by("category", "order", "code"))


def picked_indicators(codes: Sequence[str]) -> list[IndicatorDefinition]:
    codes = [c for c in codes if c][:MAX_PICKED] or [DEFAULT]
    found = {d.code: d for d in IndicatorDefinition.objects.filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def compare_table(picked: Sequence[IndicatorDefinition]) -> dict[str, Any]:
    zones = list(Place.objects.zones().without_geometry().select_related("province"))
    columns = []
    for definition in picked:
        values = indicator_values(definition.code, "zone")
        columns.append((definition, values, rank_values(values, definition.direction)))
    rows: list[dict[str, Any]] = []
    for zone in zones:
        cells = []
        for definition, values, ranks in columns:
            rank = ranks.get(zone.code)
            cells.append({"value": values.get(zone.code), "display": format_value(values.get(zone.code), definition),
                          "rank": rank, "rank_text": rank.text("zones") if rank else "no data"})
        rows.append({"zone": zone, "cells": cells})
    if columns:
        rows.sort(key=lambda r: _order_key(r["cells"][0]))
    for row in rows:
        first = row["cells"][0] if row["cells"] else None
        row["worst"] = bool(first and first["rank"] and first["rank"].from_worst and first["rank"].from_worst <= WORST)
    return {"indicators": [_describe(d, *vintage_of(d)) for d, _v, _r in columns], "rows": rows}


def _order_key(cell: dict[str, Any]) -> tuple[int, int]:
    rank = cell["rank"]
    if rank is None:
        return (1, 0)
    return (0, rank.from_worst if rank.from_worst is not None else rank.position)


def _describe(definition: IndicatorDefinition, source: str, year: int) -> dict[str, Any]:
    return {"code": definition.code, "name": definition.name, "unit": unit_label(definition),
            "source": source, "year": year, "direction": definition.get_direction_display(),
            "ordered_worst_first": definition.direction != Direction.NEUTRAL, "formula": definition.formula}


def _zone_paths() -> list[tuple[str, str, str]]:
    return caching.remember("profiles:zone-paths",
                            lambda: list(Place.objects.zones().values_list("code", "name", "svg_path")))


def choropleth(table: dict[str, Any]) -> str:
    """Zones shaded in five equal-count classes of the first indicator (darker = worse, or higher)."""
    first = table["indicators"][0]
    cells = {row["zone"].code: row["cells"][0] for row in table["rows"]}
    areas = []
    for code, name, path in _zone_paths():
        cell = cells.get(code)
        rank = cell["rank"] if cell else None
        order = None if rank is None else (rank.from_worst or rank.position)
        colour = charts.NO_CLASS if rank is None or order is None else charts.class_colour(order, rank.of)
        areas.append((code, f"{name}: {cell['display'] if cell else 'no data'}", path, colour))
    view_box = caching.remember("profiles:country-view-box", country_view_box)
    return charts.place_map(view_box, areas, title=f"{first['name']} by zone")


def csv_rows(table: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    header = ["position", "zone", "zone name", "province"]
    for indicator in table["indicators"]:
        label = f"{indicator['name']} ({indicator['unit']})"
        header += [label, f"{label}: rank", f"{label}: source and year"]
    rows = []
    for number, row in enumerate(table["rows"], start=1):
        line = [number, row["zone"].code, row["zone"].name, row["zone"].province.code]
        for indicator, cell in zip(table["indicators"], row["cells"], strict=True):
            line += [cell["value"], cell["rank_text"], f"{indicator['source']} ({indicator['year']})"]
        rows.append(line)
    return header, rows
