"""Vietnamese formatting of dates, times, durations, money and agency headings on the forms.

All instants are shown in the province's time zone (Asia/Ho_Chi_Minh). Dates follow Decree
30/2020/NĐ-CP: days below 10 and the months January and February take a leading zero
("ngày 05 tháng 02 năm 2025", "ngày 21 tháng 4 năm 2025").
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings

from motcua.organisations.calendar import TZ
from motcua.records.documents import texts


def clean(value: Any) -> str:
    """Text for the PDF: NFC (precomposed letters, so decomposed input still finds its glyphs)
    and no control characters."""
    text = unicodedata.normalize("NFC", "" if value is None else str(value))
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def printed_phone(value: Any, *, full: bool) -> str:
    """A phone on a printed form: in clear, or masked like the record page
    (``masking.mask_phone``) for a user who sees the record masked."""
    from motcua.records.masking import mask_phone

    text = clean(value)
    return text if full else mask_phone(text)


def local(instant: datetime) -> datetime:
    return instant.astimezone(TZ)


def day_month_year(day: date) -> tuple[str, str, str]:
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{day.day:02d}", month, str(day.year)


def long_date(day: date) -> str:
    """``ngày 21 tháng 4 năm 2025``."""
    d, m, y = day_month_year(day)
    return f"ngày {d} tháng {m} năm {y}"


def short_date(instant: datetime | date | None) -> str:
    """``21/04/2025``."""
    if instant is None:
        return ""
    day = local(instant).date() if isinstance(instant, datetime) else instant
    return f"{day:%d/%m/%Y}"


def time_date(instant: datetime | None) -> str:
    """``08 giờ 00 phút, ngày 21/04/2025`` (receipt, notices)."""
    if instant is None:
        return ""
    moment = local(instant)
    return f"{moment:%H} giờ {moment:%M} phút, ngày {moment:%d/%m/%Y}"


def hand_over(instant: datetime) -> str:
    """``08 giờ 00 phút, ngày 21 tháng 4 năm 2025`` (control sheet)."""
    moment = local(instant)
    return f"{moment:%H} giờ {moment:%M} phút, {long_date(moment.date())}"


def money(amount: int) -> str:
    """``200.000 đồng``."""
    return f"{amount:,}".replace(",", ".") + " đồng"


def number(value: Decimal | int | float) -> str:
    """``10`` for 10.00, ``0,5`` for 0.50."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text.replace(".", ",")


def duration(value: Decimal | int, unit: str) -> str:
    """``10 ngày làm việc``; 0 is the same day."""
    if Decimal(str(value)) == 0:
        return texts.DURATION_SAME_DAY
    return f"{number(value)} {texts.DURATION_UNITS.get(unit, unit)}"


def copy_kind(value: str) -> str:
    return texts.COPY_KINDS.get(value, value) if value else ""


_PLACE_PREFIX = re.compile(
    r"^(tỉnh|thành phố|tp\.?|xã|phường|thị trấn|đặc khu|huyện|quận|thị xã)\s+", re.IGNORECASE
)


def place_name(unit_name: str) -> str:
    """The place on the date line: ``Tỉnh Minh Họa`` → ``Minh Họa``."""
    name = clean(unit_name).strip()
    stripped = _PLACE_PREFIX.sub("", name)
    return stripped or name


def upper(text: str) -> str:
    return clean(text).upper()


def _province(agency: Any) -> Any:
    """The province administrative unit of an agency (walks at most two levels up)."""
    unit = agency.administrative_unit
    for _hop in range(3):
        if unit is None or unit.level == "province":
            return unit
        unit = unit.parent
    return None


def agency_heading(agency: Any) -> tuple[str, str]:
    """(upper line, agency line) of the left block of the administrative header.

    The upper line is the governing body: the parent agency when one is recorded, otherwise
    the province's People's Committee. A People's Committee is its own governing body: it
    prints as "ỦY BAN NHÂN DÂN" above its place ("XÃ AN BÌNH"), as Decree 30 lays it out.
    """
    name = clean(agency.name)
    if agency.parent_id is not None:
        return upper(agency.parent.name), upper(name)
    committee = texts.PEOPLES_COMMITTEE
    if name.lower().startswith(committee.lower()) and len(name) > len(committee):
        return upper(committee), upper(name[len(committee) :].strip())
    province = _province(agency)
    province_name = province.name if province is not None else settings.MOTCUA_PROVINCE_NAME
    return upper(f"{committee} {province_name}"), upper(name)


def agency_place(agency: Any) -> str:
    unit = agency.administrative_unit
    return place_name(unit.name if unit is not None else settings.MOTCUA_PROVINCE_NAME)


def agency_label(agency: Any) -> str:
    return clean(agency.name)


def unit_label(unit: Any, *, home_agency_id: int | None) -> str:
    """A unit's name, with its agency when it belongs to another agency (inter-agency steps)."""
    if unit is None:
        return ""
    if home_agency_id is not None and unit.agency_id != home_agency_id:
        return f"{clean(unit.name)} – {clean(unit.agency.short_name or unit.agency.name)}"
    return clean(unit.name)


def person(user: Any) -> str:
    if user is None:
        return ""
    return clean(user.display_name())
