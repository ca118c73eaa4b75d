from django.contrib import admin

from motcua.core.admin_personal import PersonalDataAdmin
from motcua.evaluation.models import Evaluation


@admin.register(Evaluation)
class EvaluationAdmin(PersonalDataAdmin, admin.ModelAdmin):
    """Read-only: evaluations are the citizens' words, given through the evaluation pages."""

    list_display = ("record", "agency", "channel", "given_at", "total", "band", "satisfaction")
    list_filter = ("channel", "band", "satisfaction", "agency")
    search_fields = ("record__code", "comment")
    list_select_related = ("record", "agency")
    date_hierarchy = "given_at"

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
