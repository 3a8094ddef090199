"""GeoJSON downloads of places: the stored WGS84 geometry text is written as is (never re-parsed), so a
download costs what its features cost. Properties: code, name, level, parent and province codes."""

import json

from django.http import HttpResponse

from ddm.places.models import Place


def _feature(place):
    properties = {"code": place.code, "name": place.name, "level": place.level,
                  "parent": place.parent.code if place.parent_id else None,
                  "province": place.province.code if place.province_id else None}
    geometry = place.geometry or "null"
    return f'{{"type":"Feature","properties":{json.dumps(properties, ensure_ascii=False)},"geometry":{geometry}}}'


def feature_collection(places, name):
    features = ",".join(_feature(p) for p in places)
    return f'{{"type":"FeatureCollection","name":{json.dumps(name)},"features":[{features}]}}'


def response(places, filename):
    http = HttpResponse(feature_collection(places, filename.rsplit(".", 1)[0]), content_type="application/geo+json")
    http["Content-Disposition"] = f'attachment; filename="{filename}"'
    return http


def zones():
    return Place.objects.zones().select_related("parent", "province").order_by("code")


def municipalities(zone):
    return Place.objects.municipalities().filter(parent=zone).select_related("parent", "province").order_by("code")


def wards(zone):
    return (Place.objects.wards().filter(parent__parent=zone).select_related("parent", "province")
            .order_by("code"))
