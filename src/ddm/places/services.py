"""Read-side helpers over the place registry used by pages, API and other apps."""

from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Q, QuerySet

from ddm.places.models import Level, Place
from ddm.places.svgmap import view_box

if TYPE_CHECKING:  # django-stubs' helper types exist for the checker only
    from django_stubs_ext import WithAnnotations


class LocalCount(TypedDict):
    local_count: int  # the zone's local municipalities (a metro: 0)


def province_of(place: Place) -> Place:
    """The province a zone, municipality or ward lies in (only the country has none)."""
    assert place.province is not None  # the registry sets it below country level
    return place.province


def zones_with_counts() -> "QuerySet[WithAnnotations[Place, LocalCount]]":
    """The 52 zones with their province and number of local municipalities (metros: 0)."""
    return (
        Place.objects.zones().without_geometry().select_related("province")
        .annotate(local_count=Count("children", filter=Q(children__category="B")))
        .order_by("province__code", "code")
    )


def country_view_box() -> str:
    country = Place.objects.current().get(level=Level.COUNTRY)
    assert country.shape is not None  # the registry stores the country's outline
    return view_box(country.shape.bounds)

