"""Letters from the settling agency to the applicant: the apology with a request for more time
(Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết) and the notice that processing stopped
(Thông báo dừng giải quyết hồ sơ)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.records.documents import texts
from motcua.records.documents.common import agency_related, desk_name, start
from motcua.records.documents.formatting import clean, person, short_date, time_date
from motcua.records.documents.layout import SMALL_SIZE, FormPDF
from motcua.records.models import EventKind, Extension, Record
from motcua.records.workflow import Status

RECIPIENTS = "Nơi nhận:"
RECIPIENT_APPLICANT = "- Ông/Bà/Tổ chức {name};"
RECIPIENT_DESK = "- {desk} (để trả cho người nộp hồ sơ);"
RECIPIENT_FILE = "- Lưu: hồ sơ {code}."


def _para(pdf: FormPDF, text: str, **options: Any) -> None:
    """A letter paragraph, a little apart from the next one."""
    pdf.paragraph(text, after=1.5, **options)


def _addressee(pdf: FormPDF, record: Record) -> None:
    pdf.centered(
        f"{texts.TO}: Ông/Bà/Tổ chức {clean(record.applicant_name)}",
        width=pdf.content_width,
        x=pdf.l_margin,
        style="B",
    )
    if record.applicant_address:
        pdf.centered(
            f"({texts.ADDRESS}: {clean(record.applicant_address)})",
            width=pdf.content_width,
            x=pdf.l_margin,
        )
    pdf.ln(3)


def _closing(pdf: FormPDF, record: Record, *, signer: str, prepared_by: Any) -> None:
    """ "Nơi nhận" at the left, the head of the agency's signature at the right."""
    pdf.ensure_space(60)
    pdf.ln(4)
    top = pdf.get_y()
    half = pdf.content_width / 2
    pdf.set_xy(pdf.l_margin, top)
    pdf.use("B", SMALL_SIZE + 1)
    pdf.cell(half, 5, RECIPIENTS, new_x="LMARGIN", new_y="NEXT")
    pdf.use("", SMALL_SIZE)
    for line in (
        RECIPIENT_APPLICANT.format(name=clean(record.applicant_name)),
        RECIPIENT_DESK.format(desk=desk_name(record.agency)),
        RECIPIENT_FILE.format(code=clean(record.code)),
    ):
        pdf.set_x(pdf.l_margin)
        pdf.multi_cell(half - 4, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    if prepared_by is not None:
        pdf.set_x(pdf.l_margin)
        pdf.use("I", SMALL_SIZE)
        pdf.multi_cell(
            half - 4,
            4.5,
            texts.APOLOGY_ISSUED_BY.format(name=person(prepared_by)),
            new_x="LMARGIN",
            new_y="NEXT",
        )
    left_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin + half, top)
    pdf.centered(signer, width=half, x=pdf.l_margin + half, style="B")
    pdf.centered(
        texts.SIGN_HINT_SEAL, width=half, x=pdf.l_margin + half, style="I", size=SMALL_SIZE + 1
    )
    pdf.set_y(max(left_bottom, pdf.get_y() + 24))
    pdf.use()


def extension_pdf(extension: Extension) -> bytes:
    """The apology and new appointment of one extension."""
    extension = Extension.objects.select_related(
        *agency_related("record__handling_agency"),
        *agency_related("record__agency"),
        "record__procedure_version",
        "issued_by",
    ).get(pk=extension.pk)
    record = extension.record
    agency = record.handling_agency
    agency_name = clean(agency.name)
    pdf = start(
        texts.APOLOGY_TITLE, agency=agency, number=texts.NUMBER_BLANK, dated=extension.issued_at
    )
    pdf.form_title(texts.APOLOGY_TITLE)
    _addressee(pdf, record)
    _para(
        pdf,
        texts.APOLOGY_BODY.format(
            received=short_date(record.received_at),
            agency=agency_name,
            procedure=clean(record.procedure_version.name),
            applicant=clean(record.applicant_name),
            code=clean(record.code),
        ),
    )
    _para(pdf, texts.APOLOGY_PREVIOUS.format(at=time_date(extension.previous_due_at)))
    _para(pdf, texts.APOLOGY_REASON.format(agency=agency_name, reason=clean(extension.reason)))
    _para(
        pdf,
        texts.APOLOGY_TEXT.format(agency=agency_name, at=time_date(extension.new_due_at)),
        style="B",
    )
    _para(pdf, texts.APOLOGY_THANKS)
    _closing(pdf, record, signer=texts.APOLOGY_SIGNER, prepared_by=extension.issued_by)
    return pdf.output_bytes()


def stop_notice_pdf(record: Record) -> bytes:
    """The notice that processing of a record stopped (reason: ``record.stop_reason``)."""
    record = Record.objects.select_related(
        *agency_related("handling_agency"), *agency_related("agency"), "procedure_version"
    ).get(pk=record.pk)
    if record.status != Status.STOPPED:
        raise Conflict(_("Processing of this record has not been stopped."), code="not_stopped")
    event = (
        record.events.filter(kind=EventKind.STOPPED)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    stopped_at: datetime = (
        event.at if event is not None else (record.finished_at or record.updated_at)
    )
    agency = record.handling_agency
    pdf = start(texts.STOP_TITLE, agency=agency, number=texts.NUMBER_BLANK, dated=stopped_at)
    pdf.form_title(texts.STOP_TITLE)
    _addressee(pdf, record)
    _para(
        pdf,
        texts.STOP_BODY.format(
            agency=clean(agency.name),
            procedure=clean(record.procedure_version.name),
            applicant=clean(record.applicant_name),
            code=clean(record.code),
            received=short_date(record.received_at),
        ),
    )
    _para(pdf, texts.STOP_REASON.format(reason=clean(record.stop_reason)), style="B")
    _para(pdf, texts.STOP_CLOSING)
    _closing(
        pdf,
        record,
        signer=texts.STOP_SIGNER,
        prepared_by=event.actor if event is not None else None,
    )
    return pdf.output_bytes()
