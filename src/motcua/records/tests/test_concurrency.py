"""Concurrency on PostgreSQL with several connections: unique record codes, one winner per move."""

import threading

import pytest
from django.db import connection, connections

from motcua.core.errors import Conflict
from motcua.core.models import User
from motcua.organisations.models import Role, StaffRole
from motcua.records import services
from motcua.records.models import Record, RecordEvent
from motcua.records.tests.factories import build_world, receive, travel

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://...",
    ),
]


def run_in_threads(count, target):
    barrier = threading.Barrier(count)
    results, errors = [], []

    def work(index):
        try:
            barrier.wait(timeout=10)
            results.append(target(index))
        except Exception as exc:  # noqa: BLE001 - collected for the assertions
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_record_codes_are_unique_under_concurrency():
    world = build_world()
    with travel("2025-04-21 08:00"):
        results, errors = run_in_threads(12, lambda i: receive(world).code)
    assert errors == []
    assert sorted(results) == [f"000.00.12.H99-250421-{n:04d}" for n in range(1, 13)]


@pytest.mark.django_db(transaction=True)
def test_two_officers_claiming_at_once_one_wins():
    world = build_world()
    with travel("2025-04-21 08:00"):
        record = receive(world)
        # Three holders of the step's role (the unit head may not claim a specialist's step).
        third = User.objects.create_user(username="specialist3", password="x-specialist3")
        StaffRole.objects.create(
            user=third, agency=world.justice, unit=world.lltp, role=Role.SPECIALIST
        )
        officers = [world.specialist, world.specialist2, third]
        results, errors = run_in_threads(
            3, lambda i: services.step_claim(actor=officers[i], record=record)
        )
    assert len(results) == 1
    assert len(errors) == 2 and all(isinstance(e, Conflict) for e in errors)
    assert RecordEvent.objects.filter(record=record, kind="record.claimed").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_forwards_of_the_same_step_one_wins():
    world = build_world()
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
        step_id = Record.objects.get(pk=record.pk).current_step_id
        # The assignee in two browser tabs (only they may forward the specialist's step).
        actors = [world.specialist, world.specialist]
        results, errors = run_in_threads(
            2,
            lambda i: services.step_forward(
                actor=actors[i],
                record=record,
                assignee=world.police_officer,
                expected_step_id=step_id,
            ),
        )
    assert len(results) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], Conflict)
    assert RecordEvent.objects.filter(record=record, kind="record.forwarded").count() == 1
    assert Record.objects.get(pk=record.pk).steps.count() == 3
