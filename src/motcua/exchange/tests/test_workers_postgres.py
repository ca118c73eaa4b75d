"""Workers as separate processes against PostgreSQL: two at once never deliver the same event
concurrently, and a worker killed with SIGKILL mid-delivery loses nothing (its lease expires)."""

import os
import select
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from motcua.exchange.models import Delivery, OutboxEvent
from motcua.exchange.tests.factories import SECRET, webhook
from motcua.exchange.tests.fakes import WebhookReceiver
from motcua.records import services
from motcua.records.tests.factories import build_world, receive, travel

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: run with DATABASE_URL=postgres://...",
    ),
]


def worker_env(**overrides):
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "motcua.conf.test",
        "DATABASE_URL": url,
        "MOTCUA_OUTBOX_RETRY_BASE_SECONDS": "0.01",
        "MOTCUA_OUTBOX_RETRY_MAX_SECONDS": "0.05",
        "MOTCUA_OUTBOX_POLL_SECONDS": "0.02",
        "MOTCUA_OUTBOX_HTTP_TIMEOUT_SECONDS": "0.5",
        "MOTCUA_OUTBOX_LEASE_SECONDS": "3",
        "MOTCUA_OUTBOX_MAX_ATTEMPTS": "1000",
        "MOTCUA_OUTBOX_BATCH_SIZE": "5",
    }
    env.update(overrides)
    return env


def start_worker(name, env):
    return subprocess.Popen(
        [sys.executable, "-m", "motcua", "outbox-worker", "--worker-id", name, "-v", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_started(process, limit=60):
    """Until the worker prints "started" (its SIGTERM handler is in place): a worker still
    starting Django when the test stops it would die of the signal instead of finishing."""
    line = b""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and b"started" not in line:
        ready, _w, _x = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
    assert b"started" in line, process.stderr.read() if process.poll() is not None else line


def stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_delivered(limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not Delivery.objects.exclude(state="delivered").exists():
            return True
        time.sleep(0.1)
    return False


def make_events(world, records):
    with travel("2025-04-21 08:00"):
        for _ in range(records):
            record = receive(world)
            services.step_claim(actor=world.specialist, record=record)


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_deliver_the_same_event_at_once():
    world = build_world()
    receiver = WebhookReceiver(SECRET, delay=0.01).start()
    try:
        webhook(receiver.url)
        make_events(world, 12)
        env = worker_env()
        workers = [start_worker("w1", env), start_worker("w2", env)]
        for process in workers:
            wait_started(process)
        try:
            assert wait_until_delivered(30), "not everything was delivered in time"
        finally:
            for process in workers:
                stop(process)
        assert [p.returncode for p in workers] == [0, 0], [p.stderr.read() for p in workers]
    finally:
        receiver.stop()
    expected = {str(e) for e in OutboxEvent.objects.values_list("event_id", flat=True)}
    assert len(expected) == 24
    assert set(receiver.events) == expected
    assert receiver.concurrent == []
    assert receiver.duplicates == 0  # nobody died: each event arrived exactly once
    for sequences in receiver.order_by_record.values():
        assert sequences == sorted(sequences)
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_delivery_loses_nothing():
    world = build_world()
    receiver = WebhookReceiver(SECRET, delay=0.3).start()
    try:
        webhook(receiver.url)
        make_events(world, 4)
        env = worker_env(
            MOTCUA_OUTBOX_HTTP_TIMEOUT_SECONDS="0.4", MOTCUA_OUTBOX_LEASE_SECONDS="2.5"
        )
        doomed = start_worker("doomed", env)
        assert receiver.first_request.wait(20), "the first worker never delivered"
        os.kill(doomed.pid, signal.SIGKILL)  # in the middle of a POST
        doomed.wait(timeout=10)
        claimed = Delivery.objects.filter(lease_owner="doomed").exclude(state="delivered")
        assert claimed.exists()  # it died holding claims
        rescuer = start_worker("rescuer", env)
        try:
            assert wait_until_delivered(30), "the claims of the dead worker were never retried"
        finally:
            stop(rescuer)
    finally:
        receiver.stop()
    expected = {str(e) for e in OutboxEvent.objects.values_list("event_id", flat=True)}
    assert set(receiver.events) == expected  # none lost
    # at least once: the event in flight when the worker died may arrive twice, no more
    assert all(count <= 2 for count in receiver.arrivals.values())
    for sequences in receiver.order_by_record.values():
        assert sequences == sorted(sequences)
    assert Delivery.objects.filter(lease_owner="rescuer").exists()
