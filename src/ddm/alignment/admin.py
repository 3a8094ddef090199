from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ddm.alignment.models import DuplicateReview


@admin.register(DuplicateReview)
class DuplicateReviewAdmin(SimpleHistoryAdmin):
    list_display = ("project_a", "project_b", "zone", "decision", "standing", "reviewer", "decided")
    list_filter = ("decision", "zone")
    raw_id_fields = ("project_a", "project_b", "standing", "zone", "reviewer")
    readonly_fields = ("fingerprint_a", "fingerprint_b", "snapshot", "score", "reasons", "decided")
