"""Engagement pages: national and zone views of events and overdue items; scoped writes."""


from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ddm.accounts.access import can_coordinate_place, get_zone_for_user
from ddm.engagement import access, delivery, services
from ddm.engagement.forms import AttendanceForm, EventForm, FollowUpForm, ItemEditForm, ItemForm, LinksForm
from ddm.engagement.models import Attendance, Event, Item, ItemKind
from ddm.exports import csv_response
from ddm.oneplan import delivery as plan_delivery
from ddm.web import date_param, save_posted


def national(request: HttpRequest) -> HttpResponse:
    today = date_param(request)
    events = Event.objects.select_related("zone").prefetch_related("items")[:50]
    return render(request, "engagement/national.html", {
        "today": today, "events": events, "overdue": services.overdue_items(today)[:20],
        "overdue_count": services.overdue_items(today).count(), "open_count": services.open_items().count(),
    })


def overdue(request: HttpRequest) -> HttpResponse:
    today = date_param(request)
    return render(request, "engagement/overdue.html", {"today": today, "items": services.overdue_items(today)})


OVERDUE_HEADER = ["zone", "event", "event date", "kind", "item", "raised by", "owner", "due date", "days overdue",
                  "status"]


def overdue_csv(request: HttpRequest) -> HttpResponse:
    today = date_param(request)
    rows = [[i.event.zone.code, i.event.title, i.event.date, i.get_kind_display(), i.text, i.raised_by, i.owner,
             i.due_date, i.days_overdue(today), i.get_status_display()] for i in services.overdue_items(today)]
    return csv_response(f"overdue-{today}.csv", OVERDUE_HEADER, rows)


def zone(request: HttpRequest, code: str) -> HttpResponse:
    zone = get_zone_for_user(request, code)
    today = date_param(request)
    return render(request, "engagement/zone.html", {
        "zone": zone, "today": today, "events": services.zone_events(zone),
        "overdue": services.overdue_items(today, zone), "can_edit": can_coordinate_place(request.user, zone),
        "form": EventForm(),
    })


@require_POST
def new_event(request: HttpRequest, code: str) -> HttpResponse:
    zone = get_zone_for_user(request, code, write=True)
    form = EventForm(request.POST)

    def add_event(form: EventForm) -> str:
        event = form.save(commit=False)
        event.zone, event.created_by = zone, request.user
        event.save()
        return f"Event {event.title} saved."

    if save_posted(request, form, "Event", add_event):
        return redirect(form.instance)
    return redirect("engagement:zone", code=zone.code)


def _event(pk: int) -> Event:
    return get_object_or_404(Event.objects.select_related("zone"), pk=pk)


def event(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    today = date_param(request)
    items = event.items.select_related("owner_organisation", "action").prefetch_related("projects")
    return render(request, "engagement/event.html", {
        "event": event, "today": today, "items": items, "attendance": event.attendance.all(),
        "can_edit": access.can_edit_event(request.user, event), "attendance_form": AttendanceForm(),
        "item_form": ItemForm(),
    })


def edit_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    access.check_event(request, event)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Event saved.")
        return redirect(event)
    return render(request, "engagement/edit.html", {"form": form, "title": f"Edit {event.title}", "back": event})


@require_POST
def set_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    access.check_event(request, event)

    def record(form: AttendanceForm) -> str:
        data = form.cleaned_data
        Attendance.objects.update_or_create(event=event, group=data["group"], defaults={
            "count": data["count"], "organisations": data["organisations"].strip()})
        return "Attendance saved."

    save_posted(request, AttendanceForm(request.POST), "Attendance", record)
    return redirect(event)


@require_POST
def new_item(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event(pk)
    access.check_event(request, event)
    form = ItemForm(request.POST)

    def add_item(form: ItemForm) -> str:
        item = form.save(commit=False)
        item.event = event
        item.save()
        return "Item added."

    if save_posted(request, form, "Item", add_item):
        return redirect("engagement:item", pk=form.instance.pk)
    return redirect(event)


def _item(pk: int) -> Item:
    return get_object_or_404(Item.objects.select_related("event__zone", "owner_organisation", "action"), pk=pk)


def item(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    today = date_param(request)
    return render(request, "engagement/item.html", {
        "item": item, "today": today, "overdue": item.is_overdue(today),
        "follow_ups": item.follow_ups.select_related("author"), "projects": item.projects.all(),
        "can_follow_up": access.can_follow_up(request.user, item),
        "can_link": access.can_edit_event(request.user, item.event), "follow_up_form": FollowUpForm(),
        "links_form": LinksForm(zone=item.event.zone, initial={"action": item.action, "projects": item.projects.all(),
                                                               "indicator": item.indicator}),
        "chain": delivery.chain_for(item.pk, today) if item.kind == ItemKind.COMMITMENT else None,
        "delivery_rules": plan_delivery.rules(),
    })


def edit_item(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit an item's text, owner and due date; status changes go through follow-ups (history)."""
    item = _item(pk)
    access.check_event(request, item.event)
    form = ItemEditForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Item saved.")
        return redirect("engagement:item", pk=item.pk)
    return render(request, "engagement/edit.html", {
        "form": form, "title": "Edit item", "back_url": reverse("engagement:item", args=[item.pk])})


@require_POST
def follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    access.check_follow_up(request, item)

    def record(form: FollowUpForm) -> str:
        services.add_follow_up(item, form.cleaned_data["note"], timezone.localdate(), request.user,
                               form.cleaned_data["status"] or None)
        return "Follow-up recorded."

    save_posted(request, FollowUpForm(request.POST), "Follow-up", record)
    return redirect("engagement:item", pk=item.pk)


@require_POST
def set_links(request: HttpRequest, pk: int) -> HttpResponse:
    item = _item(pk)
    access.check_event(request, item.event)

    def link(form: LinksForm) -> str:
        services.set_links(item, form.cleaned_data["action"], form.cleaned_data["indicator"],
                           form.cleaned_data["projects"])
        return "Links saved."

    save_posted(request, LinksForm(request.POST, zone=item.event.zone), "Links", link)
    return redirect("engagement:item", pk=item.pk)
