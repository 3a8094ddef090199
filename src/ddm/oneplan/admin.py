"""Django admin for One Plans: read and correct records; the process itself runs through the pages."""

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ddm.oneplan import models


class PhaseInline(admin.TabularInline):
    model = models.Phase
    extra = 0
    fields = ["kind", "status", "planned_start", "planned_end", "actual_start", "actual_end", "owner"]


@admin.register(models.OnePlan)
class OnePlanAdmin(SimpleHistoryAdmin):
    list_display = ["zone", "title", "is_demo", "created"]
    search_fields = ["zone__code", "zone__name", "title"]


@admin.register(models.PlanVersion)
class PlanVersionAdmin(SimpleHistoryAdmin):
    list_display = ["plan", "number", "status", "current_phase", "frozen", "adopted_on"]
    list_filter = ["status", "current_phase"]
    inlines = [PhaseInline]


@admin.register(models.SignOff)
class SignOffAdmin(SimpleHistoryAdmin):
    list_display = ["version", "party", "place", "decision", "signatory", "signed_at", "cleared"]
    list_filter = ["party", "decision"]


@admin.register(models.PlanEvent)
class PlanEventAdmin(admin.ModelAdmin):
    list_display = ["created", "plan", "version", "user", "kind", "message"]
    list_filter = ["kind"]

    def has_change_permission(self, request: HttpRequest, obj: models.PlanEvent | None = None) -> bool:
        return False  # the audit log is append-only


for model in (models.FocalArea, models.Strategy, models.Action, models.Commitment, models.PlanIndicator,
              models.IndicatorActual, models.CommitmentReport, models.ProjectStage, models.PhaseDocument):
    admin.site.register(model, SimpleHistoryAdmin)
