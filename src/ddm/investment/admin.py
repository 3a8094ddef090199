from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ddm.investment.models import BudgetLine, Location, Project, ProjectNote, PublishedTotal, ReviewDecision, Submission


class LocationInline(admin.TabularInline):
    model = Location
    extra = 0
    raw_id_fields = ("place", "municipality", "zone", "province")


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    exclude = ("submission",)


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "organisation", "sector", "is_aggregate", "duplicate_of")
    list_filter = ("organisation__sphere", "sector", "is_aggregate")
    search_fields = ("reference", "title", "organisation__name")
    raw_id_fields = ("organisation", "duplicate_of", "submission")
    inlines = [LocationInline, BudgetLineInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ("pk", "organisation", "channel", "status", "created", "rows_read", "rows_rejected")
    list_filter = ("channel", "status")
    raw_id_fields = ("organisation", "user")


@admin.register(PublishedTotal)
class PublishedTotalAdmin(admin.ModelAdmin):
    list_display = ("key", "zone", "stated_as", "label", "breakdown_published")
    raw_id_fields = ("zone",)
    filter_horizontal = ("components",)


@admin.register(ProjectNote)
class ProjectNoteAdmin(admin.ModelAdmin):
    list_display = ("project", "author", "created")
    raw_id_fields = ("project", "author")


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(SimpleHistoryAdmin):
    """Read-only: decisions are made through the review pages and commands (investment.review)."""

    list_display = ("submission", "action", "user", "created", "how")
    list_filter = ("action",)
    raw_id_fields = ("submission", "user", "commit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReviewDecision | None = None) -> bool:
        return False
