from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from ddm.jobs.models import FileJob


@admin.register(FileJob)
class FileJobAdmin(SimpleHistoryAdmin):
    list_display = ["pk", "kind", "filename", "user", "status", "created", "finished"]
    list_filter = ["kind", "status"]
    readonly_fields = ["result"]
