"""Result documents (decision, certificate, permit) as PDF/A-2b, from the procedure version's
result type: record code, result code, legal basis and a QR code to the verification page.

The signature area is left free at the bottom of the last page: ``signing.SIGNER_BOX`` is where
the leader's signature and the seal appear when the document is signed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.conf import settings

from motcua.documents import texts

COMPLIANCE = "PDF/A-2B"
QR_SIZE = 28.0


@dataclass(frozen=True)
class ResultContent:
    kind: str
    title: str
    result_code: str
    content: str
    signer_title: str
    signer_name: str


def verification_url(result_code: str) -> str:
    base = settings.MOTCUA_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}/xac-minh/{quote(result_code)}"


def default_content(record: Any) -> str:
    return texts.DEFAULT_CONTENT.format(
        applicant=record.applicant_name,
        id_label=texts.ID_LABEL,
        id_number=record.applicant_id_number or "—",
        record=record.code or "",
    )


def render(record: Any, content: ResultContent) -> bytes:
    """The PDF bytes of a result document (one or more A4 pages, PDF/A-2b)."""
    # Lazy imports: documents never imports records at module level (see documents/__init__).
    from motcua.records.documents.formatting import (
        agency_heading,
        agency_place,
        clean,
        local,
        long_date,
    )
    from motcua.records.documents.layout import SMALL_SIZE, FormPDF
    from motcua.records.documents.texts import NUMBER_BLANK

    version = record.procedure_version
    agency = record.handling_agency
    pdf = FormPDF(title=content.title, compliance=COMPLIANCE)
    pdf.set_subject(content.result_code)
    pdf.set_author(clean(agency.name))
    upper, name = agency_heading(agency)
    from django.utils import timezone

    place_date = f"{agency_place(agency)}, {long_date(local(timezone.now()).date())}"
    pdf.admin_header(upper=upper, agency=name, number=NUMBER_BLANK, place_date=place_date)
    pdf.form_title(
        texts.TITLES.get(content.kind, texts.TITLES["other"]),
        subtitle=texts.SUBJECT.get(content.kind, texts.SUBJECT["other"]).format(
            procedure=clean(version.name)
        ),
    )
    qr_top = pdf.get_y()
    qr_x = pdf.w - pdf.r_margin - QR_SIZE
    pdf.qr(verification_url(content.result_code), x=qr_x, y=qr_top, size=QR_SIZE)
    pdf.set_xy(qr_x - 6, qr_top + QR_SIZE)
    pdf.use("I", SMALL_SIZE - 2)
    pdf.multi_cell(QR_SIZE + 12, 3.4, texts.QR_HINT, align="C")
    qr_bottom = pdf.get_y()
    pdf.set_xy(pdf.l_margin, qr_top)
    pdf.set_right_margin(pdf.r_margin + QR_SIZE + 4)
    pdf.field(texts.RESULT_CODE, content.result_code, bold=True)
    pdf.field(texts.RECORD_CODE, clean(record.code), bold=True)
    pdf.field(texts.APPLICANT, clean(record.applicant_name))
    pdf.set_right_margin(pdf.r_margin - QR_SIZE - 4)
    pdf.set_y(max(pdf.get_y(), qr_bottom) + 2)
    pdf.paragraph(texts.BASIS_HEADING, style="B")
    basis = [line.strip() for line in (version.legal_basis or "").splitlines() if line.strip()]
    for line in basis or [texts.BASIS_NONE]:
        pdf.paragraph(f"- {line}", style="I")
    pdf.ln(2)
    pdf.centered(
        texts.DECIDES.get(content.kind, texts.DECIDES["other"]),
        width=pdf.content_width,
        x=pdf.l_margin,
        style="B",
    )
    pdf.ln(1)
    pdf.paragraph(texts.ARTICLE_1.format(content=clean(content.content)), after=1)
    pdf.paragraph(texts.ARTICLE_2, after=2)
    if getattr(version, "is_illustrative", False) or settings.MOTCUA_DEMO_DATA:
        pdf.paragraph(texts.DEMO_NOTE, style="I", size=SMALL_SIZE)
    # Signature block: title at the right; the space below is left for the signature stamps
    # (signing.SIGNER_BOX, 180 x 80 pt with its top at 190 pt from the bottom of the page).
    pdf.ensure_space(95)
    block_x = pdf.l_margin + pdf.content_width / 2
    pdf.set_y(max(pdf.get_y() + 4, pdf.h - 95))
    for line in content.signer_title.split("\n"):
        pdf.centered(line, width=pdf.content_width / 2, x=block_x, style="B")
    pdf.set_y(pdf.h - 38)
    pdf.centered(content.signer_name, width=pdf.content_width / 2, x=block_x, style="B")
    pdf.set_y(pdf.get_y())
    return pdf.output_bytes()
