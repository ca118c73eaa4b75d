"""The contract of the fast write path (docs/decisions/0004-fast-write-path.md).

``core.rows`` writes rows with SQL it builds itself. For every model it may write
(``rows.WRITABLE``) these tests take instances written by the real services, ask Django for the
statement ``save()`` / ``bulk_create()`` would run for the same instance (captured on its way to
the database, never run), and compare it with the statement of ``core.rows``: the table, the
columns and their order, the placeholders, the returned key and every parameter (its type and
value; on PostgreSQL the literal psycopg makes of it). A Django or psycopg upgrade that changes
what the ORM writes fails here instead of silently diverging. They run on SQLite and on
PostgreSQL (where ``core.rows`` hands some values to psycopg without the field's methods)."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection, models, transaction
from django.db.models.signals import post_save, pre_save
from django.utils.translation import gettext_lazy

from motcua.apiaccess import services as apiaccess
from motcua.apiaccess.tests.factories import make_client
from motcua.core import rows
from motcua.core.tests.factories import UserFactory
from motcua.exchange.tests.factories import webhook
from motcua.records.models import Record, RecordComponent, RecordStep
from motcua.records.services import record_submit_online
from motcua.records.tests.factories import (
    applicant,
    at,
    build_world,
    full_components,
    receive,
    travel,
)

# The models whose save() is Django's own but for a guard that refuses a second save.
APPEND_ONLY = {"records.RecordEvent", "audit.AuditEntry"}


class _Stopped(Exception):
    """Raised in place of running Django's statement."""


def _django_statement(write: Any) -> tuple[str, tuple[Any, ...]]:
    """The one statement ``write()`` makes Django run, captured before it reaches the database
    (rolled back to a savepoint, so the test's transaction stays usable)."""
    captured: list[tuple[str, tuple[Any, ...]]] = []

    def stop(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        captured.append((sql, tuple(params or ())))
        raise _Stopped

    with pytest.raises(_Stopped), transaction.atomic(), connection.execute_wrapper(stop):
        write()
    assert len(captured) == 1
    return captured[0]


def _sent(value: Any) -> tuple[type, Any]:
    """A parameter as the database driver gets it: its type, and its value (on PostgreSQL the
    SQL literal psycopg makes of it, what its client-side cursor sends)."""
    if connection.vendor == "postgresql":
        from psycopg.adapt import Transformer

        connection.ensure_connection()
        return type(value), Transformer.from_context(connection.connection).as_literal(value)
    return type(value), value


INSERT = re.compile(r"^INSERT INTO (\S+) \((.*)\) VALUES \((.*)\) RETURNING (\S+)$")
UPDATE = re.compile(r"^UPDATE (\S+) SET (.*) WHERE (\S+) = %s$")


def _insert_parts(sql: str) -> tuple[str, list[str], list[str], str]:
    match = INSERT.match(sql)
    assert match, sql
    table, columns, values, returning = match.groups()
    # Django qualifies the returned column with the table ("t"."id"), core.rows does not.
    return table, columns.split(", "), values.split(", "), returning.rsplit(".", 1)[-1]


def _update_parts(sql: str, params: tuple[Any, ...] | list[Any]) -> tuple[str, dict[str, Any], str]:
    """The table, each column set with the parameter it is set to, and the key column.
    Django writes ``"column" = NULL`` for a None (no parameter), core.rows a parameter None:
    the same row."""
    match = UPDATE.match(sql)
    assert match, sql
    table, sets, key = match.groups()
    found = re.findall(r'("[^"]+") = (%s|NULL)', sets)
    assert sets == ", ".join(f"{column} = {value}" for column, value in found), sets
    values = iter(params)
    columns = {column: None if value == "NULL" else next(values) for column, value in found}
    assert len(list(values)) == 1  # the key's
    return table, columns, key.rsplit(".", 1)[-1]


def _new(obj: models.Model, *, keep_pk: bool = False) -> models.Model:
    """An unsaved copy of ``obj`` (its key kept for an INSERT with a reserved key)."""
    new = copy.copy(obj)  # Model.__getstate__ gives the copy its own _state
    new._state.adding = True
    new._state.db = None
    if not keep_pk:
        new.pk = None
    return new


def assert_insert_matches(obj: models.Model, *, with_pk: bool = False) -> None:
    """``rows.insert_statement([obj])`` writes what Django's ``save()`` and ``bulk_create()``
    write for ``obj``: same table, columns in the same order, placeholders, returned key and
    parameters."""
    model = type(obj)
    ours_sql, ours_params = rows.insert_statement([_new(obj, keep_pk=with_pk)], with_pk=with_pk)
    # Model.save itself, past the append-only guards (they only refuse a second save).
    writes = [lambda: models.Model.save(_new(obj, keep_pk=with_pk), force_insert=True)]
    if not with_pk:
        writes.append(lambda: model._base_manager.bulk_create([_new(obj)]))
    ours = _insert_parts(ours_sql)
    for write in writes:
        sql, params = _django_statement(write)
        theirs = _insert_parts(sql)
        assert ours == theirs, (model, ours_sql, sql)
        assert len(ours_params) == len(params) == len(ours[1])
        for column, mine, django in zip(ours[1], ours_params, params, strict=True):
            assert _sent(mine) == _sent(django), (model, column, mine, django)


def assert_update_matches(obj: models.Model, names: list[str]) -> None:
    """``rows.update_statement(obj, names)`` sets the same columns to the same values, for the
    same key, as ``obj.save(update_fields=names)``."""
    ours_sql, ours_params = rows.update_statement(obj, names)
    sql, params = _django_statement(lambda: models.Model.save(obj, update_fields=names))
    table, columns, key = _update_parts(ours_sql, ours_params)
    their_table, their_columns, their_key = _update_parts(sql, params)
    assert (table, key) == (their_table, their_key)
    # Django sets the columns in the model's field order, core.rows in the order named.
    assert sorted(columns) == sorted(their_columns)
    ours = {column: _sent(value) for column, value in columns.items()}
    theirs = {column: _sent(value) for column, value in their_columns.items()}
    assert ours == theirs, (type(obj), ours_sql, sql)
    assert _sent(ours_params[-1]) == _sent(params[-1])


@pytest.fixture
def written(db: Any) -> dict[str, list[models.Model]]:
    """Instances of every model core.rows writes, as the services wrote them: a dossier
    received at the desk (record, components, fees, steps, event, audit entry, outbox row, one
    delivery to a subscriber) and one submitted through the inbound API (an API client's call,
    its idempotency key and answer, the online record and its submission row)."""
    world = build_world()
    webhook("http://127.0.0.1:9/hook")
    with travel("2025-04-21 08:00"):
        received = receive(world)
        client, _secret = make_client(world.justice, scopes="records:submit")
        apiaccess.api_call_record(
            at=received.received_at,
            client_id=client.pk,
            user_id=None,
            endpoint="/api/v1/inbound/records",
            method="POST",
            status=201,
            duration_ms=37,
        )
        external_code = "G22.99-20250421-0000123"

        def submit() -> Record:
            return record_submit_online(
                actor=None,
                source="dvcqg",
                external_code=external_code,
                agency=world.justice,
                procedure=world.pause_procedure,
                applicant=applicant(name="Trần Văn Bình"),
                components=full_components(world.pause_procedure),
            )

        apiaccess.idempotent_answer(
            client=client,
            key="2f0c6a1e-idempotency",
            endpoint="inbound",
            request_hash="a" * 64,
            produce=lambda: apiaccess.Answer(
                apiaccess.inbound_record_submit(
                    client=client,
                    agency=world.justice,
                    request_hash="a" * 64,
                    submit=submit,
                    render=lambda record: {"external_code": record.external_code},
                    source="dvcqg",
                    external_code=external_code,
                ).status,
                {"external_code": external_code, "ghi chú": "Hồ sơ trực tuyến"},
            ),
        )
    found: dict[str, list[models.Model]] = {}
    for label in sorted(rows.WRITABLE):
        model = apps.get_model(label)
        found[label] = list(model._base_manager.order_by("pk"))
    found["records.Record"].append(received)  # as the service built it, not read back
    return found


def test_every_writable_model_is_written_by_the_services(written):
    assert sorted(written) == sorted(rows.WRITABLE)
    for label, objs in written.items():
        assert objs, f"no {label} row was written: the contract would not check it"


@pytest.mark.django_db
def test_every_writable_model_leaves_nothing_out():
    """What core.rows leaves out (save() overrides, pre_save/post_save signals) must be
    nothing for the models it writes, and no field may be one the ORM writes differently
    (generated columns, database defaults returned by the INSERT)."""
    for label in rows.WRITABLE:
        model = apps.get_model(label)
        if label in APPEND_ONLY:
            with pytest.raises(Exception, match="append-only"):
                model(pk=1).save()
        else:
            assert "save" not in vars(model), label
        assert not pre_save.has_listeners(model), label
        assert not post_save.has_listeners(model), label
        assert [f.name for f in model._meta.db_returning_fields] == [model._meta.pk.name]
        assert model._meta.concrete_fields == model._meta.local_concrete_fields, label


def test_inserts_are_what_django_writes(written):
    with travel("2025-04-22 09:30"):  # auto_now fields: both sides see the same instant
        for objs in written.values():
            for obj in objs:
                assert_insert_matches(obj)


def test_inserts_with_a_reserved_key_are_what_django_writes(written):
    with travel("2025-04-22 09:30"):
        for objs in written.values():
            for obj in objs:
                assert_insert_matches(obj, with_pk=True)


def test_inserts_of_unusual_values_are_what_django_writes(written):
    """Values the services could hand over besides those read back: a lazy translation, an
    empty string, None, nested JSON, a decimal, a stored file, a datetime in Vietnam's zone, a
    foreign key given as an instance that was saved after it was assigned."""
    record = _new(written["records.Record"][-1])
    record.subject = gettext_lazy("Received")
    record.applicant_email = ""
    record.handling_agency = None
    record.due_explanation = [{"lý do": "Nghỉ Tết", "ngày": 3}, None, 1.5]
    step = _new(written["records.RecordStep"][0])
    step.budget_hours = Decimal("7.50")
    component = _new(written["records.RecordComponent"][0])
    component.file.save("Tờ khai.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=False)
    late = UserFactory.build()
    entry = _new(written["audit.AuditEntry"][0])
    entry.actor = late
    entry.at = at("2025-04-22 09:15")
    late.save()  # saved after it was assigned: its key is taken from the instance
    with travel("2025-04-22 09:30"):
        for obj in (record, step, component, entry):
            assert_insert_matches(obj)


def test_several_rows_are_the_single_rows_one_after_the_other(written):
    """A multi-row INSERT of core.rows (components, fees, steps) is its single-row INSERT
    repeated: the same parameters in the same order, row after row."""
    objs = [_new(obj) for obj in written["records.RecordComponent"]]
    assert len(objs) > 1
    sql, params = rows.insert_statement(objs)
    singles = [rows.insert_statement([_new(obj)]) for obj in written["records.RecordComponent"]]
    one = singles[0][0].split(" VALUES ", 1)[1].split(" RETURNING ", 1)[0]
    assert sql.split(" VALUES ", 1)[1].split(" RETURNING ", 1)[0] == ", ".join([one] * len(objs))
    assert [_sent(p) for p in params] == [_sent(p) for _s, ps in singles for p in ps]


def test_updates_are_what_django_writes(written):
    record = written["records.Record"][-1]
    record.current_step = RecordStep.objects.filter(record=record).last()
    key = written["apiaccess.IdempotencyKey"][0]
    with travel("2025-04-22 09:30"):
        # What the services update: the record's numbers, steps, status and clock, the key's answer.
        assert_update_matches(record, ["code", "book_number", "current_step", "updated_at"])
        assert_update_matches(key, ["response_status", "response_body"])
        # And every other column, once each.
        for obj in (record, key):
            meta = obj._meta
            names = [f.name for f in meta.local_concrete_fields if not f.primary_key]
            assert_update_matches(obj, names)


@pytest.mark.django_db
def test_a_model_that_is_not_writable_is_refused():
    """core.rows never writes a model outside its allow-list, whichever call reaches it."""
    user = UserFactory.build()
    component = RecordComponent(name="x")  # writable: the refusal is about the model only
    calls = [
        lambda: rows.insert([user]),
        lambda: rows.insert_statement([user]),
        lambda: rows.insert_groups([[user], [component]]),
        lambda: rows.insert_pair(user, component),
        lambda: rows.update_and_insert(user, ["full_name"], component),
        lambda: rows.insert_unless_conflict(user, ["username"]),
        lambda: rows.insert_select_statement(user, {}, "source"),
        lambda: rows.update(user, ["full_name"]),
        lambda: rows.update_statement(user, ["full_name"]),
        lambda: rows.reserve_id(type(user)),
    ]
    for call in calls:
        with pytest.raises(rows.NotWritable, match=r"core\.rows may not write core\.User"):
            call()
    assert not type(user).objects.filter(username=user.username).exists()


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="psycopg's literals and fast path")
def test_postgresql_receives_the_literals_of_djangos_statement(written):
    """On PostgreSQL core.rows hands str, int, bool, aware datetime, date and UUID values to
    psycopg without the field methods, and composes statements of more than 50 parameters
    itself: the statement the server receives carries, row after row, exactly the literals of
    the statement Django would send for each instance."""
    from django.test.utils import CaptureQueriesContext
    from psycopg import ClientCursor

    def values(sql: str) -> str:
        return sql.split(" VALUES ", 1)[1].rsplit(" RETURNING ", 1)[0]

    for label in (
        "records.RecordComponent",
        "records.RecordStep",
        "records.RecordFee",
        "apiaccess.ApiCall",
    ):
        model = apps.get_model(label)
        assert any(fast for _a, _f, fast in rows._insert_plan(model, "postgresql")), label
        # More than 50 parameters: the statement is composed by rows.execute.
        width = len(written[label]) * len(rows._insert_fields(model))
        sources = written[label] * (rows.PSYCOPG_CACHED_PARAMS // width + 1)
        objs = [_new(obj) for obj in sources]
        with travel("2025-04-22 09:30"):
            with CaptureQueriesContext(connection) as ctx:
                rows.insert(objs)
            expected = []
            for obj in sources:
                sql, params = _django_statement(
                    lambda obj=obj: models.Model.save(_new(obj), force_insert=True)
                )
                mogrified = ClientCursor(connection.connection).mogrify(sql, params)
                expected.append(values(mogrified))
        [sent] = [q["sql"] for q in ctx.captured_queries]
        assert len(objs) * len(rows._insert_fields(model)) > rows.PSYCOPG_CACHED_PARAMS
        assert values(sent) == ", ".join(expected), label
        assert all(obj.pk is not None and not obj._state.adding for obj in objs)
