from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import SafeString

from ddm import caching
from ddm.places import geojson, lookups, maps, services, zone_sections
from ddm.places.models import Place


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "places/home.html", {"body": home_body()})


def home_body() -> SafeString:
    """The home page's body: the same for every visitor (signed in or not), shared per data version."""
    return caching.rendered_body("places:home-html", "places/_home_body.html", lambda: {
        "zones": services.zones_with_counts(), "provinces": Place.objects.provinces().without_geometry(),
        "map": maps.national_map(),
    })


def zone(request: HttpRequest, code: str) -> HttpResponse:
    # Geometry is deferred: only the body (cached) reads it, for the map's view box.
    place = get_object_or_404(Place.objects.zones().without_geometry().select_related("province"), code=code.upper())
    body = caching.rendered_body("places:zone-html", "places/_zone_body.html", lambda: _zone_context(place), place.code)
    return render(request, "places/zone.html", {"zone": place, "body": body})


def _zone_context(place: Place) -> dict[str, Any]:
    municipalities = list(place.children.order_by("code").defer("geometry"))
    return {"zone": place, "municipalities": municipalities, "map": maps.zone_map(place, municipalities),
            "sections": zone_sections.sections_for(place)}


def municipality(request: HttpRequest, code: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.municipalities().select_related("parent", "province"), code=code.upper())
    wards = list(place.children.defer("geometry").order_by("code"))
    return render(request, "places/municipality.html", {
        "place": place, "map": maps.municipality_map(place, wards), "wards": wards,
    })


def province(request: HttpRequest, code: str) -> HttpResponse:
    place = get_object_or_404(Place.objects.provinces(), code=code.upper())
    zones = services.zones_with_counts().filter(province=place)
    return render(request, "places/province.html", {"place": place, "zones": zones, "map": maps.province_map(place)})


def locate(request: HttpRequest) -> HttpResponse:
    """Locate a point or a place name; a plain GET form, so it works without JavaScript."""
    result = lookups.page_answer(request.GET)
    if result["mode"] == "point" and result["answer"]:
        result["map"] = maps.point_map(result["answer"])
    return render(request, "places/locate.html", {
        **result, "params": request.GET, "provinces": Place.objects.provinces().without_geometry(),
    })


def sources(request: HttpRequest) -> HttpResponse:
    return render(request, "places/sources.html")


def zones_geojson(request: HttpRequest) -> HttpResponse:
    """The download of /api/zones.geojson (full boundaries)."""
    return geojson.response(geojson.zones_collection(), "zones.geojson")


def zone_geojson(request: HttpRequest, code: str, layer: str) -> HttpResponse:

    """The download of /api/zones/{code}/municipalities.geojson or wards.geojson."""
    zone = get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())
    if layer not in ("municipalities", "wards"):
        raise Http404("Layers: municipalities or wards.")
    return geojson.response(geojson.zone_collection(zone, layer), f"{zone.code}-{layer}.geojson")
