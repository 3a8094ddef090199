"""Engagement's access rules, on ddm.accounts.access: events and items of a zone are written by
whoever coordinates the zone (admin, provincial coordinator, hub member); an item's owner
organisation's submitters may add follow-ups to it."""

from django.http import HttpRequest

from ddm.accounts.access import (
    Visitor,
    can_coordinate_place,
    can_submit_for,
    require_coordinator,
    require_permission,
)
from ddm.engagement.models import Event, Item


def can_edit_event(user: Visitor, event: Event) -> bool:
    return can_coordinate_place(user, event.zone)


def can_follow_up(user: Visitor, item: Item) -> bool:
    if can_edit_event(user, item.event):
        return True
    return item.owner_organisation is not None and can_submit_for(user, item.owner_organisation)


def check_event(request: HttpRequest, event: Event) -> None:
    require_coordinator(request, event.zone)


def check_follow_up(request: HttpRequest, item: Item) -> None:
    require_permission(request, lambda user: can_follow_up(user, item),
                       "Only the zone's coordinators and the item's owner may follow it up.")
