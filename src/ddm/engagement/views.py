"""Engagement pages: national and zone views of events and overdue items; scoped writes."""


from django.contrib import messages
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
from ddm.web import date_param


def national(request):
    today = date_param(request)
    events = Event.objects.select_related("zone").prefetch_related("items")[:50]
    return render(request, "engagement/national.html", {
        "today": today, "events": events, "overdue": services.overdue_items(today)[:20],
        "overdue_count": services.overdue_items(today).count(), "open_count": services.open_items().count(),
    })


def overdue(request):
    today = date_param(request)
    return render(request, "engagement/overdue.html", {"today": today, "items": services.overdue_items(today)})


OVERDUE_HEADER = ["zone", "event", "event date", "kind", "item", "raised by", "owner", "due date", "days overdue",
                  "status"]


def overdue_csv(request):
    today = date_param(request)
    rows = [[i.event.zone.code, i.event.title, i.event.date, i.get_kind_display(), i.text, i.raised_by, i.owner,
             i.due_date, (today - i.due_date).days, i.get_status_display()] for i in services.overdue_items(today)]
    return csv_response(f"overdue-{today}.csv", OVERDUE_HEADER, rows)


def zone(request, code):
    zone = get_zone_for_user(request, code)
    today = date_param(request)
    return render(request, "engagement/zone.html", {
        "zone": zone, "today": today, "events": services.zone_events(zone),
        "overdue": services.overdue_items(today, zone), "can_edit": can_coordinate_place(request.user, zone),
        "form": EventForm(),
    })


@require_POST
def new_event(request, code):
    zone = get_zone_for_user(request, code, write=True)
    form = EventForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Event not saved: {form.errors.as_text()}")
        return redirect("engagement:zone", code=zone.code)
    event = form.save(commit=False)
    event.zone, event.created_by = zone, request.user
    event.save()
    return redirect(event)


def _event(pk):
    return get_object_or_404(Event.objects.select_related("zone"), pk=pk)


def event(request, pk):
    event = _event(pk)
    today = date_param(request)
    items = event.items.select_related("owner_organisation", "action").prefetch_related("projects")
    return render(request, "engagement/event.html", {
        "event": event, "today": today, "items": items, "attendance": event.attendance.all(),
        "can_edit": access.can_edit_event(request.user, event), "attendance_form": AttendanceForm(),
        "item_form": ItemForm(),
    })


def edit_event(request, pk):
    event = _event(pk)
    access.check_event(request, event)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Event saved.")
        return redirect(event)
    return render(request, "engagement/edit.html", {"form": form, "title": f"Edit {event.title}", "back": event})


@require_POST
def set_attendance(request, pk):
    event = _event(pk)
    access.check_event(request, event)
    form = AttendanceForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        Attendance.objects.update_or_create(event=event, group=data["group"], defaults={
            "count": data["count"], "organisations": data["organisations"].strip()})
        messages.success(request, "Attendance saved.")
    else:
        messages.error(request, f"Attendance not saved: {form.errors.as_text()}")
    return redirect(event)


@require_POST
def new_item(request, pk):
    event = _event(pk)
    access.check_event(request, event)
    form = ItemForm(request.POST)
    if form.is_valid():
        item = form.save(commit=False)
        item.event = event
        item.save()
        messages.success(request, "Item added.")
        return redirect("engagement:item", pk=item.pk)
    messages.error(request, f"Item not saved: {form.errors.as_text()}")
    return redirect(event)


def _item(pk):
    return get_object_or_404(Item.objects.select_related("event__zone", "owner_organisation", "action"), pk=pk)


def item(request, pk):
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


def edit_item(request, pk):
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
def follow_up(request, pk):
    item = _item(pk)
    access.check_follow_up(request, item)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        services.add_follow_up(item, form.cleaned_data["note"], timezone.localdate(), request.user,
                               form.cleaned_data["status"] or None)
        messages.success(request, "Follow-up recorded.")
    else:
        messages.error(request, f"Follow-up not saved: {form.errors.as_text()}")
    return redirect("engagement:item", pk=item.pk)


@require_POST
def set_links(request, pk):
    item = _item(pk)
    access.check_event(request, item.event)
    form = LinksForm(request.POST, zone=item.event.zone)
    if form.is_valid():
        item.action, item.indicator = form.cleaned_data["action"], form.cleaned_data["indicator"]
        item.save(update_fields=["action", "indicator"])
        item.projects.set(form.cleaned_data["projects"])
        messages.success(request, "Links saved.")
    else:
        messages.error(request, f"Links not saved: {form.errors.as_text()}")
    return redirect("engagement:item", pk=item.pk)
