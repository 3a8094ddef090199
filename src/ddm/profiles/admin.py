from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ddm.profiles.models import IndicatorDefinition, IndicatorValue, ZoneNarrative


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "kind", "category", "year", "is_reference")
    list_filter = ("kind", "unit", "category", "is_reference")
    search_fields = ("code", "name")


@admin.register(IndicatorValue)
class IndicatorValueAdmin(admin.ModelAdmin):
    list_display = ("indicator", "place", "year", "value", "is_aggregated")
    list_filter = ("is_aggregated", "year", "place__level")
    search_fields = ("indicator__code", "place__code")
    raw_id_fields = ("indicator", "place")


@admin.register(ZoneNarrative)
class ZoneNarrativeAdmin(SimpleHistoryAdmin):
    list_display = ("zone", "updated", "updated_by")
    raw_id_fields = ("zone",)
