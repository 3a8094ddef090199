"""Capacity API: GET /zones/{code}/hub and GET /zones/{code}/skills (public reads)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router

from ddm.capacity.services import hub_dict, hubs_for_zone, zone_skills, zone_skills_dict
from ddm.places.models import Place
from ddm.web import IsoDate

router = Router(tags=["Capacity"])


def _zone(code: str) -> Place:
    return get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())


@router.get("/zones/{code}/hub", response={200: dict, 404: dict, 422: dict}, summary="The hub(s) serving a zone")
def zone_hub(request: HttpRequest, code: str, today: IsoDate | None = None) -> dict[str, Any]:
    """`{zone, hubs: [{id, name, zones, established, contact, is_demo, positions: [{role, title, status,
    person_name, appointed_on, contract_end}]}]}`; status is filled, ending (within 90 days of
    ``today``, default the current date) or vacant. An empty list means the zone has no hub."""
    zone = _zone(code)
    today = today or timezone.localdate()
    return {"zone": zone.code, "today": today, "hubs": [hub_dict(h, today) for h in hubs_for_zone(zone)]}


@router.get("/zones/{code}/skills", response={200: dict, 404: dict}, summary="Skills gap of a zone")
def zone_skills_api(request: HttpRequest, code: str) -> dict[str, Any]:
    """The same shape as `ddm report skills --json` (see capacity.services.zone_skills_dict)."""
    return zone_skills_dict(zone_skills(_zone(code)))
