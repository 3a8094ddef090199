"""Read-side helpers over the place registry used by pages, API and other apps."""

from django.db.models import Count, Q

from ddm.places.models import Level, Place
from ddm.places.svgmap import view_box


def zones_with_counts():
    """The 52 zones with their province and number of local municipalities (metros: 0)."""
    return (
        Place.objects.zones().without_geometry().select_related("province")
        .annotate(local_count=Count("children", filter=Q(children__category="B")))
        .order_by("province__code", "code")
    )


def country_view_box():
    country = Place.objects.current().get(level=Level.COUNTRY)
    return view_box(country.shape.bounds)
