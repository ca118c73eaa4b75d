"""Helpers for the printed-form tests: records walked through the services, and readers that
take a PDF apart (text, embedded fonts, rendered image, QR codes)."""

from __future__ import annotations

import io
from typing import Any

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from motcua.records import services
from motcua.records.tests.factories import World, receive, travel


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def pdf_pages(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def fonts(data: bytes) -> dict[str, bool]:
    """Every font the PDF uses, by base name, and whether its program is embedded."""
    reader = PdfReader(io.BytesIO(data))
    found: dict[str, bool] = {}
    for page in reader.pages:
        resources = page["/Resources"].get_object()
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for target in targets:
                descriptor = target.get("/FontDescriptor")
                embedded = descriptor is not None and any(
                    key in descriptor.get_object()
                    for key in ("/FontFile", "/FontFile2", "/FontFile3")
                )
                found[str(target["/BaseFont"])] = embedded
    return found


def assert_fonts_embedded(data: bytes) -> None:
    used = fonts(data)
    assert used, "the PDF uses no font"
    assert all(used.values()), f"fonts not embedded: {[n for n, e in used.items() if not e]}"


def render(data: bytes, *, page: int = 0, scale: float = 2.0) -> Any:
    """A page as a PIL image (scale 2 = 144 dpi)."""
    document = pypdfium2.PdfDocument(data)
    try:
        return document[page].render(scale=scale).to_pil()
    finally:
        document.close()


def qr_codes(image: Any) -> list[str]:
    return [
        result.text
        for result in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def walk_forward_supplement_approve(world: World) -> Any:
    """Receive, forward desk → LLTP → police → LLTP, ask for a supplement on the way, receive
    it, ask the police for an opinion, then approve, mark the result ready and return it."""
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-22 08:00"):
        services.step_claim(actor=world.specialist, record=record)
    with travel("2025-04-22 10:00"):
        services.supplement_request(
            actor=world.specialist,
            record=record,
            reason="Thiếu bản chụp Căn cước công dân",
            items=[{"name": "Bản chụp Căn cước công dân", "form": "copy", "quantity": 1}],
        )
    with travel("2025-04-24 14:00"):
        services.supplement_receive(actor=world.reception, record=record)
    with travel("2025-04-25 09:00"):
        services.step_forward(actor=world.specialist, record=record, assignee=world.police_officer)
    with travel("2025-04-25 11:00"):
        services.step_forward(actor=world.police_officer, record=record)
    with travel("2025-04-28 08:00"):
        services.step_claim(actor=world.unit_head, record=record)
        services.step_request_opinion(
            actor=world.unit_head,
            record=record,
            unit=world.hsnv,
            question="Đề nghị xác minh án tích",
        )
    with travel("2025-04-28 10:00"):
        opinion = record.steps.get(kind="opinion")
        services.step_give_opinion(
            actor=world.police_officer, opinion=opinion, answer="Không có án tích"
        )
    with travel("2025-04-28 13:30"):
        services.step_forward(actor=world.unit_head, record=record, assignee=world.leader)
    with travel("2025-04-28 15:00"):
        services.record_approve(actor=world.leader, record=record)
    with travel("2025-04-29 08:00"):
        services.record_mark_result_ready(actor=world.reception, record=record)
    with travel("2025-04-29 09:00"):
        services.record_return_result(actor=world.reception, record=record, method="desk")
    record.refresh_from_db()
    return record
