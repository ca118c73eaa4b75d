"""INSERT and UPDATE of model instances without the ORM's per-call query compilation.

For the hot write paths (a record move writes ~10 rows in one transaction). Each call runs the
same single statement ``Model.save()`` / ``bulk_create()`` would run, with the values prepared by
the same field methods (``pre_save`` fills ``auto_now`` fields, ``get_db_prep_save`` adapts
JSON, dates, foreign keys), but the SQL text is built once per model, column set and row count
instead of on every call: Django's statement compiler was about half of the CPU of an intake
(bench/intake.py, docs/performance.md "Desk intake").

What is left out, on purpose: model ``save()`` overrides and the ``pre_save``/``post_save``
signals (like ``bulk_create``), and validation (like ``save()``). Use these only for models whose
``save()`` adds nothing but append-only guards, and that no signal receiver watches.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Field, Model


@functools.cache
def _insert_fields(model: type[Model]) -> tuple[Field[Any, Any], ...]:
    meta = model._meta
    return tuple(f for f in meta.local_concrete_fields if f is not meta.auto_field)


@functools.cache
def _insert_sql(model: type[Model], vendor: str, rows: int) -> str:
    meta = model._meta
    qn = connections[router.db_for_write(model)].ops.quote_name
    fields = _insert_fields(model)
    columns = ", ".join(qn(f.column) for f in fields)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {qn(meta.auto_field.column)}" if meta.auto_field else ""
    return (
        f"INSERT INTO {qn(meta.db_table)} ({columns}) VALUES "  # noqa: S608
        + ", ".join([one] * rows)
        + returning
    )


def insert(objs: Sequence[Model]) -> None:
    """INSERT ``objs`` (instances of one model) in one statement and set their primary keys.

    Same columns and values as ``bulk_create`` (foreign keys to instances saved since they were
    assigned are resolved the same way); the instances are marked as saved."""
    if not objs:
        return
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    batch = max(connection.ops.bulk_batch_size(list(_insert_fields(model)), objs), 1)
    if len(objs) > batch:
        for start in range(0, len(objs), batch):
            insert(objs[start : start + batch])
        return
    sql, params = insert_statement(objs)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [row[0] for row in cursor.fetchall()] if model._meta.auto_field else None
    mark_saved(objs, ids)


def insert_statement(objs: Sequence[Model]) -> tuple[str, list[Any]]:
    """The INSERT of ``insert`` (``RETURNING`` the primary key) and its parameters, for callers
    that embed it in a larger statement (e.g. a PostgreSQL ``WITH``); then call ``mark_saved``."""
    model = type(objs[0])
    connection = connections[router.db_for_write(model)]
    fields = _insert_fields(model)
    params: list[Any] = []
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="insert")  # type: ignore[attr-defined]
        params.extend(f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields)
    return _insert_sql(model, connection.vendor, len(objs)), params


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
    model = type(obj)
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


def update_and_insert(obj: Model, names: Sequence[str], new: Model) -> None:
    """PostgreSQL: ``update(obj, names)`` and ``insert([new])`` in one statement (a ``WITH``
    holding the UPDATE; both see the same snapshot, so ``new`` must not need the update)."""
    update_sql, update_params = update_statement(obj, names)
    insert_sql, insert_params = insert_statement([new])
    connection = connections[router.db_for_write(type(new))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH updated AS ({update_sql}) {insert_sql}", [*update_params, *insert_params]
        )
        ids = [row[0] for row in cursor.fetchall()] if type(new)._meta.auto_field else None
    mark_saved([new], ids)
