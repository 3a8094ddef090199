"""The place pages' maps (home, province, zone, municipality, locate): which boundaries, names, links and
points each shows. ddm.charts draws them; the element ids (national-map, zone-map, ...) are what the
page scripts (static/ddm/map.js) and tests look for."""

from ddm import charts
from ddm.places.models import Place
from ddm.places.services import country_view_box
from ddm.places.svgmap import project, view_box

# Neighbouring areas of one province share its colour (CSS class prov-XX); these opacities tell them apart.
ZONE_SHADES = (1, 0.75, 0.55, 0.85, 0.65)
PROVINCE_SHADES = (1, 0.7, 0.5, 0.85)


def _shade(shades, index):
    return shades[index % len(shades)]


def national_map():
    """The 52 zones coloured by province, each linking to its page."""
    zones = Place.objects.zones().defer("geometry").select_related("province").order_by("province__code", "code")
    areas = [charts.Area(z.code, z.name, z.svg_path, css_class=f"prov-{z.province.code}", href=z.get_absolute_url(),
                         title=f"{z.code} {z.name} ({z.province.name})") for z in zones]
    return charts.place_map(country_view_box(), areas, title="Map of the 52 zones of South Africa",
                            element_id="national-map")


def province_map(province):
    zones = Place.objects.zones().defer("geometry").filter(province=province).order_by("code")
    areas = [charts.Area(z.code, z.name, z.svg_path, css_class=f"prov-{province.code}",
                         fill_opacity=_shade(PROVINCE_SHADES, i), href=z.get_absolute_url())
             for i, z in enumerate(zones)]
    return charts.place_map(view_box(province.shape.bounds), areas, title=f"Map of the zones of {province.name}")


def zone_map(zone, municipalities):
    """The zone's municipalities (already fetched for the page's table, with their svg_path)."""
    areas = [charts.Area(m.code, m.name, m.svg_path, css_class=f"prov-{zone.province.code}",
                         fill_opacity=_shade(ZONE_SHADES, i), href=m.get_absolute_url())
             for i, m in enumerate(municipalities)]
    return charts.place_map(view_box(zone.shape.bounds), areas,
                            title=f"Map of the municipalities of {zone.name}", element_id="zone-map")


def municipality_map(municipality, wards):
    area = charts.Area(municipality.code, municipality.name, municipality.svg_path,
                       css_class=f"prov-{municipality.province.code}")
    outlines = [charts.Area(w.code, w.name, w.svg_path, css_class="ward", title=f"{w.name} ({w.code})") for w in wards]
    return charts.place_map(view_box(municipality.shape.bounds), [area], outlines,
                            title=f"Map of {municipality.name} and its wards", element_id="municipality-map")


def point_map(answer):
    """A located point on the map of its zone, its municipality highlighted."""
    zone = Place.objects.zones().get(code=answer["zone"]["code"])
    municipality = answer["municipality"]["code"]
    areas = [charts.Area(m.code, m.name, m.svg_path, css_class=f"prov-{answer['province']['code']}",
                         fill_opacity=1 if m.code == municipality else 0.35)
             for m in zone.children.order_by("code").defer("geometry")]
    x, y = project(answer["query"]["lon"], answer["query"]["lat"])
    point = charts.MapPoint(x, y, f"{answer['query']['lat']}, {answer['query']['lon']}")
    return charts.place_map(view_box(zone.shape.bounds), areas, points=[point],
                            title=f"The point on a map of {zone.name}", element_id="locate-map")
