"""Desk intake runs a fixed, small number of statements (bench/intake.py, docs/performance.md
"Desk intake"): the record, its components, fees and steps, one upsert for the code and book
number, the record's update, the event, the audit entry and the outbox row. The version in force
and its checklist come from the memo once it is warm."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.core import rows
from motcua.exchange.models import OutboxEvent
from motcua.records.models import Record
from motcua.records.services import record_receive
from motcua.records.tests.factories import applicant, full_components, receive, travel

# SAVEPOINT, record, components, fees, steps, counters, record update, event, outbox row,
# subscribers, audit head lock, audit entry + head move, RELEASE (the test's own transaction
# turns the service's BEGIN/COMMIT into a savepoint). On PostgreSQL the record's key comes from
# the keys the process reserved ahead (one statement per rows.RESERVE_BLOCK records) and the
# record is written once, numbered, in its event's statement (counters + record + event);
# components, fees and steps are one statement, and so are the outbox row + subscribers, and
# the audit head lock + entry + head move.
EXPECTED = {"postgresql": 6}
DEFAULT = 14


def test_desk_intake_runs_a_fixed_number_of_statements(world, django_assert_num_queries):
    rows._reserved.clear()
    with travel("2025-04-21 08:00"):
        receive(world)  # warms the memo (version in force, plan, calendar) and reserves keys
        components = full_components(world.pause_procedure)
        person = applicant()
        with django_assert_num_queries(EXPECTED.get(connection.vendor, DEFAULT)):
            record = record_receive(
                actor=world.reception,
                agency=world.justice,
                procedure=world.pause_procedure,
                channel="direct",
                applicant=person,
                components=components,
            )
    assert record.code
    assert OutboxEvent.objects.filter(record_id=record.pk).count() == 1
    assert Record.objects.count() == 2


def test_the_record_row_is_written_once_and_whole(world):
    """On PostgreSQL no UPDATE of the record: its row arrives with its code, book number and
    current step (and the rows written before it point at it)."""
    with travel("2025-04-21 08:00"):
        receive(world)
        with CaptureQueriesContext(connection) as ctx:
            record = receive(world)
    table = Record._meta.db_table
    updates = [q["sql"] for q in ctx.captured_queries if f'UPDATE "{table}"' in q["sql"]]
    if connection.vendor == "postgresql":
        assert updates == []
    stored = Record.objects.get(pk=record.pk)
    assert stored.code == record.code and stored.book_number == record.book_number
    assert stored.current_step_id == record.current_step_id
    assert stored.current_step.record_id == record.pk
    assert stored.components.count() == record.components.count() > 0
    assert stored.events.get().kind == "record.received"
    connection.check_constraints()  # the deferred foreign keys hold before the commit


def test_the_query_count_does_not_depend_on_the_number_of_components(world):
    with travel("2025-04-21 08:00"):
        receive(world)
        with CaptureQueriesContext(connection) as first:
            receive(world)
        with CaptureQueriesContext(connection) as second:
            receive(world)
    assert len(first.captured_queries) == len(second.captured_queries)
