"""The record code laid out around its sequence number, for PostgreSQL to write it in the
statement that takes the number (records.services.common.code_layout)."""

from datetime import date

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.records.services.common import CodeLayout, code_layout
from motcua.records.tests.factories import receive, travel

DAY = date(2025, 4, 21)


def test_the_default_layout(settings):
    layout = code_layout("000.00.12.H99", DAY)
    assert layout == CodeLayout(prefix="000.00.12.H99-250421-", width=4, suffix="")
    assert layout.format(7) == "000.00.12.H99-250421-0007"
    assert layout.format(12345) == "000.00.12.H99-250421-12345"


@pytest.mark.parametrize(
    ("layout", "expected"),
    [
        ("{agency_code}/{date:%Y%m%d}/{seq}", CodeLayout("A.1/20250421/", 0, "")),
        ("{agency_code}-{date:%y%m%d}-{seq:d}", CodeLayout("A.1-250421-", 0, "")),
        ("{agency_code}-{date:%y%m%d}-{seq:07d}", CodeLayout("A.1-250421-", 7, "")),
        ("HS{seq:05}-{agency_code}", CodeLayout("HS", 5, "-A.1")),
        # Layouts PostgreSQL would not reproduce: formatted in Python instead.
        ("{agency_code}-{seq:4d}", None),  # padded with spaces
        ("{agency_code}-{seq:,}", None),
        ("{agency_code}-{seq!r}", None),
        ("{agency_code}-{seq}-{seq}", None),
        ("{agency_code}-{date:%y%m%d}", None),  # no number at all
        ("{agency_code}-{unknown}-{seq}", None),
    ],
)
def test_other_layouts(settings, layout, expected):
    settings.MOTCUA_RECORD_CODE_FORMAT = layout
    assert code_layout("A.1", DAY) == expected


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL layout is PostgreSQL's")
@settings(max_examples=200, deadline=None)
@given(
    seq=st.integers(min_value=1, max_value=10**9),
    width=st.integers(min_value=0, max_value=12),
    prefix=st.text(max_size=12).filter(lambda t: "\x00" not in t),
    suffix=st.text(max_size=6).filter(lambda t: "\x00" not in t),
)
def test_postgresql_writes_the_code_python_writes(seq, width, prefix, suffix):
    layout = CodeLayout(prefix=prefix, width=width, suffix=suffix)
    sql, params = layout.sql("v.n")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql} FROM (SELECT %s::bigint AS n) v", [*params, seq])  # noqa: S608 - our expression
        (written,) = cursor.fetchone()
    python = f"{prefix}{seq:0{width}d}{suffix}" if width else f"{prefix}{seq}{suffix}"
    assert written == layout.format(seq) == python


def test_a_custom_layout_numbers_records_in_sequence(world, settings):
    settings.MOTCUA_RECORD_CODE_FORMAT = "HS-{date:%Y}-{seq:06d}-{agency_code}"
    with travel("2025-04-21 08:00"):
        first, second = receive(world), receive(world)
    assert [first.code, second.code] == [
        "HS-2025-000001-000.00.12.H99",
        "HS-2025-000002-000.00.12.H99",
    ]
    assert first.events.get().payload["code"] == first.code
    assert (first.book_number, second.book_number) == (1, 2)


def test_a_layout_python_alone_can_write(world, settings):
    settings.MOTCUA_RECORD_CODE_FORMAT = "{agency_code}-{date:%y%m%d}-{seq:>5}"
    with travel("2025-04-21 08:00"):
        record = receive(world)
    assert record.code == "000.00.12.H99-250421-    1"
    assert record.events.get().payload == {"code": record.code, "channel": "direct"}
