"""Admin: register and change API clients (the secret is shown once), rotate secrets, and read
the API call log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from motcua.apiaccess import scopes as scope_rules
from motcua.apiaccess import services
from motcua.apiaccess.models import ApiCall, ApiClient, IdempotencyKey, InboundSubmission
from motcua.core.admin_personal import PersonalDataAdmin, ReadOnlyAdmin
from motcua.core.errors import DomainError
from motcua.core.users import signed_in


class ApiClientForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("allowed scopes"),
        choices=[(name, f"{name} · {label}") for name, label in scope_rules.SCOPES.items()],
        widget=forms.CheckboxSelectMultiple,
    )
    rate = forms.RegexField(
        label=_("rate limit"),
        regex=services.RATE_RE,
        required=False,
        help_text=_("Requests per period such as “600/min”; empty: MOTCUA_API_CLIENT_RATE."),
    )

    class Meta:
        model = ApiClient
        fields = ["name", "agencies", "scopes", "rate", "is_active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["scopes"] = self.instance.scope_list
            self.fields["name"].disabled = True


def _secret_page(request: HttpRequest, client: ApiClient, secret: str) -> HttpResponse:
    return TemplateResponse(
        request,
        "apiaccess/admin/secret.html",
        {
            **admin.site.each_context(request),
            "title": _("Client secret"),
            "client": client,
            "client_id": client.application.client_id,
            "secret": secret,
        },
        headers={"Cache-Control": "no-store"},
    )


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = ["name", "client_id", "scopes", "rate", "is_active", "secret_rotated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "application__client_id"]
    filter_horizontal = ["agencies"]
    list_select_related = ["application"]
    actions = ["rotate_secret"]

    @admin.display(description=_("client id"))
    def client_id(self, obj: ApiClient) -> str:
        return obj.application.client_id

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: the call log and submissions keep pointing at it

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            services.api_client_update(
                actor=signed_in(request.user),
                client=obj,
                agencies=data["agencies"],
                scopes=data["scopes"],
                rate=data["rate"],
                is_active=data["is_active"],
            )
            return
        client, secret = services.api_client_create(
            actor=signed_in(request.user),
            name=data["name"],
            agencies=data["agencies"],
            scopes=data["scopes"],
            rate=data["rate"],
        )
        obj.pk = client.pk
        request._motcua_new_secret = (client, secret)  # type: ignore[attr-defined]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The services set the agencies and the service account's roles."""

    def response_add(
        self, request: HttpRequest, obj: ApiClient, post_url_continue: str | None = None
    ) -> HttpResponse:
        client, secret = request._motcua_new_secret  # type: ignore[attr-defined]
        return _secret_page(request, client, secret)

    @admin.action(description=_("Rotate the secret (one client)"))
    def rotate_secret(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> Any:
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one client."), level="error")
            return None
        client = queryset.select_related("application").get()
        try:
            secret = services.api_client_rotate_secret(actor=signed_in(request.user), client=client)
        except DomainError as exc:
            self.message_user(request, exc.message, level="error")
            return None
        return _secret_page(request, client, secret)


@admin.register(ApiCall)
class ApiCallAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ["at", "client", "user", "method", "endpoint", "status", "duration_ms"]
    list_filter = ["status", "method", "client"]
    search_fields = ["endpoint"]
    date_hierarchy = "at"
    list_select_related = ["client", "user"]
    show_full_result_count = False


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "client", "key", "endpoint", "response_status"]
    list_filter = ["client", "response_status"]
    search_fields = ["key"]
    list_select_related = ["client"]


@admin.register(InboundSubmission)
class InboundSubmissionAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ["created_at", "client", "source", "external_code", "record"]
    list_filter = ["client", "source"]
    search_fields = ["external_code"]
    list_select_related = ["client", "record"]
