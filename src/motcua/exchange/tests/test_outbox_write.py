"""Every move writes its outbox rows in the move's own transaction."""

import json

import pytest

from motcua.core.errors import DomainError
from motcua.exchange.models import Delivery, OutboxEvent
from motcua.exchange.tests.factories import webhook
from motcua.records import services
from motcua.records.models import RecordEvent
from motcua.records.tests.factories import receive, travel


def test_each_record_event_gets_one_outbox_event_and_one_delivery_per_subscriber(world):
    a = webhook("http://127.0.0.1:9/a", name="A")
    b = webhook("http://127.0.0.1:9/b", name="B")
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
    events = list(RecordEvent.objects.filter(record=record).order_by("id"))
    outbox = list(OutboxEvent.objects.filter(record=record).order_by("id"))
    assert [o.record_event_id for o in outbox] == [e.pk for e in events]
    assert [o.kind for o in outbox] == ["record.received", "record.claimed"]
    for item in outbox:
        subscribers = set(item.deliveries.values_list("subscriber_id", flat=True))
        assert subscribers == {a.pk, b.pk}
        assert set(item.deliveries.values_list("state", flat=True)) == {"pending"}
        assert set(item.deliveries.values_list("record_id", flat=True)) == {record.pk}


def test_the_body_names_the_event_and_the_record_without_personal_data(world):
    webhook("http://127.0.0.1:9/a")
    with travel("2025-04-21 08:00"):
        record = receive(world)
    item = OutboxEvent.objects.get(record=record)
    body = json.loads(item.body)
    assert body["id"] == str(item.event_id)
    assert body["type"] == "record.received"
    assert body["record"]["code"] == record.code
    assert body["record"]["national_code"] == 2
    assert body["record"]["agency"] == world.justice.code
    assert body["change"] == {
        "from_status": "submitted",
        "to_status": record.status,
        "due_before": None,
        "due_after": record.due_at.isoformat(),
        "from_unit": None,
        "to_unit": body["change"]["to_unit"],
    }
    for secret in (record.applicant_name, record.applicant_phone, record.applicant_id_number):
        assert secret not in item.body


def test_a_move_that_fails_leaves_no_outbox_row(world):
    webhook("http://127.0.0.1:9/a")
    with travel("2025-04-21 08:00"):
        record = receive(world)
        before = (OutboxEvent.objects.count(), Delivery.objects.count())
        with pytest.raises(DomainError):
            # the outsider has no role in the justice department: refused, nothing written
            services.step_claim(actor=world.outsider, record=record)
    assert (OutboxEvent.objects.count(), Delivery.objects.count()) == before


def test_filters_by_event_kind_agency_and_active_flag(world):
    webhook("http://127.0.0.1:9/a", name="received only", event_kinds=["record.received"])
    police_only = webhook("http://127.0.0.1:9/b", name="police only")
    police_only.agencies.add(world.police)
    justice = webhook("http://127.0.0.1:9/c", name="justice")
    justice.agencies.add(world.justice)
    webhook("http://127.0.0.1:9/d", name="off", is_active=False)
    with travel("2025-04-21 08:00"):
        record = receive(world)
        services.step_claim(actor=world.specialist, record=record)
    got = {
        (d.event.kind, d.subscriber.name)
        for d in Delivery.objects.select_related("event", "subscriber")
    }
    assert got == {
        ("record.received", "received only"),
        ("record.received", "justice"),
        ("record.claimed", "justice"),
    }


def test_no_subscriber_still_logs_the_outbox_event(world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    assert OutboxEvent.objects.filter(record=record).count() == 1
    assert Delivery.objects.count() == 0
