"""Engagement's access rules, on ddm.accounts.access: events and items of a zone are written by
whoever coordinates the zone (admin, provincial coordinator, hub member); an item's owner
organisation's submitters may add follow-ups to it."""

from ddm.accounts.access import can_coordinate_place, can_submit_for, require_coordinator, require_permission


def can_edit_event(user, event):
    return can_coordinate_place(user, event.zone)


def can_follow_up(user, item):
    if can_edit_event(user, item.event):
        return True
    return item.owner_organisation is not None and can_submit_for(user, item.owner_organisation)


def check_event(request, event):
    require_coordinator(request, event.zone)


def check_follow_up(request, item):
    require_permission(request, lambda user: can_follow_up(user, item),
                       "Only the zone's coordinators and the item's owner may follow it up.")
