"""The result-return QR card: a half-page slip handed over with the result, whose QR code opens
the evaluation form of the record (``selectors.evaluation_url``). Printed in Vietnamese like every
form (records/documents/texts.py explains why the wording is not translated)."""

from __future__ import annotations

from motcua.core.errors import Conflict
from motcua.evaluation.selectors import evaluation_url
from motcua.records.documents.common import start
from motcua.records.documents.formatting import clean, time_date
from motcua.records.models import Record

TITLE = "PHIẾU ĐÁNH GIÁ MỨC ĐỘ HÀI LÒNG"
SUBTITLE = "về việc tiếp nhận, giải quyết và trả kết quả thủ tục hành chính"
INVITE = (
    "Kính mời Ông/Bà quét mã QR dưới đây bằng điện thoại để đánh giá chất lượng giải quyết hồ sơ. "
    "Ý kiến của Ông/Bà giúp cơ quan phục vụ tốt hơn."
)
RECORD_CODE = "Mã hồ sơ"
PROCEDURE = "Thủ tục"
RETURNED = "Thời gian trả kết quả"
QR_CAPTION = "Quét mã QR để đánh giá"
QR_SIZE = 55.0


def evaluation_card_pdf(record: Record) -> bytes:
    if record.code is None or record.received_at is None:
        raise Conflict("Hồ sơ chưa được tiếp nhận: chưa có phiếu đánh giá.", code="not_received")
    pdf = start(TITLE, agency=record.handling_agency, number=None, dated=None)
    pdf.form_title(TITLE)
    pdf.centered(SUBTITLE, width=pdf.content_width, x=pdf.l_margin, style="I")
    pdf.ln(3)
    pdf.field(RECORD_CODE, clean(record.code), bold=True)
    pdf.field(PROCEDURE, clean(record.procedure_version.name))
    if record.returned_at or record.finished_at:
        pdf.field(RETURNED, time_date(record.returned_at or record.finished_at))
    pdf.paragraph(INVITE)
    x = (pdf.w - QR_SIZE) / 2
    top = pdf.get_y() + 2
    pdf.qr(evaluation_url(record), x=x, y=top, size=QR_SIZE)
    pdf.set_y(top + QR_SIZE + 1)
    pdf.centered(QR_CAPTION, width=pdf.content_width, x=pdf.l_margin, style="B")
    return pdf.output_bytes()
