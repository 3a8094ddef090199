"""Small helpers shared by the apps' views."""

import datetime
import re
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Schema
from pydantic import BeforeValidator, WithJsonSchema

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

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


def _iso_date_only(value: Any) -> Any:
    """pydantic alone reads a number as a Unix time (?today=0 is 1970-01-01): only YYYY-MM-DD is a date here."""
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DATE.fullmatch(value)):
        return value
    raise ValueError("expected a date as YYYY-MM-DD")


# An API parameter that is a calendar date written YYYY-MM-DD (and nothing else).
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date_only), WithJsonSchema({"type": "string", "format": "date"})]


class InvalidRequest(Schema):
    """A 422 answer: ninja's list of field errors ({type, loc, msg}) when a parameter or the body breaks the
    schema, or one message when the operation itself finds a value it cannot use."""

    detail: str | list[dict[str, Any]]
