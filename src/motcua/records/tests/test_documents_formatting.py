"""Vietnamese formatting on the forms: Decree 30 dates, local times, money, durations, headers."""

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from motcua.records.documents import formatting


def test_dates_pad_days_below_ten_and_january_february():
    assert formatting.long_date(date(2025, 2, 5)) == "ngày 05 tháng 02 năm 2025"
    assert formatting.long_date(date(2025, 1, 15)) == "ngày 15 tháng 01 năm 2025"
    assert formatting.long_date(date(2025, 4, 21)) == "ngày 21 tháng 4 năm 2025"
    assert formatting.long_date(date(2025, 12, 1)) == "ngày 01 tháng 12 năm 2025"


def test_instants_are_shown_in_vietnam_time():
    instant = datetime(2025, 4, 30, 17, 10, tzinfo=UTC)  # 00:10 on 01/05 in Vietnam
    assert formatting.time_date(instant) == "00 giờ 10 phút, ngày 01/05/2025"
    assert formatting.hand_over(instant) == "00 giờ 10 phút, ngày 01 tháng 5 năm 2025"
    assert formatting.short_date(instant) == "01/05/2025"
    assert formatting.time_date(None) == ""


def test_money_and_durations():
    assert formatting.money(1_234_567) == "1.234.567 đồng"
    assert formatting.money(0) == "0 đồng"
    assert formatting.duration(Decimal("10.00"), "working_days") == "10 ngày làm việc"
    assert formatting.duration(Decimal("0.50"), "working_days") == "0,5 ngày làm việc"
    assert formatting.duration(Decimal("4"), "working_hours") == "4 giờ làm việc"
    assert formatting.duration(Decimal("15"), "calendar_days") == "15 ngày"
    assert formatting.duration(Decimal("0"), "working_days") == "trong ngày làm việc"


def test_place_names_drop_the_kind_of_unit():
    assert formatting.place_name("Tỉnh Minh Họa") == "Minh Họa"
    assert formatting.place_name("Thành phố Hà Nội") == "Hà Nội"
    assert formatting.place_name("Phường Hòa Lạc") == "Hòa Lạc"
    assert formatting.place_name("Minh Họa") == "Minh Họa"


def _agency(name, *, parent=None, unit=None):
    province = SimpleNamespace(name="Tỉnh Minh Họa", level="province", parent=None)
    return SimpleNamespace(
        name=name,
        parent=parent,
        parent_id=1 if parent else None,
        administrative_unit=unit or province,
    )


def test_agency_heading_uses_the_parent_or_the_provinces_peoples_committee():
    assert formatting.agency_heading(_agency("Sở Tư pháp")) == (
        "ỦY BAN NHÂN DÂN TỈNH MINH HỌA",
        "SỞ TƯ PHÁP",
    )
    parent = SimpleNamespace(name="Sở Nội vụ")
    assert formatting.agency_heading(_agency("Trung tâm Lưu trữ lịch sử", parent=parent)) == (
        "SỞ NỘI VỤ",
        "TRUNG TÂM LƯU TRỮ LỊCH SỬ",
    )
    commune = SimpleNamespace(name="Xã An Bình", level="commune", parent=None)
    assert formatting.agency_heading(_agency("Ủy ban nhân dân xã An Bình", unit=commune)) == (
        "ỦY BAN NHÂN DÂN",
        "XÃ AN BÌNH",
    )
    assert formatting.agency_place(_agency("Ủy ban nhân dân xã An Bình", unit=commune)) == "An Bình"


def test_text_is_normalised_to_precomposed_letters_without_control_characters():
    assert formatting.clean("Nguye\u0302\u0303n\x07") == "Nguyễn"
    assert formatting.clean(None) == ""
