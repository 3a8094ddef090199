from django.contrib import admin

from ddm.facilities.models import Facility


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality", "location_status", "learners", "educators", "source")
    list_filter = ("kind", "location_status", "source")
    search_fields = ("name", "ref", "village", "town")
    raw_id_fields = ("municipality",)
