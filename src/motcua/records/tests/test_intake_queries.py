"""Desk intake runs a fixed, small number of statements (bench/intake.py, docs/performance.md
"Desk intake"): the record, its components, fees and steps, one upsert for the code and book
number, the record's update, the event, the audit entry and the outbox row. The version in force
and its checklist come from the memo once it is warm."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.exchange.models import OutboxEvent
from motcua.records.models import Record
from motcua.records.services import record_receive
from motcua.records.tests.factories import applicant, full_components, receive, travel

# SAVEPOINT, record, components, fees, steps, counters, record update, event, audit head lock,
# audit entry + head move, outbox row, subscribers, RELEASE (the test's own transaction turns
# the service's BEGIN/COMMIT into a savepoint). On PostgreSQL three pairs are one statement
# each: record update + event, audit entry + head move, outbox row + subscribers.
EXPECTED = {"postgresql": 11}
DEFAULT = 14


def test_desk_intake_runs_a_fixed_number_of_statements(world, django_assert_num_queries):
    with travel("2025-04-21 08:00"):
        receive(world)  # warms the memo (version in force, plan, calendar)
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


def test_the_query_count_does_not_depend_on_the_number_of_components(world):
    with travel("2025-04-21 08:00"):
        receive(world)
        with CaptureQueriesContext(connection) as first:
            receive(world)
        with CaptureQueriesContext(connection) as second:
            receive(world)
    assert len(first.captured_queries) == len(second.captured_queries)
