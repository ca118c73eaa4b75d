"""Form 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from motcua.core.errors import Conflict
from motcua.records.documents import texts
from motcua.records.documents.common import agency_related, desk_name, start
from motcua.records.documents.formatting import (
    clean,
    copy_kind,
    duration,
    local,
    money,
    person,
    printed_phone,
    time_date,
)
from motcua.records.documents.layout import LINE, SMALL_SIZE, Signature
from motcua.records.models import Record, ReturnMethod
from motcua.records.selectors import public_lookup_url

QR_SIZE = 30.0
QR_COLUMN = 42.0


def _return_place(record: Record, desk: str) -> str:
    if record.return_method == ReturnMethod.POSTAL:
        return texts.RETURN_BY_POST.format(address=clean(record.applicant_address))
    if record.return_method == ReturnMethod.ELECTRONIC:
        return texts.RETURN_ELECTRONIC
    return texts.RETURN_AT_DESK.format(desk=desk, agency=clean(record.agency.name))


def receipt_pdf(record: Record, *, full: bool = True) -> bytes:
    """The receipt of a received record, with a QR code carrying its public lookup URL.

    ``full=False`` (``masking.sees_full_record`` is false for the user printing it): the phone is
    masked and the QR code carries the code without the lookup secret."""
    record = (
        Record.objects.select_related(
            *agency_related("agency"), "procedure_version", "received_by", "handling_agency"
        )
        .prefetch_related("components", "fees")
        .get(pk=record.pk)
    )
    if record.code is None or record.received_at is None:
        raise Conflict(
            _("This record has not been received yet: it has no receipt."), code="not_received"
        )
    desk = desk_name(record.agency)
    version = record.procedure_version
    pdf = start(
        texts.RECEIPT_TITLE,
        agency=record.agency,
        number=f"{record.book_number or texts.NUMBER_BLANK}/{texts.SUFFIX_RECEIPT}",
        dated=record.received_at,
    )
    pdf.form_title(texts.RECEIPT_TITLE)

    # The QR code sits at the right of the identification lines, which wrap before it.
    qr_top = pdf.get_y()
    qr_x = pdf.w - pdf.r_margin - QR_COLUMN + (QR_COLUMN - QR_SIZE) / 2
    pdf.qr(public_lookup_url(record, with_secret=full), x=qr_x, y=qr_top, size=QR_SIZE)
    pdf.set_xy(pdf.w - pdf.r_margin - QR_COLUMN, qr_top + QR_SIZE)
    pdf.use("I", SMALL_SIZE - 1)
    pdf.multi_cell(
        QR_COLUMN, 3.6, texts.RECEIPT_QR if full else texts.RECEIPT_QR_CODE_ONLY, align="C"
    )
    qr_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin, qr_top)
    pdf.set_right_margin(pdf.r_margin + QR_COLUMN + 2)
    pdf.field(texts.RECORD_CODE, clean(record.code), bold=True)
    pdf.field(texts.RECEIVING_UNIT, f"{desk}, {clean(record.agency.name)}")
    pdf.field(texts.APPLICANT_RECEIVED_FROM, clean(record.applicant_name), bold=True)
    pdf.field(texts.ADDRESS, clean(record.applicant_address))
    pdf.field(texts.PHONE, printed_phone(record.applicant_phone, full=full))
    pdf.field(texts.EMAIL, clean(record.applicant_email))
    pdf.set_right_margin(pdf.r_margin - QR_COLUMN - 2)
    pdf.set_y(max(pdf.get_y(), qr_bottom + 1))
    pdf.field(texts.REQUEST_CONTENT, clean(record.subject or version.name))

    pdf.paragraph(texts.RECEIPT_DOCS)
    components = list(record.components.all())
    if components:
        pdf.grid(
            texts.DOCS_HEADINGS,
            [
                (str(index), c.name, copy_kind(c.copy_kind), str(c.quantity))
                for index, c in enumerate(components, start=1)
            ],
            widths=(10, 90, 50, 20),
            aligns=("C", "L", "C", "C"),
        )
        pdf.ln(1)
    else:
        pdf.paragraph(texts.RECEIPT_NO_DOCS, style="I")
    pdf.paragraph(texts.RECEIPT_SETS.format(sets=record.sets))
    pdf.paragraph(
        texts.RECEIPT_DURATION.format(
            duration=duration(version.duration_value, version.duration_unit)
        )
    )
    pdf.paragraph(texts.RECEIPT_RECEIVED.format(at=time_date(record.received_at)))
    pdf.set_x(pdf.l_margin)
    pdf.write(LINE, texts.RECEIPT_APPOINTMENT.format(at=""))
    pdf.use("B")
    pdf.write(LINE, time_date(record.due_at))
    pdf.use()
    pdf.ln(LINE)
    pdf.paragraph(texts.RECEIPT_RETURN_AT.format(place=_return_place(record, desk)))
    fees = list(record.fees.all())
    if record.fees_due:
        detail = "; ".join(f"{clean(f.name)}: {money(f.amount)}" for f in fees)
        amount = money(record.fees_due) + (f" ({detail})" if detail else "")
    else:
        amount = texts.RECEIPT_NO_FEES
    pdf.paragraph(texts.RECEIPT_FEES.format(amount=amount))
    pdf.ln(1)
    pdf.paragraph(
        texts.RECEIPT_BOOK.format(
            book=local(record.received_at).year if record.book_number else texts.NUMBER_BLANK,
            number=record.book_number or texts.NUMBER_BLANK,
        ),
        style="I",
    )
    pdf.signatures(
        [
            Signature(texts.RECEIPT_SIGNER_APPLICANT, clean(record.applicant_name)),
            Signature(texts.RECEIPT_SIGNER_OFFICER, person(record.received_by)),
        ]
    )
    return pdf.output_bytes()
