"""The national public service portal's sync format (DVCQG, domain.md §2.3): the whole record
(``DongBoHoSoMC``) and one progress line (``CapNhatTienDoHoSoMC``), built from our records.

This module only reads. It reads records directly (not through records.selectors, which scope
reads to a signed-in officer): the outbox worker is a system process acting for the province.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone, translation

from motcua.exchange.models import NationalAgencyCode, NationalProcedureCode
from motcua.records.models import EventKind, Record, RecordEvent
from motcua.records.workflow import national_code

DATE_FORMAT = "%Y%m%d%H%M%S"
CHANNEL_CODES = {"direct": 1, "online": 2, "postal": 3}
APPLICANT_KIND_CODES = {"person": 1, "organisation": 2}


def fmt(value: datetime | None) -> str:
    """yyyyMMddHHmmss in Asia/Ho_Chi_Minh; empty when there is no date."""
    if value is None:
        return ""
    return timezone.localtime(value).strftime(DATE_FORMAT)


def agency_code(agency: Any) -> str:
    row = NationalAgencyCode.objects.filter(agency=agency).first()
    return row.national_code if row else agency.code


def load_record(record_id: int) -> Record:
    return (
        Record.objects.select_related(
            "agency",
            "handling_agency",
            "procedure_version__procedure__field",
        )
        .prefetch_related("fees", "components__component", "supplements__requested_by")
        .get(pk=record_id)
    )


def record_code(record: Record) -> str:
    """MaHoSo: the portal's code for records filed there, otherwise ours."""
    return record.external_code or record.code or f"#{record.pk}"


def dong_bo_ho_so(record: Record) -> dict[str, Any]:
    """One element of ``DongBoHoSoMC.data``."""
    version = record.procedure_version
    procedure = version.procedure
    mapping = NationalProcedureCode.objects.filter(procedure=procedure).first()
    field = procedure.field
    channel = CHANNEL_CODES.get(record.channel, 1)
    return {
        "MaHoSo": record_code(record),
        "MaTTHC": mapping.national_code if mapping else procedure.code,
        "TenTTHC": version.name,
        "MaLinhVuc": (mapping.national_field_code if mapping else "") or field.code,
        "TenLinhVuc": (mapping.national_field_name if mapping else "") or field.name,
        "ChuHoSo": record.applicant_name,
        "LoaiDoiTuong": APPLICANT_KIND_CODES.get(record.applicant_kind, 1),
        "MaDoiTuong": record.applicant_id_number,
        "SoDinhDanh": record.applicant_id_number,
        "ThongTinKhac": record.applicant_address,
        "Email": record.applicant_email,
        "Fax": "",
        "SoDienThoai": record.applicant_phone,
        "TrichYeuHoSo": record.subject or version.name,
        "NgayNopHoSo": fmt(record.submitted_at or record.received_at),
        "NgayTiepNhan": fmt(record.received_at),
        "NgayHenTra": fmt(record.due_at),
        "TrangThaiHoSo": national_code(record.status),
        "NgayTra": fmt(record.returned_at),
        "ThongTinTra": record.result_summary,
        "HinhThuc": 1 if record.return_method == "postal" else 0,
        "KenhThucHien": channel,
        "NgayKetThucXuLy": fmt(record.finished_at),
        "DonViXuLy": agency_code(record.handling_agency),
        "GhiChu": record.stop_reason,
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(component.pk),
                "TenTepDinhKem": component.name,
                "IsDeleted": False,
                "MaThanhPhanHoSo": component.component.code if component.component else "",
                "DuongDanTaiTepTin": "",
                "DuocSoHoa": component.is_digitised,
            }
            for component in record.components.all()
        ],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": fee.name,
                "MaPhiLePhi": "",
                "HinhThucThu": 1,
                "Gia": fee.amount,
                "LoaiPhiLePhi": 1,
            }
            for fee in record.fees.all()
        ],
        "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [
            {
                "HoSoBoSungId": str(round_.pk),
                "NguoiYeuCauBoSung": round_.requested_by.display_name(),
                "NoiDungBoSung": round_.reason,
                "NgayBoSung": fmt(round_.requested_at),
                "NguoiTiepNhanBoSung": "",
                "ThongTinTiepNhan": "",
                "NgayTiepNhanBoSung": fmt(round_.received_at),
                "TrangThaiBoSung": 1 if round_.received_at else 0,
                "DanhSachGiayToBoSung": [
                    {"TenGiayTo": str(item.get("name", item)) if isinstance(item, dict) else item}
                    for item in (round_.items or [])
                ],
                "DanhSachLePhiBoSung": [],
                "NgayHenTraTruoc": "",
                "NgayHenTraMoi": "",
            }
            for round_ in record.supplements.all()
        ],
        "DanhSachGiayToKetQua": [],
    }


def cap_nhat_tien_do(record: Record, event: RecordEvent) -> dict[str, Any]:
    """One element of ``CapNhatTienDoHoSoMC.data``: the move that ``event`` records."""
    actor = event.actor
    unit = event.to_unit or event.from_unit or (event.step.unit if event.step else None)
    with translation.override("vi"):
        try:
            what = str(EventKind(event.kind).label)
        except ValueError:
            what = event.kind
    content = f"{what}: {event.note}" if event.note else what
    return {
        "MaHoSo": record_code(record),
        "NguoiXuLy": actor.display_name() if actor else "",
        "ChucDanh": getattr(actor, "title", "") if actor else "",
        "ThoiDiemXuLy": fmt(event.at),
        "PhongBanXuLy": unit.name if unit else "",
        "NoiDungXuLy": content,
        "TrangThai": event.national_code,
        "NgayBatDau": fmt(event.step.started_at if event.step else event.at),
        "NgayKetThucTheoQuyDinh": fmt(
            (event.step.due_at if event.step else None) or event.due_after
        ),
    }


def status_changed(event: RecordEvent) -> bool:
    """Whether the move changed the national status code (then the whole record is sent)."""
    if not event.from_status:
        return True
    return national_code(event.from_status) != event.national_code
