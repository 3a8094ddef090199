"""Choropleths for the interactive maps: one indicator's newest figures for the municipalities of a zone
(or for the 52 zones), in classes for the legend, each figure with its source and year.

Classes are quantiles of the mapped figures (at most CLASS_COUNT, fewer when fewer distinct figures):
class k starts at the figure at position k * n / CLASS_COUNT of the sorted figures, and its legend label
gives the lowest and highest figure it holds, so no label promises a value no place has.
Cost: the zone's municipalities' values of one indicator (or the 52 zones'), never every place's.
"""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from ddm.places.models import Level, Place
from ddm.profiles import services
from ddm.profiles.models import Category, IndicatorDefinition, IndicatorValue, Unit
from ddm.profiles.sections import format_value, unit_label

CLASS_COUNT = 5
CATEGORY_LABELS = dict(Category.choices)
SURVEYS = {"cs2016": "CS 2016", "census2011": "Census 2011", "census2022": "Census 2022"}
TOPICS = {"education20": "education of adults 20+", "household_head": "household head (sex, age)",
          "water_source": "water source", "population_group": "population group"}


def class_lower_bounds(values: Iterable[Decimal], count: int = CLASS_COUNT) -> list[Decimal]:
    """The lowest figure of each quantile class of values (sorted, distinct): [1, 3, 5, 7, 9] for 1..10."""
    ordered = sorted(values)
    return sorted({ordered[index * len(ordered) // count] for index in range(count)}) if ordered else []


def class_of(value: Decimal, lowers: Sequence[Decimal]) -> int:
    """Index of the class holding value: the last class whose lowest figure is at most value."""
    return max(index for index, lower in enumerate(lowers) if lower <= value)


def _classes(values: dict[str, Decimal], definition: IndicatorDefinition) -> tuple[list[Decimal], list[dict[str, Any]]]:
    lowers = class_lower_bounds(values.values())
    members = [[v for v in values.values() if class_of(v, lowers) == index] for index in range(len(lowers))]
    return lowers, [{"index": index, "lowest": str(min(group)), "highest": str(max(group)), "count": len(group),
                     "label": _range_label(min(group), max(group), definition)}
                    for index, group in enumerate(members)]


def _range_label(lowest: Decimal, highest: Decimal, definition: IndicatorDefinition) -> str:
    low, high = format_value(lowest, definition), format_value(highest, definition)
    return low if low == high else f"{low} to {high}"


def mappable_indicators() -> QuerySet[IndicatorDefinition]:
    """Numeric indicators (categorical ones cannot be coloured by quantity)."""
    return IndicatorDefinition.objects.exclude(unit=Unit.CATEGORY).order_by("category", "order", "code")


def _places(zone: Place | None) -> QuerySet[Place]:
    """The places a map colours: the municipalities of a zone (a metro: itself), or the 52 zones."""
    if zone is None:
        return Place.objects.zones().without_geometry().order_by("code")
    return Place.objects.municipalities().without_geometry().filter(parent=zone).order_by("code")


def indicators_with_data(zone: Place | None = None) -> list[dict[str, Any]]:
    """[{code, name, label, unit, unit_label, category}] of the numeric indicators with a figure for at least one
    of the mapped places (one query over those places' values): headline indicators first, then the breakdowns
    of the source tables (labelled with their table: "CS 2016, age: 00 - 04")."""
    place_ids = list(_places(zone).values_list("pk", flat=True))
    with_data = set(IndicatorValue.objects.filter(services.CURRENT, place_id__in=place_ids, value__isnull=False)
                    .values_list("indicator_id", flat=True).distinct())
    chosen = sorted((d for d in mappable_indicators() if d.pk in with_data), key=lambda d: bool(d.group))
    return [{"code": d.code, "name": d.name, "label": _label(d), "unit": d.unit, "unit_label": unit_label(d),
             "category": CATEGORY_LABELS.get(d.category, d.category)} for d in chosen]


def _label(definition: IndicatorDefinition) -> str:
    """The name as a select lists it: with its unit (unless a count of persons or households: the name says
    so), and a breakdown's table before it."""
    counted = definition.unit in (Unit.PERSONS, Unit.HOUSEHOLDS)
    text = definition.name if counted else f"{definition.name} ({unit_label(definition)})"
    if not definition.group:
        return text
    survey, _, topic = definition.group.partition(".")
    table = f"{SURVEYS.get(survey, survey)}, {TOPICS.get(topic, topic.replace('_', ' '))}"
    return f"{table}: {text}"


def choropleth(definition: IndicatorDefinition, zone: Place | None = None) -> dict[str, Any]:
    """The figures of one indicator for the mapped places, their classes, source and year.

    Places without a figure are listed with value and class_index None ("no data"), never as 0."""
    places = list(_places(zone))
    level = Level.ZONE if zone is None else Level.MUNICIPALITY
    values = services.indicator_values(definition.code, level, codes=[p.code for p in places])
    source, year = services.vintage_of(definition)
    lowers, classes = _classes(values, definition)
    return {
        "indicator": definition.code, "name": definition.name, "unit": definition.unit,
        "unit_label": unit_label(definition), "universe": definition.universe, "year": year, "source": source,
        "level": level, "zone": zone.code if zone else None, "classes": classes,
        "places": [{"code": p.code, "name": p.name,
                    "value": str(values[p.code]) if p.code in values else None,
                    "display": format_value(values.get(p.code), definition),
                    "class_index": class_of(values[p.code], lowers) if p.code in values else None} for p in places],
    }
