"""The place pages' maps (home, province, zone, municipality, locate): which boundaries, names, links and
points each shows. ddm.charts draws them; the element ids (national-map, zone-map, ...) are what the
page scripts (static/ddm/map.js) and tests look for."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.utils.safestring import SafeString

from ddm import charts
from ddm.places.models import Place
from ddm.places.services import country_view_box, province_of
from ddm.places.svgmap import project, view_box

# Neighbouring areas of one province share its colour (CSS class prov-XX); these opacities tell them apart.
ZONE_SHADES = (1, 0.75, 0.55, 0.85, 0.65)
PROVINCE_SHADES = (1, 0.7, 0.5, 0.85)


def _bounds(place: Place) -> tuple[float, float, float, float]:
    """The boundary's (minx, miny, maxx, maxy); every place the maps show has its boundary stored."""
    assert place.shape is not None  # the registry loads a boundary for every place
    return place.shape.bounds


def _shade(shades: Sequence[float], index: int) -> float:
    return shades[index % len(shades)]


def national_map() -> SafeString:
    """The 52 zones coloured by province, each linking to its page."""
    zones = Place.objects.zones().defer("geometry").select_related("province").order_by("province__code", "code")
    areas = [charts.Area(z.code, z.name, z.svg_path, css_class=f"prov-{province_of(z).code}",
                         href=z.get_absolute_url(), title=f"{z.code} {z.name} ({province_of(z).name})") for z in zones]
    return charts.place_map(country_view_box(), areas, title="Map of the 52 zones of South Africa",
                            element_id="national-map")


def province_map(province: Place) -> SafeString:
    zones = Place.objects.zones().defer("geometry").filter(province=province).order_by("code")
    areas = [charts.Area(z.code, z.name, z.svg_path, css_class=f"prov-{province.code}",
                         fill_opacity=_shade(PROVINCE_SHADES, i), href=z.get_absolute_url())
             for i, z in enumerate(zones)]
    return charts.place_map(view_box(_bounds(province)), areas, title=f"Map of the zones of {province.name}")


def zone_map(zone: Place, municipalities: Iterable[Place]) -> SafeString:
    """The zone's municipalities (already fetched for the page's table, with their svg_path)."""
    areas = [charts.Area(m.code, m.name, m.svg_path, css_class=f"prov-{province_of(zone).code}",
                         fill_opacity=_shade(ZONE_SHADES, i), href=m.get_absolute_url())
             for i, m in enumerate(municipalities)]
    return charts.place_map(view_box(_bounds(zone)), areas,
                            title=f"Map of the municipalities of {zone.name}", element_id="zone-map")


def municipality_map(municipality: Place, wards: Iterable[Place]) -> SafeString:
    area = charts.Area(municipality.code, municipality.name, municipality.svg_path,
                       css_class=f"prov-{province_of(municipality).code}")
    outlines = [charts.Area(w.code, w.name, w.svg_path, css_class="ward", title=f"{w.name} ({w.code})") for w in wards]
    return charts.place_map(view_box(_bounds(municipality)), [area], outlines,
                            title=f"Map of {municipality.name} and its wards", element_id="municipality-map")


def point_map(answer: Mapping[str, Any]) -> SafeString:
    """A located point on the map of its zone, its municipality highlighted."""
    zone = Place.objects.zones().get(code=answer["zone"]["code"])
    municipality = answer["municipality"]["code"]
    areas = [charts.Area(m.code, m.name, m.svg_path, css_class=f"prov-{answer['province']['code']}",
                         fill_opacity=1 if m.code == municipality else 0.35)
             for m in zone.children.order_by("code").defer("geometry")]
    x, y = project(answer["query"]["lon"], answer["query"]["lat"])
    point = charts.MapPoint(x, y, f"{answer['query']['lat']}, {answer['query']['lon']}")
    return charts.place_map(view_box(_bounds(zone)), areas, points=[point],

                            title=f"The point on a map of {zone.name}", element_id="locate-map")
