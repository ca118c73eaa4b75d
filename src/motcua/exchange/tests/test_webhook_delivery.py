"""Webhook deliveries against a fake receiver on 127.0.0.1 that checks signatures."""

import json
import time

from motcua.exchange import signing
from motcua.exchange.models import Delivery, OutboxEvent
from motcua.exchange.tests.factories import SECRET, fast_worker, webhook
from motcua.exchange.tests.fakes import WebhookReceiver
from motcua.records import services
from motcua.records.tests.factories import receive, travel


def make_records(world, count=3):
    records = []
    with travel("2025-04-21 08:00"):
        for _ in range(count):
            record = receive(world)
            services.step_claim(actor=world.specialist, record=record)
            records.append(record)
    return records


def test_delivers_signed_events_in_order_and_marks_them_delivered(world, receiver):
    webhook(receiver.url + "/hook")
    records = make_records(world)
    report = fast_worker().run(until_idle=True)
    assert report.delivered == 6
    assert receiver.rejected == 0
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert all(d.delivered_at and d.attempts == 1 for d in Delivery.objects.all())
    for record in records:
        sequences = list(
            OutboxEvent.objects.filter(record=record)
            .order_by("id")
            .values_list("record_event_id", flat=True)
        )
        assert receiver.order_by_record[record.pk] == sequences
    # the body received is the stored body, byte for byte
    item = OutboxEvent.objects.first()
    assert receiver.events[str(item.event_id)] == json.loads(item.body)


def test_a_receiver_with_another_secret_rejects_and_the_delivery_fails(world):
    wrong = WebhookReceiver("not-the-secret-at-all").start()
    try:
        webhook(wrong.url)
        make_records(world, count=1)
        report = fast_worker().run_once()
    finally:
        wrong.stop()
    assert report.failed == 1
    assert wrong.rejected == 1
    failed = Delivery.objects.get(state="failed")
    assert failed.last_status_code == 401 and "HTTP 401" in failed.last_error
    # the later event of the same record waits behind the failed one
    assert Delivery.objects.filter(state="pending", attempts=0).count() == 1


def test_backoff_then_dead_letter_after_max_attempts_then_resend(world, receiver):
    webhook(receiver.url)
    make_records(world, count=1)
    receiver.mode = "500"
    worker = fast_worker(max_attempts=3, retry_base=0.02, retry_max=0.02)
    first = worker.run_once()
    assert first.failed == 1 and first.deferred == 0
    head = Delivery.objects.order_by("id").first()
    assert head.state == "failed" and head.attempts == 1
    assert head.next_attempt_at > head.last_attempt_at  # backed off
    worker.run(max_seconds=1.0)
    head.refresh_from_db()
    assert head.state == "dead" and head.attempts == 3
    later = Delivery.objects.order_by("id").last()
    assert later.state == "pending" and later.attempts == 0  # blocked behind the dead one
    assert worker.run_once().claimed == 0

    receiver.mode = "ok"
    from motcua.exchange.services import delivery_resend

    assert delivery_resend(actor=world.admin, delivery_ids=[head.pk]) == 1
    fast_worker().run(until_idle=True)
    assert set(Delivery.objects.values_list("state", flat=True)) == {"delivered"}
    assert receiver.order_by_record[head.record_id] == sorted(
        receiver.order_by_record[head.record_id]
    )


def test_receiver_down_for_a_long_stretch_then_back_loses_nothing(world, receiver):
    """Connection refused for many retry rounds, then up again: every event arrives exactly
    once after de-duplication, in order per record."""
    webhook(receiver.url)
    records = make_records(world, count=4)
    receiver.stop()
    worker = fast_worker(max_attempts=1000, retry_base=0.005, retry_max=0.02)
    worker.run(max_seconds=1.0)
    assert Delivery.objects.filter(state="delivered").count() == 0
    attempts = sum(Delivery.objects.values_list("attempts", flat=True))
    assert attempts >= 10  # it kept trying
    receiver.start()
    deadline = time.monotonic() + 10
    while Delivery.objects.exclude(state="delivered").exists() and time.monotonic() < deadline:
        worker.run(until_idle=True)
        time.sleep(0.02)
    assert Delivery.objects.exclude(state="delivered").count() == 0
    expected = {str(e) for e in OutboxEvent.objects.values_list("event_id", flat=True)}
    assert set(receiver.events) == expected
    for record in records:
        assert receiver.order_by_record[record.pk] == sorted(receiver.order_by_record[record.pk])


def test_a_down_subscriber_does_not_spend_the_attempts_of_its_other_deliveries(world, receiver):
    webhook(receiver.url)
    make_records(world, count=3)
    receiver.stop()
    report = fast_worker().run_once()
    # three records' first events are due; one is tried, two are deferred without an attempt
    assert report.claimed == 3 and report.failed == 1 and report.deferred == 2
    assert sorted(Delivery.objects.values_list("attempts", flat=True)) == [0, 0, 0, 0, 0, 1]


def test_verify_helper_matches_the_documented_scheme():
    body = b'{"id":"x"}'
    now = int(time.time())
    signature = signing.sign(SECRET, now, body)
    assert signing.verify(SECRET, timestamp=str(now), signature=signature, body=body)
    assert not signing.verify(SECRET, timestamp=str(now), signature=signature, body=body + b" ")
    assert not signing.verify(
        SECRET, timestamp=str(now - 600), signature=signing.sign(SECRET, now - 600, body), body=body
    )


def test_the_outbox_worker_command_delivers_until_idle(world, receiver):
    from io import StringIO

    from django.core.management import call_command

    webhook(receiver.url)
    make_records(world, count=2)
    out = StringIO()
    call_command("outbox-worker", "--until-idle", "--worker-id", "cmd", stdout=out)
    assert "delivered=4" in out.getvalue()
    assert set(Delivery.objects.values_list("lease_owner", flat=True)) == {"cmd"}
    assert len(receiver.events) == 4
