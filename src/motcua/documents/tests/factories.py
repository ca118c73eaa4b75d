"""Test helpers for documents: the demo PKI on the records test world, a procedure that
requires a signed result, records walked to approval, and PDF checks."""

from __future__ import annotations

import io
from decimal import Decimal

from motcua.catalogue import services as catalogue
from motcua.catalogue.content import ComponentContent, StepContent, VersionContent
from motcua.catalogue.models import Field, Procedure
from motcua.documents.demo import demo_load_pki
from motcua.organisations.models import Role
from motcua.records import services as records
from motcua.records.tests.factories import World, applicant, at, receive, travel

LEGAL_BASIS = "Luật Lý lịch tư pháp năm 2009\nNghị định số 111/2010/NĐ-CP"


def signed_procedure(
    world: World, *, code: str = "2.000999", requires_signed_result: bool = True
) -> Procedure:
    """A certificate procedure (three steps) whose result must be digitally signed."""
    procedure = catalogue.procedure_create(
        actor=world.admin,
        code=code,
        name="Thủ tục ký số",
        field=Field.objects.get(code="LLTP"),
    )
    content = VersionContent(
        name="Cấp Phiếu lý lịch tư pháp (ký số)",
        implementing_agencies=(world.justice.code,),
        duration_value=Decimal(10),
        result_type="certificate",
        requires_signed_result=requires_signed_result,
        legal_basis=LEGAL_BASIS,
        components=(ComponentContent("TK", "Tờ khai", "original", 1, True),),
        steps=(
            StepContent(
                "Tiếp nhận", "MC", Role.RECEPTION, Decimal(4), "Đã tiếp nhận", world.justice.code
            ),
            StepContent(
                "Thẩm định",
                "LLTP",
                Role.SPECIALIST,
                Decimal(24),
                "Đang thẩm định",
                world.justice.code,
            ),
            StepContent(
                "Phê duyệt",
                "LD",
                Role.AGENCY_LEADER,
                Decimal(8),
                "Đang phê duyệt",
                world.justice.code,
            ),
        ),
    )
    version = catalogue.version_create_draft(
        actor=world.admin, procedure=procedure, content=content
    )
    catalogue.version_publish(
        actor=world.admin, version=version, effective_from=at("2020-01-01 00:00")
    )
    return procedure


def approved_record(world: World, procedure: Procedure, *, id_number: str = "001190012345"):  # type: ignore[no-untyped-def]
    """Received, examined, forwarded to the leader and approved (the result step is active)."""
    with travel("2025-04-21 08:00"):
        record = receive(world, procedure, applicant=applicant(id_number=id_number))
    with travel("2025-04-22 08:00"):
        records.step_claim(actor=world.specialist, record=record)
        records.step_forward(actor=world.specialist, record=record, assignee=world.leader)
        record = records.record_approve(actor=world.leader, record=record)
    return record


def load_pki() -> None:
    demo_load_pki()


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
