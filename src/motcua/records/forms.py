"""Forms of the officer pages: one small form per record action, and the desk intake form.

Forms only parse input; the services validate the business rules and raise ``DomainError``s
that the views turn into form errors (``apply_domain_error``).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from motcua.catalogue.models import ComponentForm, DocumentComponent, Procedure, ProcedureVersion
from motcua.core.errors import DomainError, ValidationFailed
from motcua.core.models import User
from motcua.documents import scans
from motcua.organisations.models import Agency, OrgUnit
from motcua.records.models import Channel, DeskSlip, RecordComponent, ReturnMethod
from motcua.records.models.record import ApplicantKind

# ---- uploads ------------------------------------------------------------------------------------
# Scans are recognised by their content, never by their name or the browser's content type, and
# parsed as the documents app parses its scans (documents.scans): a PDF must open, an image decode.


def validate_scan(upload: UploadedFile) -> None:
    """Refuse empty files, files over ``MOTCUA_UPLOAD_MAX_MB`` and anything that is not a
    readable PDF, JPEG or PNG; rename an accepted file to a safe name with the right extension."""
    limit_mb = settings.MOTCUA_UPLOAD_MAX_MB
    name = os.path.basename(upload.name or "")
    if not upload.size:
        raise ValidationError(
            _("The file “%(name)s” is empty."), code="empty", params={"name": name}
        )
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("The file “%(name)s” is %(size).1f MB; the largest accepted is %(max)s MB."),
            code="too_large",
            params={"name": name, "size": upload.size / (1024 * 1024), "max": limit_mb},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        kind = scans.read_scan(data)
    except scans.ScanRefused as exc:
        if exc.problem == "pixels":
            raise ValidationError(
                "%(name)s: %(problem)s",
                code="file_pixels",
                params={"name": name, "problem": scans.pixels_message()},
            ) from None
        if exc.problem == "pdf":
            message = _(
                "The file “%(name)s” is a damaged PDF: it cannot be read. Scan the document again."
            )
        elif exc.problem == "image":
            message = _(
                "The file “%(name)s” is a damaged image: it cannot be decoded. Scan the document "
                "again."
            )
        else:
            message = _(
                "The file “%(name)s” is not a PDF, JPEG or PNG document (its content was checked, "
                "not its name). Scan the document again as PDF, JPEG or PNG."
            )
        raise ValidationError(message, code=f"file_{exc.problem}", params={"name": name}) from None
    stem = slugify(os.path.splitext(name)[0])[:60] or "scan"
    upload.name = f"{stem}.{kind}"


class ScanField(forms.FileField):
    default_validators = [validate_scan]
    widget = forms.ClearableFileInput(
        attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
    )


# ---- helpers ------------------------------------------------------------------------------------
def apply_domain_error(
    form: forms.Form, error: DomainError, *, field_map: dict[str, str] | None = None
) -> None:
    """Put a service error on the form: on the named field when the form has it, else as a
    form error. ``ValidationFailed`` from intake carries ``errors`` (field -> messages)."""
    field_map = field_map or {}
    errors = (error.errors if isinstance(error, ValidationFailed) else {}) or {
        error.field or "": [error.message]
    }
    for key, messages in errors.items():
        target = field_map.get(key, key)
        for message in messages:
            if target and target in form.fields:
                form.add_error(target, message)
            else:
                form.add_error(None, message)


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in (text or "").splitlines() if line.strip()]


def items_from_lines(text: str) -> list[dict[str, Any]]:
    """Documents to add, one per line (Form 02 table rows)."""
    return [{"name": line, "form": "", "quantity": 1} for line in _lines(text)]


TEXTAREA = forms.Textarea(attrs={"rows": 3})


class _StepForm(forms.Form):
    """A hidden ``expected_step_id``: the step the officer saw, checked by the service under its
    lock (somebody else moving the record first gives a conflict, not a wrong move)."""

    expected_step_id = forms.IntegerField(required=False, widget=forms.HiddenInput)


# ---- action forms -------------------------------------------------------------------------------
class ClaimForm(_StepForm):
    pass


class AssignForm(_StepForm):
    assignee = forms.ModelChoiceField(
        label=_("Officer"), queryset=User.objects.none(), empty_label=_("— choose —")
    )  # type: ignore[arg-type]

    def __init__(self, *args: Any, officers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = lambda user: user.display_name()  # type: ignore[attr-defined]


class ForwardForm(_StepForm):
    assignee = forms.ModelChoiceField(
        label=_("Officer of the next step"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the unit's queue —"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=TEXTAREA)

    def __init__(self, *args: Any, officers: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = lambda user: user.display_name()  # type: ignore[attr-defined]


class SendBackForm(_StepForm):
    to_order = forms.TypedChoiceField(label=_("Send back to"), coerce=int, choices=())
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=TEXTAREA)

    def __init__(self, *args: Any, targets: Iterable[tuple[int, str]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_order"].choices = list(targets)  # type: ignore[attr-defined]


class RequestOpinionForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit asked"), queryset=OrgUnit.objects.none(), empty_label=_("— choose —")
    )
    question = forms.CharField(label=_("Question"), max_length=2000, widget=TEXTAREA)
    budget_hours = forms.DecimalField(
        label=_("Time budget (working hours)"),
        min_value=1,
        max_value=400,
        decimal_places=2,
        initial=8,
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        self.fields["unit"].label_from_instance = lambda unit: f"{unit.name} — {unit.agency}"  # type: ignore[attr-defined]


class GiveOpinionForm(forms.Form):
    opinion = forms.TypedChoiceField(coerce=int, choices=(), widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Opinion"), max_length=2000, widget=TEXTAREA)

    def __init__(self, *args: Any, opinion_ids: Iterable[int] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["opinion"].choices = [(pk, str(pk)) for pk in opinion_ids]  # type: ignore[attr-defined]


class RequestSupplementForm(_StepForm):
    items = forms.CharField(
        label=_("Documents to add or complete"),
        help_text=_("One document per line; everything missing must be asked for at once."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=TEXTAREA)

    def clean_items(self) -> list[dict[str, Any]]:
        items = items_from_lines(self.cleaned_data["items"])
        if not items:
            raise ValidationError(_("List the documents the applicant must add, one per line."))
        return items


class ReceiveSupplementForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=TEXTAREA)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=TEXTAREA)


class StopForm(ReasonForm):
    pass


class WithdrawForm(ReasonForm):
    reason = forms.CharField(
        label=_("Applicant's request"),
        help_text=_("The written withdrawal request received at the desk."),
        max_length=2000,
        widget=TEXTAREA,
    )


class RefuseOnlineForm(ReasonForm):
    pass


class ApproveForm(_StepForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=TEXTAREA)


class MarkResultReadyForm(forms.Form):
    result_summary = forms.CharField(
        label=_("Result"),
        help_text=_("E.g. the number of the decision or certificate issued."),
        required=False,
        max_length=2000,
        widget=TEXTAREA,
    )


class ReturnResultForm(forms.Form):
    method = forms.ChoiceField(label=_("Returned"), choices=ReturnMethod.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=TEXTAREA)


class ExtendForm(forms.Form):
    new_due_at = forms.DateTimeField(
        label=_("New appointment"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=_("Reason for the delay"), max_length=2000, widget=TEXTAREA)

    def clean_new_due_at(self) -> datetime:
        value: datetime = self.cleaned_data["new_due_at"]
        if timezone.is_naive(value):  # pragma: no cover - USE_TZ makes the field aware
            value = timezone.make_aware(value)
        return value


class ReceiveOnlineForm(forms.Form):
    expected_status = forms.CharField(required=False, widget=forms.HiddenInput)


# ---- intake -------------------------------------------------------------------------------------
OUTCOME_RECEIVE = "receive"
OUTCOME_GUIDANCE = DeskSlip.Kind.GUIDANCE.value
OUTCOME_REFUSAL = DeskSlip.Kind.REFUSAL.value

# Service error keys -> intake form fields.
INTAKE_FIELD_MAP = {"components": "__all__", "items": "extra_items", "kind": "__all__"}


def default_copy_kind(component: DocumentComponent) -> str:
    if component.form == ComponentForm.COPY:
        return RecordComponent.CopyKind.COPY
    return RecordComponent.CopyKind.ORIGINAL


class IntakeForm(forms.Form):
    """The dossier at the desk: procedure, applicant, channel, return method and the checklist
    of the procedure version's documents (one group of fields per document, built from the
    version: ``c<pk>_submitted``, ``c<pk>_copy_kind``, ``c<pk>_quantity``, ``c<pk>_file``)."""

    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=Procedure.objects.none(),
        empty_label=_("— choose the procedure —"),
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    handling_agency = forms.ModelChoiceField(
        label=_("Settling agency"),
        queryset=Agency.objects.none(),
        required=False,
        empty_label=_("— choose —"),
    )
    applicant_kind = forms.ChoiceField(
        label=_("Applicant"),
        choices=ApplicantKind.choices,
        initial=ApplicantKind.PERSON,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(label=_("Full name / organisation name"), max_length=200)
    applicant_id_number = forms.CharField(
        label=_("ID number / tax code"), max_length=20, required=False
    )
    applicant_phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    applicant_email = forms.CharField(
        label=_("E-mail"), max_length=254, required=False, widget=forms.EmailInput
    )
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    representative_name = forms.CharField(
        label=_("Authorised representative"), max_length=200, required=False
    )
    representative_id_number = forms.CharField(
        label=_("Representative's ID number"), max_length=20, required=False
    )
    representative_phone = forms.CharField(
        label=_("Representative's phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    subject = forms.CharField(label=_("Content of the request"), max_length=500, required=False)
    sets = forms.IntegerField(label=_("Number of sets"), min_value=1, max_value=50, initial=1)
    channel = forms.ChoiceField(
        label=_("Received"),
        choices=[
            (Channel.DIRECT.value, Channel.DIRECT.label),
            (Channel.POSTAL.value, Channel.POSTAL.label),
        ],
        initial=Channel.DIRECT.value,
        widget=forms.RadioSelect,
    )
    return_method = forms.ChoiceField(
        label=_("How the result is returned"),
        choices=ReturnMethod.choices,
        initial=ReturnMethod.DESK,
    )
    outcome = forms.ChoiceField(
        choices=[
            (OUTCOME_RECEIVE, _("Receive the dossier")),
            (OUTCOME_GUIDANCE, _("Issue the guidance slip (Form 02)")),
            (OUTCOME_REFUSAL, _("Issue the refusal slip (Form 03)")),
        ],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(
        label=_("Reason (slips)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Required for the refusal slip; for the guidance slip, explains what to complete."
        ),
    )
    extra_items = forms.CharField(
        label=_("Other documents to complete (guidance slip)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "One per line; the documents not ticked in the checklist are listed automatically."
        ),
    )

    def __init__(
        self,
        *args: Any,
        procedures: Any,
        version: ProcedureVersion | None,
        components: list[DocumentComponent] | None = None,
        handling_agencies: list[Agency] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures  # type: ignore[attr-defined]
        self.fields["procedure"].label_from_instance = lambda p: f"{p.code} — {p.name}"  # type: ignore[attr-defined]
        self.version_obj = version
        self.components = components or []
        self.needs_handling_agency = bool(handling_agencies)
        if handling_agencies:
            handling_field = self.fields["handling_agency"]
            if isinstance(handling_field, forms.ModelChoiceField):
                handling_field.queryset = Agency.objects.filter(
                    pk__in=[a.pk for a in handling_agencies]
                )
            self.fields["handling_agency"].required = True
        for component in self.components:
            prefix = f"c{component.pk}_"
            self.fields[prefix + "submitted"] = forms.BooleanField(
                required=False, label=component.name
            )
            self.fields[prefix + "copy_kind"] = forms.ChoiceField(
                label=_("Form"),
                choices=RecordComponent.CopyKind.choices,
                initial=default_copy_kind(component),
            )
            self.fields[prefix + "quantity"] = forms.IntegerField(
                label=_("Quantity"), min_value=1, max_value=100, initial=component.quantity
            )
            self.fields[prefix + "file"] = ScanField(label=_("Scan"), required=False)

    # The checklist rows for the template: (component, submitted, copy kind, quantity, file).
    def checklist(self) -> list[dict[str, Any]]:
        rows = []
        for component in self.components:
            prefix = f"c{component.pk}_"
            rows.append(
                {
                    "component": component,
                    "submitted": self[prefix + "submitted"],
                    "copy_kind": self[prefix + "copy_kind"],
                    "quantity": self[prefix + "quantity"],
                    "file": self[prefix + "file"],
                }
            )
        return rows

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        posted_version = data.get("version")
        if (
            self.version_obj is not None
            and posted_version
            and posted_version != self.version_obj.pk
        ):
            raise ValidationError(
                _(
                    "The procedure was updated since this form was opened: check the document checklist again."
                ),
                code="stale_version",
            )
        outcome = data.get("outcome")
        if outcome == OUTCOME_REFUSAL and not (data.get("reason") or "").strip():
            self.add_error("reason", _("State why the dossier is refused (Form 03)."))
        if outcome == OUTCOME_GUIDANCE and not self.missing_items(data):
            self.add_error(
                "extra_items",
                _(
                    "Every document is ticked: untick the missing ones or list what must be completed."
                ),
            )
        return data

    def submitted_components(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        result = []
        for component in self.components:
            prefix = f"c{component.pk}_"
            if data.get(prefix + "submitted"):
                result.append(
                    {
                        "component": component,
                        "copy_kind": data.get(prefix + "copy_kind") or default_copy_kind(component),
                        "quantity": data.get(prefix + "quantity") or 1,
                        "file": data.get(prefix + "file") or None,
                    }
                )
        return result

    def missing_items(self, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Form 02 rows: the documents not ticked, then the extra lines."""
        items = []
        for component in self.components:
            if not data.get(f"c{component.pk}_submitted"):
                items.append(
                    {
                        "name": component.name,
                        "form": component.get_form_display(),
                        "quantity": component.quantity,
                    }
                )
        return items + items_from_lines(data.get("extra_items") or "")
