from django.contrib import admin

from ddm.places.models import Place


@admin.register(Place)
class PlaceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "category", "parent", "demarcation_year")
    list_filter = ("level", "demarcation_year", "province")
    search_fields = ("code", "name", "short_name")
    exclude = ("geometry", "svg_path")
    readonly_fields = ("level", "code", "parent", "province", "demarcation_year")
    list_select_related = ("parent",)
