"""Small helpers shared by the apps' views."""

import datetime
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

FormT = TypeVar("FormT", bound=forms.BaseForm)


def date_param(request: HttpRequest, name: str = "today") -> datetime.date:
    """A YYYY-MM-DD query parameter (e.g. ?today= to see a page as of another date), else today."""
    try:
        return datetime.date.fromisoformat(request.GET.get(name, ""))
    except ValueError:
        return timezone.localdate()


def save_posted(request: HttpRequest, form: FormT, what: str, save: Callable[[FormT], str]) -> bool:
    """Saves a posted form and tells the user either way: when the form is valid, save(form) does the write and
    returns the success message; when it is not, the message is '<what> not saved: <the form's errors>'."""
    if form.is_valid():
        messages.success(request, save(form))
        return True
    messages.error(request, f"{what} not saved: {form.errors.as_text()}")
    return False


def geojson_response(schema: Any, data: Any) -> HttpResponse:
    """A GeoJSON answer of an API operation: checked against its ninja schema, sent as application/geo+json
    (ninja would send application/json), so a download link saves a file GIS tools recognise."""
    return HttpResponse(schema.model_validate(data).model_dump_json(), content_type="application/geo+json")
