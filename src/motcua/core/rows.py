"""INSERT and UPDATE of model instances without the ORM's per-call query compilation.

For the hot write paths (a record move writes several rows in one transaction). Each call runs
the same single statement ``Model.save()`` / ``bulk_create()`` would run, with the values
prepared by the same field methods (``pre_save`` fills ``auto_now`` fields,
``get_db_prep_save`` adapts JSON, dates, foreign keys), but the SQL text is built once per
model, column set and row count instead of on every call: Django's statement compiler was a
large share of the CPU of an intake (measured: docs/performance.md, "Desk intake"; why and
what it costs: docs/decisions/0004-fast-write-path.md).

What is left out, on purpose: model ``save()`` overrides and the ``pre_save``/``post_save``
signals (like ``bulk_create``), and validation (like ``save()``). Only the models in
``WRITABLE`` may be written here: their ``save()`` adds nothing but append-only guards and no
signal receiver watches them; core/tests/test_rows_contract.py compares, for each of them, the
columns and values written here with those Django's own compiler produces.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connections, router
from django.db.backends.signals import connection_created
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    EmailField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    OneToOneField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    SlugField,
    SmallIntegerField,
    TextField,
    URLField,
    UUIDField,
)

# The models this module may write (``app_label.ModelName``). Before adding one: its ``save()``
# must add nothing but an append-only guard, no ``pre_save``/``post_save`` receiver may watch
# it, and the contract test (core/tests/test_rows_contract.py) must build an instance of it.
WRITABLE = frozenset(
    {
        "apiaccess.ApiCall",
        "apiaccess.IdempotencyKey",
        "apiaccess.InboundSubmission",
        "audit.AuditEntry",
        "exchange.Delivery",
        "exchange.OutboxEvent",
        "records.Record",
        "records.RecordComponent",
        "records.RecordEvent",
        "records.RecordFee",
        "records.RecordStep",
    }
)


class NotWritable(TypeError):
    """A model that is not in ``WRITABLE`` was handed to this module."""


@functools.cache
def _writable(model: type[Model]) -> type[Model]:
    """``model``, if this module may write it; otherwise ``NotWritable`` (not cached)."""
    label = model._meta.label
    if label not in WRITABLE:
        raise NotWritable(
            f"core.rows may not write {label}: it is not in core.rows.WRITABLE (use the ORM, or "
            "add it there after the checks that list's comment names)"
        )
    return model


@functools.cache
def _insert_fields(model: type[Model], with_pk: bool = False) -> tuple[Field[Any, Any], ...]:
    """The INSERT's columns: every concrete field but the generated key (unless ``with_pk``:
    a key reserved beforehand with ``reserve_id``)."""
    meta = model._meta
    return tuple(f for f in meta.local_concrete_fields if with_pk or f is not meta.auto_field)


# Values that PostgreSQL's ``get_db_prep_save`` hands to psycopg unchanged, by exact field class
# (a subclass may convert, so it takes the full path): the test is on the value's exact type
# (``bool`` is an ``int``, a lazy translation is not a ``str``), and anything else, ``None``
# included where it would need a decision, goes through the field's own methods.
def _is_str(value: Any) -> bool:
    return type(value) is str


def _is_int(value: Any) -> bool:
    return type(value) is int


def _is_bool(value: Any) -> bool:
    return type(value) is bool


def _is_aware_datetime(value: Any) -> bool:
    return type(value) is datetime and value.utcoffset() is not None


def _is_date(value: Any) -> bool:
    return type(value) is date


def _is_uuid(value: Any) -> bool:
    return type(value) is uuid.UUID


_STRINGS = (CharField, TextField, EmailField, SlugField, URLField)
_INTEGERS = (
    IntegerField,
    BigIntegerField,
    SmallIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
)

# A fast column: the test of the values that need no field method, and what psycopg gets for
# them (``None``: the value itself).
Fast = tuple[Callable[[Any], bool], Callable[[Any], Any] | None]


def _passthrough(field: Field[Any, Any]) -> Fast | None:
    """How values of ``field`` go to PostgreSQL without the field's methods, or ``None``."""
    kind = type(field)
    if kind in (ForeignKey, OneToOneField):
        target = field.target_field  # type: ignore[attr-defined]
        return _passthrough(target) if not target.is_relation else None
    if kind in _STRINGS:
        return _is_str, None
    if kind in (AutoField, BigAutoField):  # validate_autopk_value() passes an int unchanged
        return _is_int, None
    if kind in _INTEGERS:  # adapt_integerfield_value() types the int for the server
        from django.db.backends.postgresql.operations import DatabaseOperations

        return _is_int, DatabaseOperations.integerfield_type_map[field.get_internal_type()]  # type: ignore[attr-defined]
    if kind is BooleanField:
        return _is_bool, None
    if kind is DateTimeField and not (field.auto_now or field.auto_now_add):  # type: ignore[attr-defined]
        return _is_aware_datetime, None
    if kind is DateField and not (field.auto_now or field.auto_now_add):  # type: ignore[attr-defined]
        return _is_date, None
    if kind is UUIDField:
        return _is_uuid, None
    return None


@functools.cache
def _insert_plan(
    model: type[Model], vendor: str, with_pk: bool = False
) -> tuple[tuple[str, Field[Any, Any], Fast | None], ...]:
    """Per insert column: attribute name, field and (PostgreSQL only) its fast path."""
    return tuple(
        (f.attname, f, _passthrough(f) if vendor == "postgresql" else None)
        for f in _insert_fields(model, with_pk)
    )


@functools.cache
def _insert_sql(model: type[Model], vendor: str, rows: int, with_pk: bool = False) -> str:
    meta = model._meta
    qn = connections[router.db_for_write(model)].ops.quote_name
    fields = _insert_fields(model, with_pk)
    columns = ", ".join(qn(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {qn(meta.auto_field.column)}" if meta.auto_field else ""
    return (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES "  # noqa: S608
        + ", ".join([one] * rows)
        + returning
    )


# psycopg composes a client-side statement by scanning its text for placeholders, and caches
# that scan only for statements of at most 50 parameters: the record's INSERT (with its event)
# and the components/fees/steps statement have more, and were scanned at every intake (its
# share of the Python time: docs/performance.md, "Desk intake"). Their text is fixed per model
# and row count, so the scan is cached here; values are turned into literals by psycopg itself
# (``as_literal``, what its client-side cursor does), so the statement sent is the same.
PSYCOPG_CACHED_PARAMS = 50


@functools.lru_cache(maxsize=256)
def _template(sql: str) -> tuple[bytes, ...]:
    if "%%" in sql or "%(" in sql:  # pragma: no cover - our statements have neither
        raise ValueError("only %s placeholders are supported")
    return tuple(part.encode() for part in sql.split("%s"))


def execute(cursor: Any, sql: str, params: Sequence[Any]) -> None:
    """``cursor.execute(sql, params)`` on a Django cursor; on PostgreSQL, for statements of
    more than 50 parameters, composed with the placeholder scan cached."""
    if cursor.db.vendor != "postgresql" or len(params) <= PSYCOPG_CACHED_PARAMS:
        cursor.execute(sql, params)
        return
    parts = _template(sql)
    if len(parts) != len(params) + 1:
        raise ValueError(f"{len(parts) - 1} placeholders for {len(params)} parameters")
    from psycopg.adapt import Transformer

    raw = cursor.cursor.connection
    literal = Transformer.from_context(raw).as_literal
    chunks = [parts[0]]
    for value, part in zip(params, parts[1:], strict=True):
        chunks.append(b"NULL" if value is None else literal(value))
        chunks.append(part)
    cursor.execute(b"".join(chunks).decode(raw.info.encoding), None)


def insert(objs: Sequence[Model]) -> None:
    """INSERT ``objs`` (instances of one model) in one statement and set their primary keys.

    Same columns and values as ``bulk_create`` (foreign keys to instances saved since they were
    assigned are resolved the same way); the instances are marked as saved."""
    if not objs:
        return
    model = _writable(type(objs[0]))
    connection = connections[router.db_for_write(model)]
    batch = max(connection.ops.bulk_batch_size(list(_insert_fields(model)), objs), 1)
    if len(objs) > batch:
        for start in range(0, len(objs), batch):
            insert(objs[start : start + batch])
        return
    sql, params = insert_statement(objs)
    with connection.cursor() as cursor:
        execute(cursor, sql, params)
        ids = [row[0] for row in cursor.fetchall()] if model._meta.auto_field else None
    mark_saved(objs, ids)


def insert_statement(objs: Sequence[Model], *, with_pk: bool = False) -> tuple[str, list[Any]]:
    """The INSERT of ``insert`` (``RETURNING`` the primary key) and its parameters, for callers
    that embed it in a larger statement (e.g. a PostgreSQL ``WITH``); then call ``mark_saved``.
    ``with_pk``: the instances carry keys reserved with ``reserve_id``, written as they are."""
    model = _writable(type(objs[0]))
    connection = connections[router.db_for_write(model)]
    plan = _insert_plan(model, connection.vendor, with_pk)
    params: list[Any] = []
    append = params.append
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
        for attname, f, fast in plan:
            if fast is not None:
                value = getattr(obj, attname)
                if fast[0](value):
                    append(value if fast[1] is None else fast[1](value))
                    continue
            append(f.get_db_prep_save(f.pre_save(obj, True), connection))
    return _insert_sql(model, connection.vendor, len(objs), with_pk), params


def insert_select_statement(
    obj: Model, computed: dict[str, str], source: str, *, with_pk: bool = False
) -> tuple[str, list[Any]]:
    """PostgreSQL: ``INSERT INTO t (...) SELECT ... FROM source RETURNING pk`` for ``obj``, the
    columns of the fields named in ``computed`` taking SQL expressions over ``source`` instead
    of the instance's values; one row per row of ``source``. An expression has no parameters
    but may use the instance's own value as ``{value}``. ``with_pk``: as in ``insert_statement``."""
    sql, params = insert_statement([obj], with_pk=with_pk)
    model = type(obj)
    meta = model._meta
    qn = connections[router.db_for_write(model)].ops.quote_name
    fields = _insert_fields(model, with_pk)
    head = sql.split(" VALUES ", 1)[0]
    values, kept = [], []
    for field, param in zip(fields, params, strict=True):
        if field.name in computed:
            expression = computed[field.name]
            if "{value}" in expression:
                values.append(expression.replace("{value}", "%s"))
                kept.append(param)
            else:
                values.append(expression)
        else:
            values.append("%s")
            kept.append(param)
    returning = f" RETURNING {qn(meta.pk.column)}"
    # Column names and expressions are ours, never user input; values are parameters.
    return f"{head} SELECT {', '.join(values)} FROM {source}{returning}", kept  # noqa: S608


# Keys reserved ahead, per process, database alias and model (``reserve_id``); forgotten when
# the alias opens a new connection (a database restored or recreated meanwhile, as in tests,
# may have put its sequences back).
_reserved: dict[tuple[str, type[Model]], list[int]] = {}
RESERVE_BLOCK = 20


def _forget_reserved(sender: Any, connection: Any, **kwargs: Any) -> None:
    for key in [key for key in _reserved if key[0] == connection.alias]:
        del _reserved[key]


connection_created.connect(_forget_reserved, dispatch_uid="motcua-rows-reserved")


def reserve_id(model: type[Model]) -> int:
    """PostgreSQL: a value of ``model``'s key sequence, never handed out again, for an instance
    written later with ``with_pk`` (rows that refer to it can be written first: foreign keys
    are checked at commit). Values are drawn ``RESERVE_BLOCK`` at a time, so most calls run no
    statement: keys stay unique but, across processes, no longer follow the order of writing
    (order by the instant, the key only breaks ties). A value of a rolled-back transaction is
    not reused, like any sequence value."""
    meta = _writable(model)._meta
    alias = router.db_for_write(model)
    pool = _reserved.setdefault((alias, model), [])
    if not pool:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, RESERVE_BLOCK],
            )
            pool.extend(sorted((int(row[0]) for row in cursor.fetchall()), reverse=True))
    return pool.pop()


def insert_groups(groups: Sequence[Sequence[Model]]) -> None:
    """``insert`` for several lists of instances (each of one model) in one statement on
    PostgreSQL (a ``WITH`` per list; none may need another's keys), one per list elsewhere."""
    groups = [objs for objs in groups if objs]
    if not groups:
        return
    connection = connections[router.db_for_write(type(groups[0][0]))]
    if connection.vendor != "postgresql" or len(groups) == 1:
        for objs in groups:
            insert(objs)
        return
    parts, selects, params = [], [], []
    for index, objs in enumerate(groups):
        if type(objs[0])._meta.auto_field is None:  # pragma: no cover - every model has one
            raise ValueError("insert_groups needs models with a generated key")
        sql, values = insert_statement(objs)
        parts.append(f"g{index} AS ({sql})")
        selects.append(f"SELECT {index}, * FROM g{index}")  # noqa: S608 - no input in it
        params.extend(values)
    with connection.cursor() as cursor:
        execute(cursor, "WITH " + ", ".join(parts) + " " + " UNION ALL ".join(selects), params)
        found = cursor.fetchall()
    for index, objs in enumerate(groups):
        ids = [row[1] for row in found if row[0] == index]
        if len(ids) != len(objs):  # pragma: no cover - RETURNING yields one row per VALUES row
            raise RuntimeError("insert_groups: wrong number of keys returned")
        mark_saved(objs, ids)


def insert_unless_conflict(obj: Model, columns: Sequence[str], where: str = "") -> bool:
    """INSERT ``obj`` unless a row with the same ``columns`` (a unique constraint) exists:
    ``INSERT ... ON CONFLICT (columns) DO NOTHING`` in one statement, no savepoint. Returns
    whether ``obj`` was inserted. Like a unique-index violation, a conflicting row being written
    by another transaction makes this wait for that transaction's outcome. ``where``: the
    predicate of a partial unique index, as SQL on quoted column names."""
    model = type(obj)
    connection = connections[router.db_for_write(model)]
    sql, params = insert_statement([obj])
    qn = connection.ops.quote_name
    meta = model._meta
    target = ", ".join(qn(meta.get_field(name).column) for name in columns)  # type: ignore[union-attr,arg-type]
    head, returning = sql.split(" RETURNING ", 1)
    with connection.cursor() as cursor:
        predicate = f" WHERE {where}" if where else ""
        cursor.execute(
            f"{head} ON CONFLICT ({target}){predicate} DO NOTHING RETURNING {returning}", params
        )
        row = cursor.fetchone()
    if row is None:
        return False
    mark_saved([obj], [row[0]])
    return True


def mark_saved(objs: Sequence[Model], ids: Sequence[Any] | None) -> None:
    for index, obj in enumerate(objs):
        if ids is not None:
            obj.pk = ids[index]
        obj._state.adding = False
        obj._state.db = router.db_for_write(type(obj))


@functools.cache
def _update_sql(model: type[Model], vendor: str, names: tuple[str, ...]) -> str:
    meta = model._meta
    qn = connections[router.db_for_write(model)].ops.quote_name
    sets = ", ".join(f"{qn(meta.get_field(name).column)} = %s" for name in names)  # type: ignore[union-attr,arg-type]
    return f"UPDATE {qn(meta.db_table)} SET {sets} WHERE {qn(meta.pk.column)} = %s"  # noqa: S608


def update_statement(obj: Model, names: Sequence[str]) -> tuple[str, list[Any]]:
    """The UPDATE of ``update`` and its parameters."""
    model = _writable(type(obj))
    connection = connections[router.db_for_write(model)]
    meta = model._meta
    params: list[Any] = []
    for name in names:
        f = meta.get_field(name)
        params.append(f.get_db_prep_save(f.pre_save(obj, False), connection))  # type: ignore[union-attr]
    params.append(obj.pk)
    return _update_sql(model, connection.vendor, tuple(names)), params


def update(obj: Model, names: Sequence[str]) -> None:
    """``obj.save(update_fields=names)`` in one prepared statement (``auto_now`` fields named in
    ``names`` are refreshed like ``save`` does)."""
    sql, params = update_statement(obj, names)
    with connections[router.db_for_write(type(obj))].cursor() as cursor:
        cursor.execute(sql, params)


def insert_pair(first: Model, new: Model) -> None:
    """PostgreSQL: INSERT ``first`` (its key reserved with ``reserve_id``) and ``new`` in one
    statement (a ``WITH`` holding the first; ``new`` may refer to it by key)."""
    first_sql, first_params = insert_statement([first], with_pk=True)
    insert_sql, insert_params = insert_statement([new])
    connection = connections[router.db_for_write(type(new))]
    with connection.cursor() as cursor:
        execute(
            cursor, f"WITH written AS ({first_sql}) {insert_sql}", [*first_params, *insert_params]
        )
        ids = [row[0] for row in cursor.fetchall()] if type(new)._meta.auto_field else None
    mark_saved([first], None)
    mark_saved([new], ids)


def update_and_insert(obj: Model, names: Sequence[str], new: Model) -> None:
    """PostgreSQL: ``update(obj, names)`` and ``insert([new])`` in one statement (a ``WITH``
    holding the UPDATE; both see the same snapshot, so ``new`` must not need the update)."""
    update_sql, update_params = update_statement(obj, names)
    insert_sql, insert_params = insert_statement([new])
    connection = connections[router.db_for_write(type(new))]
    with connection.cursor() as cursor:
        execute(
            cursor, f"WITH updated AS ({update_sql}) {insert_sql}", [*update_params, *insert_params]
        )
        ids = [row[0] for row in cursor.fetchall()] if type(new)._meta.auto_field else None
    mark_saved([new], ids)
