from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ddm.capacity.models import (
    Agency,
    BusinessPlanVersion,
    DefaultRequirement,
    Hub,
    PlanAttachment,
    Position,
    RequirementOverride,
    Skill,
    SkillsAudit,
)


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0


@admin.register(Hub)
class HubAdmin(SimpleHistoryAdmin):
    list_display = ["name", "established", "is_demo"]
    filter_horizontal = ["zones"]
    inlines = [PositionInline]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area", "backlog"]


@admin.register(DefaultRequirement)
class DefaultRequirementAdmin(admin.ModelAdmin):
    list_display = ["skill", "category", "required"]
    list_filter = ["category"]


@admin.register(RequirementOverride)
class RequirementOverrideAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "skill", "required", "reason"]
    raw_id_fields = ["municipality"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(SkillsAudit)
class SkillsAuditAdmin(SimpleHistoryAdmin):
    list_display = ["municipality", "created", "filename", "channel", "rows_read", "rows_rejected", "is_demo"]
    raw_id_fields = ["municipality"]


admin.site.register(BusinessPlanVersion)
admin.site.register(PlanAttachment, SimpleHistoryAdmin)
