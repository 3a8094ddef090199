"""Engagement business rules: overdue items, follow-ups (with status history), JSON shapes."""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from ddm.engagement.models import CLOSED_STATUSES, Event, FollowUp, Item, ItemStatus
from ddm.investment.models import Project
from ddm.oneplan.models import Action, PlanIndicator
from ddm.places.models import Place


def open_items() -> QuerySet[Item]:
    return Item.objects.exclude(status__in=CLOSED_STATUSES)


def overdue_items(today: datetime.date, zone: Place | None = None) -> QuerySet[Item]:
    """Items whose due date is before ``today`` and that are neither done nor dropped, oldest first."""
    items = open_items().filter(due_date__lt=today).select_related(
        "event__zone", "owner_organisation", "action").prefetch_related("projects").order_by("due_date", "pk")
    if zone is not None:
        items = items.filter(event__zone=zone)
    return items


@transaction.atomic
def set_links(item: Item, action: Action | None, indicator: PlanIndicator | None, projects: Iterable[Project]) -> None:
    """What an item delivers through: its One Plan action, the indicator it should move, the projects."""
    item.action, item.indicator = action, indicator
    item.save(update_fields=["action", "indicator"])
    item.projects.set(projects)


def zone_events(zone: Place) -> QuerySet[Event]:
    return (Event.objects.filter(zone=zone)
            .prefetch_related("attendance", "items__owner_organisation", "items__projects").order_by("-date"))


@transaction.atomic
def add_follow_up(item: Item, note: str, today: datetime.date, user: Any = None, status: str | None = None) -> FollowUp:
    """Record a follow-up note; if ``status`` differs, change the item's status and record both."""
    if not note.strip():
        raise ValueError("a follow-up needs a note")
    if status and status not in ItemStatus.values:
        raise ValueError(f"unknown status {status!r}")
    old = item.status
    new = status if status and status != old else ""  # "" when the status stays
    follow_up = FollowUp.objects.create(
        item=item, date=today, note=note.strip(), author=user, old_status=old if new else "", new_status=new)
    if new:
        item.status = new
        item.save(update_fields=["status"])
    return follow_up


def item_dict(item: Item, today: datetime.date) -> dict[str, Any]:
    return {
        "id": item.pk, "event": item.event_id, "zone": item.event.zone.code, "kind": item.kind, "text": item.text,
        "raised_by": item.raised_by, "owner_organisation": item.owner_organisation.code if item.owner_organisation else None,
        "owner_person": item.owner_person, "due_date": item.due_date, "status": item.status,
        "overdue": item.is_overdue(today), "days_overdue": item.days_overdue(today),
        "action": item.action_id, "projects": [p.pk for p in item.projects.all()],
        "source": item.source, "is_demo": item.is_demo,
    }


def event_dict(event: Event, today: datetime.date) -> dict[str, Any]:
    return {
        "id": event.pk, "kind": event.kind, "title": event.title, "zone": event.zone.code, "date": event.date,
        "venue": event.venue, "description": event.description,
        "sources": [s for s in event.sources.splitlines() if s.strip()],
        "is_reference": event.is_reference, "is_demo": event.is_demo,
        "attendance": [{"group": a.group, "label": a.get_group_display(), "count": a.count,
                        "organisations": a.organisation_list()} for a in event.attendance.all()],
        "items": [item_dict(i, today) for i in event.items.all()],
    }


def overdue_dict(items: Sequence[Item], today: datetime.date) -> dict[str, Any]:
    """The stable JSON shape of `ddm engagement overdue --json` and GET /api/engagement/overdue."""
    return {"today": today, "count": len(items), "definition":
            "due date before today and status neither done nor dropped",
            "items": [item_dict(i, today) for i in items]}
