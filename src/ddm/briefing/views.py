from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from ddm.briefing import pack, pdf
from ddm.places.models import Place


def _zone(code: str) -> Place:
    return get_object_or_404(Place.objects.zones().without_geometry().select_related("province"), code=code.upper())


def zone_brief(request: HttpRequest, code: str) -> HttpResponse:
    """The briefing pack of a zone (public figures, like the zone pages it summarises)."""
    zone = _zone(code)
    built = pack.build(zone)
    # The SVG is built by the server from boundary paths and escaped names (ddm.charts.place_map).
    return render(request, "briefing/zone.html", {"zone": zone, "pack": built, "map_svg": mark_safe(built["map_svg"])})  # noqa: S308


def zone_brief_pdf(request: HttpRequest, code: str) -> HttpResponse:
    zone = _zone(code)
    response = HttpResponse(pdf.render(pack.build(zone)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="briefing-{zone.code}.pdf"'
    return response
