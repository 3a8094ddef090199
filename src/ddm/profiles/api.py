"""Profiles API (mounted at /api/). Reads are public.

GET /zones/{code}/profile, /municipalities/{code}/profile -> the profile as data:
    place {code, name, display_name, level, is_metro, zone, province, area_km2, municipalities[]},
    data_version, columns [{code, name, level}] (the place, its parts or zone, province, South Africa),
    sections [{number, key, title, notes[], rows [{code, name, unit, unit_label, universe, direction,
        source, year, formula, description, footnote, values [{place, level, value (decimal string or
        null), display, year, note}], rank {position, of, tied, from_worst, direction, text} | null}]}],
        demography also has charts [{group, title, source, year, rows [{label, value, share, display}]}],
        spatial has map {view_box, wards, title, legend[]},
    sources [{number, source, years}], narrative {...} | null, projects {empty, by_kind [...], top_projects
        [...], includes, calendar, located_points},
    facilities {figures [{place, place_name, level, code, name, unit, value (int, decimal string or null),
        year, source, note}] (schools, learners, educators, learners per educator, hospitals, community health
        and day centres, clinics, EMS stations, long-term care, population, clinics per 10,000 people; per
        municipality, then a zone's sum), sources [{citation, vintage, licence}], notes []}.
GET /indicators -> definitions; GET /indicators/{code}/values?level=zone&year= -> {place code: value}
    of the newest year (each place's newest release of it), with that year's source.
GET /map/indicators, /zones/{code}/map/indicators -> the numeric indicators with data for the 52 zones or the
    zone's municipalities; GET /map/indicators/{indicator}, /zones/{code}/map/indicators/{indicator} -> one
    indicator's figures there in legend classes, with source and year (ddm.profiles.choropleth).
Rows also carry history [{year, value, text, display, vintage, source}], change, predecessors; cells
carry source, basis (published | sum | computed) and text (categorical values).
"""

from typing import Any, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema

from ddm.places.models import Place
from ddm.profiles import choropleth, exports, services
from ddm.profiles.models import IndicatorDefinition

router = Router(tags=["Profiles"])
Level = Literal["zone", "municipality", "province", "country"]


class ErrorOut(Schema):
    detail: str


class IndicatorOut(Schema):
    code: str
    name: str
    unit: str
    universe: str
    category: str
    kind: str
    source: str
    year: int
    table: str
    formula: str
    direction: str
    description: str


class ValuesOut(Schema):
    indicator: str
    level: str
    year: int | None
    unit: str
    source: str
    values: dict[str, str]


@router.get("/zones/{code}/profile", response={200: dict[str, Any], 404: ErrorOut})
def zone_profile(request: HttpRequest, code: str) -> dict[str, Any]:
    """A zone's development profile (sections 1–7) with every figure's source and year."""
    zone = get_object_or_404(Place.objects.zones().without_geometry().select_related("province"), code=code.upper())
    return exports.profile_json(zone)


@router.get("/municipalities/{code}/profile", response={200: dict[str, Any], 404: ErrorOut})
def municipality_profile(request: HttpRequest, code: str) -> dict[str, Any]:
    """A local (or metropolitan) municipality's development profile."""
    place = get_object_or_404(Place.objects.municipalities().without_geometry().select_related("province", "parent"),
                              code=code.upper())
    return exports.profile_json(place)


@router.get("/indicators", response={200: list[IndicatorOut]})
def indicators(request: HttpRequest) -> list[IndicatorDefinition]:
    """Every indicator definition (base table categories, derived and imported)."""
    return list(IndicatorDefinition.objects.order_by("category", "order", "code"))


@router.get("/indicators/{code}/values", response={200: ValuesOut, 404: ErrorOut})
def indicator_values(request: HttpRequest, code: str, level: Level = "zone", year: int | None = None
                     ) -> tuple[int, dict[str, Any]]:
    """One indicator for every place of a level (zone, municipality, province, country); another level is
    refused (422)."""
    definition = get_object_or_404(IndicatorDefinition, code=code)
    values = services.indicator_values(code, level, year)
    source, shown_year = services.vintage_of(definition, year)
    return 200, {"indicator": code, "level": level, "year": shown_year, "unit": definition.unit,
                 "source": source, "values": {k: str(v) for k, v in values.items()}}


class MapIndicatorOut(Schema):
    code: str
    name: str
    label: str  # name, unit and (for a breakdown) its source table, as the map's select shows it
    unit: str
    unit_label: str
    category: str


class ClassOut(Schema):
    index: int
    lowest: str  # Decimal as a string
    highest: str
    count: int
    label: str  # "12.5% to 30.1%" (ddm.numbers)


class MapPlaceOut(Schema):
    code: str
    name: str
    value: str | None  # Decimal as a string; null: no figure (never 0)
    display: str
    class_index: int | None  # index into classes; null: no figure


class ChoroplethOut(Schema):
    indicator: str
    name: str
    unit: str
    unit_label: str
    universe: str
    year: int
    source: str
    level: str
    zone: str | None
    classes: list[ClassOut]
    places: list[MapPlaceOut]


def _mappable(code: str) -> IndicatorDefinition:
    return get_object_or_404(choropleth.mappable_indicators(), code=code)


def _zone_without_geometry(code: str) -> Place:
    return get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())


@router.get("/map/indicators", response={200: list[MapIndicatorOut]},
            summary="Indicators with figures for the 52 zones (for the national map)")
def national_map_indicators(request: HttpRequest) -> list[dict[str, Any]]:
    return choropleth.indicators_with_data()


@router.get("/map/indicators/{indicator}", response={200: ChoroplethOut, 404: ErrorOut},
            summary="One indicator for the 52 zones, in legend classes")
def national_choropleth(request: HttpRequest, indicator: str) -> dict[str, Any]:
    return choropleth.choropleth(_mappable(indicator))


@router.get("/zones/{code}/map/indicators", response={200: list[MapIndicatorOut], 404: ErrorOut},
            summary="Indicators with figures for a zone's municipalities (for the zone map)")
def zone_map_indicators(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    return choropleth.indicators_with_data(_zone_without_geometry(code))


@router.get("/zones/{code}/map/indicators/{indicator}", response={200: ChoroplethOut, 404: ErrorOut},
            summary="One indicator for a zone's municipalities, in legend classes")
def zone_choropleth(request: HttpRequest, code: str, indicator: str) -> dict[str, Any]:
    return choropleth.choropleth(_mappable(indicator), _zone_without_geometry(code))
