from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ddm.engagement.models import Attendance, Event, FollowUp, Item


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "zone", "kind", "date", "is_reference", "is_demo"]
    list_filter = ["kind", "is_reference"]
    raw_id_fields = ["zone"]
    inlines = [AttendanceInline]


@admin.register(Item)
class ItemAdmin(SimpleHistoryAdmin):
    list_display = ["text", "kind", "status", "due_date", "owner_organisation"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["event", "owner_organisation", "action"]
    filter_horizontal = ["projects"]
    inlines = [FollowUpInline]
