from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from ddm.accounts.models import ApiToken, Organisation, Role


class RoleInline(admin.TabularInline):
    model = Role
    extra = 1
    autocomplete_fields = ("organisation",)
    fields = ("kind", "province", "zone", "organisation")


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class DDMUserAdmin(UserAdmin):
    inlines = [RoleInline]


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "sphere", "kind", "province", "fy_start_month", "is_reference")
    list_filter = ("sphere", "kind", "province", "is_reference")
    search_fields = ("code", "name", "aliases")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created", "last_used")
    readonly_fields = ("digest", "created", "last_used")
