from django.contrib import admin

from motcua.audit.models import AuditEntry
from motcua.core.admin_personal import PersonalDataAdmin, ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ("at", "action", "actor_label", "object_type", "object_id", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "object_id", "action")
    date_hierarchy = "at"
    show_full_result_count = False
