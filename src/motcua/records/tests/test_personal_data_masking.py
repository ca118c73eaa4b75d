"""Applicants' ID numbers and phones: masked in lists and exports, in clear on the record page
for the agency's officers, every view of the record page logged (Decree 13/2023)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook

from motcua.audit.models import AuditEntry
from motcua.records import services
from motcua.records.documents import tracking_book_xlsx
from motcua.records.masking import Place, mask_id_number, mask_phone, sees_full
from motcua.records.tests.factories import applicant, receive, travel
from motcua.records.tests.factories_ui import client_for

ID_NUMBER = "001190012345"  # the factories' applicant
PHONE = "0912345678"
REP_ID = "001088077777"
REP_PHONE = "0987000111"


def _received(world):  # type: ignore[no-untyped-def]
    with travel("2025-04-21 08:00"):
        record = receive(
            world,
            applicant=applicant(
                representative_name="Trần Văn Đại Diện",
                representative_id_number=REP_ID,
                representative_phone=REP_PHONE,
            ),
        )
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=record)
    return record


def _no_full_values(content: bytes) -> None:
    for value in (ID_NUMBER, PHONE, REP_ID, REP_PHONE):
        assert value.encode() not in content


def test_mask_keeps_the_last_three_characters():
    assert mask_id_number("001085012345") == "*********345"
    assert mask_id_number("  012345678 ") == "******678"
    assert mask_phone("0912345678") == "*******678"
    assert mask_id_number("") == mask_phone(None) == ""
    assert mask_phone("12") == "**"


def test_policy_by_place(world):
    justice = world.justice.pk
    assert sees_full(world.reception, place=Place.RECORD, agency_id=justice)
    assert sees_full(world.specialist, place=Place.RECORD, agency_id=justice)
    assert not sees_full(world.police_officer, place=Place.RECORD, agency_id=justice)
    assert not sees_full(world.reception, place=Place.LIST, agency_id=justice)
    assert sees_full(world.reception, place=Place.EXPORT, agency_id=justice)
    assert not sees_full(world.specialist, place=Place.EXPORT, agency_id=justice)
    assert not sees_full(world.outsider, place=Place.EXPORT, agency_id=justice)


def test_lists_never_show_full_id_numbers_or_phones(world):
    record = _received(world)
    specialist = client_for(world.specialist)
    with travel("2025-04-21 10:00"):
        pages = [
            specialist.get("/records/"),
            specialist.get("/records/search/"),
            specialist.get("/records/search/", {"q": "Hồng Nhung"}),
            specialist.get("/api/v1/records/", {"q": ID_NUMBER}),
            client_for(world.reception).get("/records/search/"),
            client_for(world.leader).get(
                "/reports/settlement/records/", {"from": "2025-04-01", "to": "2025-04-30"}
            ),
        ]
    for response in pages:
        assert response.status_code == 200
        assert record.code.encode() in response.content  # the record is listed...
        _no_full_values(response.content)  # ...without its ID numbers and phones


def test_a_search_by_id_number_shows_it_only_where_the_officer_typed_it(world):
    record = _received(world)
    with travel("2025-04-21 10:00"):
        response = client_for(world.specialist).get("/records/search/", {"q": ID_NUMBER})
    assert record.code.encode() in response.content
    # the search box (and the language switch's return address) echo the query: nothing else
    echoed = response.content.replace(f'value="{ID_NUMBER}"'.encode(), b"")
    echoed = echoed.replace(f"q={ID_NUMBER}".encode(), b"")
    _no_full_values(echoed)


def test_the_reception_officer_sees_full_values_on_the_record_page_and_the_view_is_logged(world):
    record = _received(world)
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first()
    response = client_for(world.reception).get(f"/records/{record.code}/")
    assert response.status_code == 200
    for value in (ID_NUMBER, PHONE, REP_ID, REP_PHONE):
        assert value.encode() in response.content
    entries = AuditEntry.objects.filter(pk__gt=before, action="personal_data.viewed")
    assert entries.count() == 1
    entry = entries.get()
    assert (entry.action, entry.actor_label, entry.object_id, entry.detail) == (
        "personal_data.viewed",
        "reception",
        record.code,
        {"via": "page", "full": True},
    )


def test_another_agencys_officer_in_scope_sees_masked_values_on_the_record_page(world):
    record = _received(world)
    with travel("2025-04-21 10:00"):
        record = services.step_forward(
            actor=world.specialist, record=record, assignee=world.police_officer
        )
    response = client_for(world.police_officer).get(f"/records/{record.code}/")
    assert response.status_code == 200
    _no_full_values(response.content)
    assert mask_id_number(ID_NUMBER).encode() in response.content
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.detail == {"via": "page", "full": False}


def test_the_api_detail_logs_whether_values_were_in_clear(world):
    record = _received(world)
    body = client_for(world.reception).get(f"/api/v1/records/{record.code}/").json()
    assert body["applicant"]["id_number"] == ID_NUMBER
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.detail) == ("personal_data.viewed", {"via": "api", "full": True})


def test_the_tracking_book_masks_phones_unless_asked_for_the_desk(world):
    _received(world)

    def applicant_cell(full: bool) -> str:
        content = tracking_book_xlsx(
            agency=world.justice, date_from=date(2025, 4, 1), date_to=date(2025, 4, 30), full=full
        )
        sheet = load_workbook(io.BytesIO(content)).active
        return str(sheet.cell(row=7, column=5).value)

    assert applicant_cell(False).endswith(mask_phone(PHONE))
    assert PHONE not in applicant_cell(False)
    assert applicant_cell(True).endswith(PHONE)


def test_a_desk_slip_view_is_logged(world):
    with travel("2025-04-21 08:00"):
        slip = services.desk_slip_issue(
            actor=world.reception,
            agency=world.justice,
            procedure=world.pause_procedure,
            kind="guidance",
            applicant=applicant(),
            reason="Thiếu tờ khai",
            items=[{"name": "Tờ khai", "note": ""}],
        )
    response = client_for(world.reception).get(f"/records/slips/{slip.pk}/")
    assert response.status_code == 200
    assert ID_NUMBER.encode() in response.content
    entry = AuditEntry.objects.order_by("-id").first()
    assert (entry.action, entry.object_id, entry.detail) == (
        "personal_data.viewed",
        str(slip.pk),
        {"via": "slip", "full": True},
    )
