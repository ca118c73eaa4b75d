from django.contrib import admin
from django.http import HttpRequest

from motcua.audit.models import AuditEntry
from motcua.core.admin_personal import PersonalDataAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(PersonalDataAdmin, admin.ModelAdmin):
    list_display = ("at", "action", "actor_label", "object_type", "object_id", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_id", "action")
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
