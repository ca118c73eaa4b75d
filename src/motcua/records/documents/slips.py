"""Form 02 (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ) and Form 03 (Phiếu từ chối tiếp nhận giải
quyết hồ sơ): for dossiers not received at the desk (DeskSlip), for supplement requests during
processing (SupplementRound) and for refused online submissions (Record)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.records.documents import texts
from motcua.records.documents.common import agency_related, desk_name, start
from motcua.records.documents.formatting import (
    clean,
    copy_kind,
    person,
    printed_phone,
    short_date,
)
from motcua.records.documents.layout import Signature
from motcua.records.models import DeskSlip, EventKind, Record, SupplementRound
from motcua.records.workflow import Status


@dataclass
class _Slip:
    agency: Any
    number: str
    issued_at: datetime
    applicant_name: str
    address: str
    phone: str
    email: str
    subject: str
    reason: str
    officer: Any
    items: list[dict[str, Any]] = field(default_factory=list)
    record_code: str = ""
    portal_code: str = ""
    processing_note: str = ""
    applicant_present: bool = True


def _identification(pdf: Any, slip: _Slip, desk: str, *, applicant_label: str) -> None:
    pdf.field(texts.RECEIVING_UNIT, f"{desk}, {clean(slip.agency.name)}")
    if slip.record_code:
        pdf.field(texts.RECORD_CODE, slip.record_code, bold=True)
    if slip.portal_code:
        pdf.field(texts.PORTAL_CODE, slip.portal_code, bold=True)
    pdf.field(applicant_label, slip.applicant_name, bold=True)
    pdf.field(texts.ADDRESS, slip.address)
    pdf.fields_inline([(texts.PHONE, slip.phone), (texts.EMAIL, slip.email)])
    pdf.field(texts.REQUEST_CONTENT, slip.subject)


def _item_form(item: dict[str, Any]) -> str:
    return copy_kind(str(item.get("form") or "")) or texts.GUIDANCE_FORM_BLANK


def _render_guidance(slip: _Slip) -> bytes:
    desk = desk_name(slip.agency)
    pdf = start(texts.GUIDANCE_TITLE, agency=slip.agency, number=slip.number, dated=slip.issued_at)
    pdf.form_title(texts.GUIDANCE_TITLE)
    _identification(pdf, slip, desk, applicant_label=texts.APPLICANT_DOSSIER_OF)
    if slip.processing_note:
        pdf.paragraph(slip.processing_note)
    pdf.paragraph(texts.GUIDANCE_INTRO)
    pdf.grid(
        texts.DOCS_HEADINGS,
        [
            (
                str(index),
                str(item.get("name", "")),
                _item_form(item),
                str(item.get("quantity") or 1),
            )
            for index, item in enumerate(slip.items, start=1)
        ],
        widths=(10, 90, 50, 20),
        aligns=("C", "L", "C", "C"),
    )
    pdf.ln(1)
    pdf.field(texts.REASON, slip.reason)
    phone = clean(getattr(slip.officer, "phone", "") or slip.agency.phone)
    pdf.paragraph(
        texts.GUIDANCE_CONTACT.format(
            officer=person(slip.officer) or desk,
            phone=texts.GUIDANCE_CONTACT_PHONE.format(phone=phone) if phone else "",
        )
    )
    pdf.signatures([Signature(texts.GUIDANCE_SIGNER, person(slip.officer))])
    return pdf.output_bytes()


def _render_refusal(slip: _Slip) -> bytes:
    desk = desk_name(slip.agency)
    pdf = start(texts.REFUSAL_TITLE, agency=slip.agency, number=slip.number, dated=slip.issued_at)
    pdf.form_title(texts.REFUSAL_TITLE)
    _identification(pdf, slip, desk, applicant_label=texts.APPLICANT_RECEIVED_FROM)
    pdf.paragraph(texts.REFUSAL_BODY.format(unit=f"{desk}, {clean(slip.agency.name)}"))
    pdf.paragraph(slip.reason, style="B")
    pdf.paragraph(texts.REFUSAL_CLOSING)
    blocks = [Signature(texts.REFUSAL_SIGNER, person(slip.officer))]
    if slip.applicant_present:
        blocks.insert(0, Signature(texts.RECEIPT_SIGNER_APPLICANT, slip.applicant_name))
    pdf.signatures(blocks)
    return pdf.output_bytes()


def _from_desk_slip(slip: DeskSlip, kind: str) -> _Slip:
    slip = DeskSlip.objects.select_related(
        *agency_related("agency"), "issued_by", "procedure_version"
    ).get(pk=slip.pk)
    if slip.kind != kind:
        raise Conflict(
            _("This slip is a “%(kind)s”: it cannot be printed as another form.")
            % {"kind": slip.get_kind_display()},
            code="wrong_kind",
        )
    return _Slip(
        agency=slip.agency,
        number=clean(slip.number),
        issued_at=slip.issued_at,
        applicant_name=clean(slip.applicant_name),
        address=clean(slip.applicant_address),
        phone=clean(slip.applicant_phone),
        email=clean(slip.applicant_email),
        subject=clean(slip.subject or slip.procedure_version.name),
        reason=clean(slip.reason),
        officer=slip.issued_by,
        items=list(slip.items or []),
    )


def guidance_slip_pdf(slip: DeskSlip) -> bytes:
    """Form 02 for a dossier not received because it is incomplete."""
    return _render_guidance(_from_desk_slip(slip, DeskSlip.Kind.GUIDANCE))


def refusal_slip_pdf(slip: DeskSlip) -> bytes:
    """Form 03 for a dossier refused at the desk."""
    return _render_refusal(_from_desk_slip(slip, DeskSlip.Kind.REFUSAL))


def desk_slip_pdf(slip: DeskSlip) -> bytes:
    """Form 02 or Form 03, whichever the slip is."""
    if slip.kind == DeskSlip.Kind.GUIDANCE:
        return guidance_slip_pdf(slip)
    return refusal_slip_pdf(slip)


def supplement_request_pdf(round_: SupplementRound, *, full: bool = True) -> bytes:
    """Form 02 for a supplement requested during processing (the record keeps its code);
    ``full=False``: the applicant's phone masked."""
    round_ = SupplementRound.objects.select_related(
        *agency_related("record__agency"), "record__procedure_version", "requested_by", "step__unit"
    ).get(pk=round_.pk)
    record = round_.record
    desk = desk_name(record.agency)
    unit = clean(round_.step.unit.name) if round_.step is not None else clean(record.agency.name)
    return _render_guidance(
        _Slip(
            agency=record.agency,
            number=f"{texts.NUMBER_BLANK}/{texts.SUFFIX_GUIDANCE}",
            issued_at=round_.requested_at,
            applicant_name=clean(record.applicant_name),
            address=clean(record.applicant_address),
            phone=printed_phone(record.applicant_phone, full=full),
            email=clean(record.applicant_email),
            subject=clean(record.subject or record.procedure_version.name),
            reason=clean(round_.reason),
            officer=round_.requested_by,
            items=list(round_.items or []),
            record_code=clean(record.code),
            processing_note=texts.GUIDANCE_DURING_PROCESSING.format(
                received=short_date(record.received_at), unit=unit, round=round_.number, desk=desk
            ),
        )
    )


def refusal_notice_pdf(record: Record, *, full: bool = True) -> bytes:
    """Form 03 for an online submission the desk refused (reason: ``record.stop_reason``);
    ``full=False``: the applicant's phone masked."""
    record = Record.objects.select_related(*agency_related("agency"), "procedure_version").get(
        pk=record.pk
    )
    if record.status != Status.REFUSED:
        raise Conflict(
            _("This record was not refused: there is no refusal slip."), code="not_refused"
        )
    event = (
        record.events.filter(kind=EventKind.REFUSED)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    return _render_refusal(
        _Slip(
            agency=record.agency,
            number=f"{texts.NUMBER_BLANK}/{texts.SUFFIX_REFUSAL}",
            issued_at=event.at if event is not None else record.updated_at,
            applicant_name=clean(record.applicant_name),
            address=clean(record.applicant_address),
            phone=printed_phone(record.applicant_phone, full=full),
            email=clean(record.applicant_email),
            subject=clean(record.subject or record.procedure_version.name),
            reason=clean(record.stop_reason),
            officer=event.actor if event is not None else None,
            portal_code=clean(record.external_code),
            applicant_present=False,
        )
    )
