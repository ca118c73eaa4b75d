from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF file"),
        help_text=_("The electronic result (PDF) to check. Nothing you upload is kept."),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data["file"]
        limit = settings.MOTCUA_VERIFY_MAX_MB * 1024 * 1024
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(mb)s MB at most).")
                % {"mb": settings.MOTCUA_VERIFY_MAX_MB}
            )
        head = upload.read(1024)
        upload.seek(0)
        if b"%PDF-" not in head:
            raise forms.ValidationError(_("The file is not a PDF document."))
        return upload


class GenerateForm(forms.Form):
    content = forms.CharField(
        label=_("Content of the result"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Leave empty for the standard wording with the applicant and record code."),
    )
