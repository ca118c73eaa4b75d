"""core.rows: the values it sends are the values ``save()`` would send.

The PostgreSQL fast path hands some values to psycopg without the field's ``get_db_prep_save``;
these tests check, for every field of every model that takes it, that the field's own method
would have answered the same value, on PostgreSQL's operations (checked without a server, so
the test runs on SQLite too)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.core import rows


def _postgres() -> Any:
    return PostgresWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.postgresql"})


def _fast_fields() -> list[tuple[Any, Any]]:
    found = []
    for model in apps.get_models():
        for attname, field, fast in rows._insert_plan(model, "postgresql"):
            assert attname == field.attname
            if fast is not None:
                found.append((field, fast))
    return found


FAST = _fast_fields()

values = st.one_of(
    st.none(),
    st.text(max_size=20),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=7))])),
    st.datetimes(),  # naive: must take the full path
    st.uuids(),
    st.just(gettext_lazy("Received")),
    st.just(""),
)


def test_the_fast_path_covers_the_hot_models():
    covered = {f.model._meta.label for f, _p in FAST}
    assert {"records.Record", "records.RecordEvent", "records.RecordStep"} <= covered
    assert {"audit.AuditEntry", "exchange.OutboxEvent"} <= covered


@settings(max_examples=300, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(FAST) - 1), value=values)
def test_a_passed_value_is_what_the_field_would_send(index, value):
    field, (passes, wrap) = FAST[index]
    if not passes(value):
        return
    prepared = field.get_db_prep_save(value, _postgres())
    sent = value if wrap is None else wrap(value)
    assert prepared == sent
    assert type(prepared) is type(sent)


@pytest.mark.parametrize(
    "value",
    [True, False, None, datetime(2026, 1, 1), gettext_lazy("x"), 1.5, "", 0],
    ids=repr,
)
def test_values_that_need_preparing_are_not_passed(value):
    """``bool`` is an ``int``, a naive datetime needs the time zone, a lazy string needs
    casting, ``None`` and ``""`` may mean NULL for a foreign key: all take the field's path."""
    for field, (passes, _wrap) in FAST:
        if passes(value):
            assert type(value) in (bool, str, int)
            assert field.get_internal_type() in _KINDS_FOR[type(value)], field


_KINDS_FOR: dict[type, set[str]] = {
    bool: {"BooleanField"},
    str: {"CharField", "TextField", "EmailField", "SlugField", "URLField"},
    int: {
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "AutoField",
        "BigAutoField",
        "ForeignKey",
        "OneToOneField",
    },
}


def test_unknown_field_classes_take_the_full_path():
    from django.db import models

    class Shouting(models.CharField):
        def get_prep_value(self, value: Any) -> Any:
            return str(value).upper()

    assert rows._passthrough(Shouting(max_length=5)) is None
    assert rows._passthrough(models.JSONField()) is None
    assert rows._passthrough(models.DecimalField(max_digits=5, decimal_places=2)) is None
    assert rows._passthrough(models.DateTimeField(auto_now=True)) is None
    assert rows._passthrough(models.DateField(auto_now_add=True)) is None


def test_sqlite_takes_the_full_path():
    for model in apps.get_models():
        assert all(p is None for _a, _f, p in rows._insert_plan(model, "sqlite"))


def test_dates_and_uuids_pass_unchanged():
    pg = _postgres()
    for field, (passes, _wrap) in FAST:
        kind = field.get_internal_type()
        if kind == "DateField":
            assert passes(date(2026, 11, 26))
            assert field.get_db_prep_save(date(2026, 11, 26), pg) == date(2026, 11, 26)
        if kind == "UUIDField":
            u = uuid.uuid4()
            assert passes(u)
            assert field.get_db_prep_save(u, pg) == u


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="key reservation is PostgreSQL's")
def test_reserved_keys_are_unique_and_are_not_taken_by_later_rows():
    from django.utils import timezone

    from motcua.apiaccess.models import ApiCall

    rows._reserved.clear()
    reserved = [rows.reserve_id(ApiCall) for _ in range(rows.RESERVE_BLOCK + 3)]
    assert len(set(reserved)) == len(reserved)
    assert reserved[: rows.RESERVE_BLOCK] == sorted(reserved[: rows.RESERVE_BLOCK])
    later = ApiCall.objects.create(
        at=timezone.now(), endpoint="/api/v1/records/", method="GET", status=200, duration_ms=1
    )
    assert later.pk not in reserved


def test_a_new_connection_forgets_the_reserved_keys():
    rows._reserved[("default", object)] = [1, 2]  # type: ignore[index]
    rows._reserved[("other", object)] = [3]  # type: ignore[index]
    rows._forget_reserved(sender=None, connection=type("C", (), {"alias": "default"})())
    assert ("default", object) not in rows._reserved
    assert rows._reserved.pop(("other", object)) == [3]  # type: ignore[index]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's client-side binding")
def test_long_statements_are_composed_as_psycopg_composes_them():
    """rows.execute caches the placeholder scan of statements of more than 50 parameters; the
    text it sends is what psycopg's client-side cursor would send (mogrify)."""
    from django.test.utils import CaptureQueriesContext
    from psycopg import ClientCursor

    sql = "SELECT " + ", ".join(["%s"] * 60)
    params: list[Any] = ["it's", None, 7, True, datetime(2026, 1, 1, tzinfo=UTC), "Hồ sơ %s"]
    params += list(range(54))
    with CaptureQueriesContext(connection) as ctx, connection.cursor() as cursor:
        rows.execute(cursor, sql, params)
        row = cursor.fetchone()
        expected = ClientCursor(cursor.cursor.connection).mogrify(sql, params)
    assert ctx.captured_queries[0]["sql"] == expected
    assert row[:2] == ("it's", None) and row[5] == "Hồ sơ %s" and len(row) == 60
    with connection.cursor() as cursor, pytest.raises(ValueError, match="placeholders"):
        rows.execute(cursor, sql, params[:-1] + [1, 2])
