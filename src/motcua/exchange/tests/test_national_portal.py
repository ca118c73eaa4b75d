"""The national portal sync adapter against a fake portal on 127.0.0.1 (domain.md §2.3)."""

import re

import pytest
from django.core.exceptions import ValidationError

from motcua.exchange.models import (
    Delivery,
    NationalAgencyCode,
    NationalProcedureCode,
    NationalSyncState,
)
from motcua.exchange.tests.factories import fast_worker, portal
from motcua.records import services
from motcua.records.tests.factories import receive, travel


def drain(limit=5.0):
    import time

    worker = fast_worker()
    deadline = time.monotonic() + limit
    while Delivery.objects.exclude(state="delivered").exists() and time.monotonic() < deadline:
        worker.run(until_idle=True)
        time.sleep(0.02)


def test_whole_record_then_progress_with_national_codes_and_dates(world, national_portal):
    portal(national_portal.url)
    NationalAgencyCode.objects.create(agency=world.justice, national_code="H99.12")
    NationalProcedureCode.objects.create(
        procedure=world.pause_procedure, national_code="1.001234", national_field_code="G09-TP03"
    )
    with travel("2025-04-21 08:00"):
        record = receive(world)
    with travel("2025-04-21 09:30"):
        services.step_claim(actor=world.specialist, record=record)
    drain()
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert national_portal.refused == []
    assert national_portal.logins == 1  # one session for both events
    # each move changed the national status (2 received, 4 in progress): the whole record
    # (first as new, then as an update), then the progress line
    assert national_portal.calls == ["DongBoHoSoMC", "CapNhatTienDoHoSoMC"] * 2
    assert national_portal.updates == [(record.code, "False"), (record.code, "True")]
    record.refresh_from_db()
    assert set(national_portal.madonvi) == {"H99.12"}
    row = national_portal.records[record.code]
    assert row["MaTTHC"] == "1.001234"
    assert row["MaLinhVuc"] == "G09-TP03"
    assert row["TrangThaiHoSo"] == record.national_code == 4
    assert row["NgayTiepNhan"] == "20250421080000"  # Asia/Ho_Chi_Minh, yyyyMMddHHmmss
    assert re.fullmatch(r"\d{14}", row["NgayHenTra"])
    assert row["DonViXuLy"] == "H99.12"
    assert row["ChuHoSo"] == record.applicant_name
    assert row["KenhThucHien"] == 1
    assert [(f["TenPhiLePhi"], f["Gia"]) for f in row["DanhSachLePhi"]] == [
        ("Phí cung cấp thông tin lý lịch tư pháp", 200000)
    ]
    assert len(row["TaiLieuNop"]) == 2
    progress = national_portal.progress
    assert [p["ThoiDiemXuLy"] for p in progress] == ["20250421080000", "20250421093000"]
    assert progress[1]["NguoiXuLy"] == world.specialist.display_name()
    assert [p["TrangThai"] for p in progress] == [2, 4]
    assert NationalSyncState.objects.get(record=record).last_national_code == 4


def test_a_move_that_keeps_the_national_status_sends_progress_only(world, national_portal):
    portal(national_portal.url)
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
    drain()
    calls = len(national_portal.calls)
    with travel("2025-04-21 10:00"):
        services.step_forward(actor=world.specialist, record=record, assignee=world.police_officer)
    drain()
    assert national_portal.calls[calls:] == ["CapNhatTienDoHoSoMC"]


def test_a_status_change_resends_the_whole_record_as_an_update(world, national_portal):
    portal(national_portal.url)
    with travel("2025-04-21 08:00"):
        record = receive(world)
    drain()
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=record)
        services.record_stop(actor=world.specialist, record=record, reason="Người nộp đề nghị dừng")
    drain()
    # received (2), in progress (4), stopped (8): new once, then updates
    assert national_portal.updates == [(record.code, "False")] + [(record.code, "True")] * 2
    assert national_portal.records[record.code]["TrangThaiHoSo"] == 8


def test_an_expired_session_is_renewed_and_the_call_repeated(world, national_portal):
    portal(national_portal.url)
    with travel("2025-04-21 08:00"):
        record = receive(world)
    worker = fast_worker()
    worker.run(until_idle=True)
    national_portal.expire_sessions()
    with travel("2025-04-21 09:00"):
        services.step_claim(actor=world.specialist, record=record)
    worker.run(until_idle=True)
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert national_portal.logins == 2
    assert [d.attempts for d in Delivery.objects.order_by("id")] == [1, 1]


def test_portal_down_then_back_every_event_synced(world, national_portal):
    portal(national_portal.url)
    national_portal.mode = "500"
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
    worker = fast_worker(max_attempts=1000)
    worker.run(max_seconds=0.3)
    assert not Delivery.objects.filter(state="delivered").exists()
    national_portal.stop()  # now connection refused
    worker.run(max_seconds=0.3)
    national_portal.start()
    national_portal.mode = "ok"
    drain()
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert [p["MaHoSo"] for p in national_portal.progress] == [record.code, record.code]


def test_wrong_password_fails_the_delivery_with_the_portal_message(world, national_portal):
    portal(national_portal.url, secret="wrong-password")
    with travel("2025-04-21 08:00"):
        receive(world)
    fast_worker().run_once()
    failed = Delivery.objects.get()
    assert failed.state == "failed"
    assert "login refused" in failed.last_error


def test_a_portal_subscriber_needs_credentials_and_known_options(world):
    with pytest.raises(ValidationError):
        portal("http://127.0.0.1:9", username="")
    with pytest.raises(ValidationError):
        portal("http://127.0.0.1:9", options={"servise_endpoint": "/x"})
