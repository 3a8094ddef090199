"""Engagement API: GET /zones/{code}/engagements, GET /engagement/overdue and
GET /engagement/items/{item_id}/chain (public reads)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router

from ddm.engagement.delivery import chain_for
from ddm.engagement.models import Item, ItemKind
from ddm.engagement.services import event_dict, overdue_dict, overdue_items, zone_events
from ddm.oneplan.delivery import chain_json
from ddm.places.models import Place
from ddm.web import IsoDate

router = Router(tags=["Engagement"])


@router.get("/zones/{code}/engagements", response={200: dict, 404: dict, 422: dict}, summary="Events of a zone")
def zone_engagements(request: HttpRequest, code: str, today: IsoDate | None = None) -> dict[str, Any]:
    """`{zone, today, events: [{id, kind, title, zone, date, venue, description, sources, is_reference,
    is_demo, attendance: [{group, label, count, organisations}], items: [...]}]}`; each item has
    `overdue` relative to ``today`` (default the current date)."""
    zone = get_object_or_404(Place.objects.zones().without_geometry(), code=code.upper())
    today = today or timezone.localdate()
    return {"zone": zone.code, "today": today, "events": [event_dict(e, today) for e in zone_events(zone)]}


@router.get("/engagement/overdue", response={200: dict, 404: dict, 422: dict}, summary="Overdue items, nationally")
def overdue(request: HttpRequest, today: IsoDate | None = None, zone: str | None = None) -> dict[str, Any]:
    """`{today, count, definition, items: [...]}`: items due before ``today`` (default the current date)
    that are neither done nor dropped, oldest due date first; ``zone`` filters to one zone."""
    today = today or timezone.localdate()
    place = get_object_or_404(Place.objects.zones().without_geometry(), code=zone.upper()) if zone else None
    return overdue_dict(list(overdue_items(today, place)), today)


@router.get("/engagement/items/{item_id}/chain", response={200: dict, 404: dict, 422: dict},
            summary="A commitment's chain to delivery, with its flags")
def item_chain(request: HttpRequest, item_id: int, today: IsoDate | None = None) -> dict[str, Any]:
    """The commitment-to-delivery chain (shape: ddm.oneplan.delivery.chain_json): its action, the projects
    delivering it with their approved budget lines and latest progress, the indicator it should move,
    flags (late, unfunded, missing, overdue) with reasons, and its escalation level on ``today``."""
    get_object_or_404(Item, pk=item_id, kind=ItemKind.COMMITMENT)
    return chain_json(chain_for(item_id, today or timezone.localdate()))
