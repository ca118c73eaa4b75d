from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from motcua.core.admin_personal import PersonalDataAdmin
from motcua.core.errors import DomainError
from motcua.core.users import signed_in
from motcua.exchange import services
from motcua.exchange.models import (
    Delivery,
    NationalAgencyCode,
    NationalProcedureCode,
    NationalSyncState,
    OutboxEvent,
    Subscriber,
)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "url", "is_active", "updated_at"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "url"]
    filter_horizontal = ["agencies"]


@admin.action(description=_("Resend the selected deliveries"))
def resend_deliveries(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
) -> None:
    try:
        count = services.delivery_resend(
            actor=signed_in(request.user), delivery_ids=queryset.values_list("pk", flat=True)
        )
    except DomainError as exc:
        modeladmin.message_user(request, exc.message, messages.ERROR)
        return
    modeladmin.message_user(
        request, _("%(count)d deliveries queued again.") % {"count": count}, messages.SUCCESS
    )


@admin.register(Delivery)
class DeliveryAdmin(PersonalDataAdmin, admin.ModelAdmin):
    list_display = [
        "id",
        "subscriber",
        "event",
        "record_id",
        "state",
        "attempts",
        "next_attempt_at",
        "delivered_at",
        "last_status_code",
    ]
    list_filter = ["state", "subscriber"]
    list_select_related = ["subscriber", "event"]
    search_fields = ["=event__event_id", "=record_id"]
    actions = [resend_deliveries]
    readonly_fields = [f.name for f in Delivery._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(PersonalDataAdmin, admin.ModelAdmin):
    list_display = ["id", "event_id", "kind", "record", "occurred_at", "created_at"]
    list_filter = ["kind"]
    search_fields = ["=event_id"]
    raw_id_fields = ["record", "record_event"]
    readonly_fields = [
        "event_id",
        "record_event",
        "record",
        "kind",
        "occurred_at",
        "created_at",
        "body",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(NationalAgencyCode)
class NationalAgencyCodeAdmin(admin.ModelAdmin):
    list_display = ["agency", "national_code", "national_name"]
    search_fields = ["agency__code", "agency__name", "national_code"]
    autocomplete_fields = ["agency"]


@admin.register(NationalProcedureCode)
class NationalProcedureCodeAdmin(admin.ModelAdmin):
    list_display = ["procedure", "national_code", "national_field_code"]
    search_fields = ["procedure__code", "procedure__name", "national_code"]
    autocomplete_fields = ["procedure"]


@admin.register(NationalSyncState)
class NationalSyncStateAdmin(admin.ModelAdmin):
    list_display = [
        "subscriber",
        "record",
        "first_synced_at",
        "last_synced_at",
        "last_national_code",
    ]
    list_filter = ["subscriber"]
    raw_id_fields = ["record"]
