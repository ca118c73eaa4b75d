"""Admin: read-mostly views of certificates, results and digitised documents. Keys are never
shown (the encrypted PKCS#12 and its salt are not editable fields); writes go through services."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from motcua.core.admin_personal import PersonalDataAdmin, ReadOnlyAdmin
from motcua.documents.models import (
    DigitisedDocument,
    DocumentReuse,
    ResultDocument,
    ResultSignature,
    SigningCredential,
)
from motcua.records.masking import mask_id_number


@admin.register(SigningCredential)
class SigningCredentialAdmin(ReadOnlyAdmin):
    list_display = ("label", "kind", "agency", "user", "not_after", "is_demo", "is_active")
    list_filter = ("kind", "is_demo", "is_active")
    search_fields = ("label", "subject", "serial")
    list_select_related = ("agency", "user")
    exclude = ("certificate_pem", "chain_pem")


class ResultSignatureInline(admin.TabularInline):
    model = ResultSignature
    extra = 0
    can_delete = False
    fields = ("order", "role", "credential", "signed_by", "signed_at", "timestamped")
    readonly_fields = fields


@admin.register(ResultDocument)
class ResultDocumentAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ("code", "record", "kind", "signature_count", "sealed", "is_current")
    list_filter = ("kind", "sealed", "is_current")
    search_fields = ("code", "record__code", "sha256")
    list_select_related = ("record",)
    inlines = [ResultSignatureInline]


@admin.register(DigitisedDocument)
class DigitisedDocumentAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ("component_code", "name", "owner", "valid_until", "reuse_count")
    search_fields = ("owner_id_number", "component_code", "name", "sha256")
    list_select_related = ("agency",)

    @admin.display(description=_("owner ID number / tax code"), ordering="owner_id_number")
    def owner(self, obj: DigitisedDocument) -> str:
        """Masked in the list (records.masking: lists never show ID numbers in clear)."""
        return mask_id_number(obj.owner_id_number)


@admin.register(DocumentReuse)
class DocumentReuseAdmin(PersonalDataAdmin, ReadOnlyAdmin):
    list_display = ("record", "digitised", "result", "attached_at")
    list_select_related = ("record", "digitised", "result")
