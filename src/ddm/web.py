"""Small helpers shared by the apps' views."""

import datetime

from django.http import HttpResponse
from django.utils import timezone


def date_param(request, name="today"):
    """A YYYY-MM-DD query parameter (e.g. ?today= to see a page as of another date), else today."""
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def geojson_response(schema, data):
    """A GeoJSON answer of an API operation: checked against its ninja schema, sent as application/geo+json
    (ninja would send application/json), so a download link saves a file GIS tools recognise."""
    return HttpResponse(schema.model_validate(data).model_dump_json(), content_type="application/geo+json")
