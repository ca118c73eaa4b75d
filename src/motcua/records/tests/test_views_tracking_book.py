"""The record tracking book page: a period form, then the XLSX of one of the user's agencies,
phones in clear for the desk only, every download in the audit log."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from motcua.audit.models import AuditEntry
from motcua.records.masking import mask_phone
from motcua.records.tests.factories import receive, travel
from motcua.records.tests.factories_ui import client_for

URL = "/records/tracking-book/"
PHONE = "0912345678"  # the factories' applicant
APRIL = {"download": "1", "from": "2025-04-01", "to": "2025-04-30"}


def _download(user, **params):  # type: ignore[no-untyped-def]
    client = client_for(user)
    client.cookies["django_language"] = "en"
    return client.get(URL, params)


def _rows(response):  # type: ignore[no-untyped-def]
    sheet = load_workbook(io.BytesIO(response.content)).active
    return sheet, [row for row in sheet.iter_rows(min_row=7, values_only=True) if row[0]]


def test_the_desk_downloads_its_book_with_phones_in_clear(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    response = _download(world.reception, agency=world.justice.code, **APRIL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "so-theo-doi-" in response["Content-Disposition"]
    assert "20250401-20250430.xlsx" in response["Content-Disposition"]
    sheet, rows = _rows(response)
    assert sheet["A1"].value == "SỔ THEO DÕI HỒ SƠ"
    assert [row[1] for row in rows] == [record.code]
    assert str(rows[0][4]).endswith(PHONE)
    entry = AuditEntry.objects.order_by("-id").first()
    assert entry.action == "export.tracking_book"
    assert entry.detail == {
        "agency": world.justice.code,
        "from": "2025-04-01",
        "to": "2025-04-30",
        "full": True,
    }


def test_a_unit_head_gets_the_phones_masked(world):
    with travel("2025-04-21 08:00"):
        receive(world)
    response = _download(world.unit_head, agency=world.justice.code, **APRIL)
    assert response.status_code == 200
    _sheet, rows = _rows(response)
    assert PHONE not in str(rows[0][4])
    assert str(rows[0][4]).endswith(mask_phone(PHONE))


def test_the_form_offers_only_the_users_agencies(world):
    response = _download(world.reception)
    assert response.status_code == 200
    body = response.content.decode()
    assert world.justice.code in body
    assert world.center.code not in body


def test_another_agencys_book_is_refused_and_nothing_is_written(world):
    with travel("2025-04-21 08:00"):
        receive(world)
    before = AuditEntry.objects.filter(action="export.tracking_book").count()
    response = _download(world.reception, agency=world.center.code, **APRIL)
    assert response.status_code == 400
    assert "Choose one of the agencies whose book you keep." in response.content.decode()
    assert AuditEntry.objects.filter(action="export.tracking_book").count() == before


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ({"from": "2025-04-30", "to": "2025-04-01"}, "The period must end on or after"),
        ({"from": "2015-01-01", "to": "2025-04-01"}, "The period is too long"),
        ({"from": "30/04/2025", "to": "2025-04-01"}, "Enter the first and the last day"),
        ({"from": "2025-02-30", "to": "2025-04-01"}, "Enter the first and the last day"),
    ],
)
def test_a_bad_period_is_explained(world, dates, message):
    response = _download(world.reception, agency=world.justice.code, download="1", **dates)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_specialist_has_no_book(world):
    assert _download(world.specialist).status_code == 403


def test_anonymous_is_sent_to_the_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
