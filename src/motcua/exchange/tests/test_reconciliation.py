"""Reconciliation per subscriber and day, the drill-down list, resend, and the lag alert."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.core.errors import PermissionDenied, ValidationFailed
from motcua.exchange import selectors, services
from motcua.exchange.models import Delivery
from motcua.exchange.tests.factories import fast_worker, webhook
from motcua.organisations.models import Role, StaffRole
from motcua.records import services as record_services
from motcua.records.tests.factories import receive, travel


@pytest.fixture
def deliveries(world, receiver):
    ok = webhook(receiver.url, name="Receiver")
    broken = webhook("http://127.0.0.1:9/nothing-listens", name="Broken")
    with travel("2025-04-21 08:00"):
        record = receive(world)
        record_services.step_claim(actor=world.specialist, record=record)
    fast_worker(max_attempts=1).run(until_idle=True)
    return ok, broken


def test_counts_per_subscriber_and_day(world, deliveries):
    ok, broken = deliveries
    rows = selectors.reconciliation(
        user=world.admin, start=date(2025, 4, 1), end=timezone.localdate()
    )
    by_name = {row.subscriber.name: row for row in rows}
    assert by_name["Receiver"].produced == 2 and by_name["Receiver"].delivered == 2
    broken_row = by_name["Broken"]
    # the first event is dead after its single attempt; the second waits behind it
    assert (broken_row.produced, broken_row.delivered, broken_row.dead, broken_row.pending) == (
        2,
        0,
        1,
        1,
    )
    assert all(row.day == date(2025, 4, 21) for row in rows)  # the day the events were made
    assert (
        selectors.reconciliation(user=world.admin, start=date(2020, 1, 1), end=date(2020, 1, 2))
        == []
    )


def test_only_system_administrators_see_the_outbox(world, deliveries, client):
    with pytest.raises(PermissionDenied):
        selectors.reconciliation(user=world.reception, start=date(2025, 1, 1), end=date(2025, 1, 2))
    url = reverse("exchange:reconciliation")
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(world.reception)
    assert client.get(url).status_code == 403
    assert client.get(reverse("exchange:deliveries")).status_code == 403
    response = client.post(reverse("exchange:resend"), {"delivery": [1]})
    assert response.status_code == 403
    StaffRole.objects.create(user=world.reception, agency=world.justice, role=Role.SYSTEM_ADMIN)
    assert client.get(url).status_code == 200


def test_page_drill_down_and_resend(world, deliveries, client, receiver):
    _ok, broken = deliveries
    client.force_login(world.admin)
    page = client.get(reverse("exchange:reconciliation"))
    assert page.status_code == 200
    assert "Broken" in page.content.decode()
    listing = client.get(reverse("exchange:deliveries"), {"subscriber": broken.pk, "state": "dead"})
    dead = list(listing.context["page"])
    assert len(dead) == 1 and dead[0].state == "dead"
    broken.url = receiver.url
    broken.save()
    response = client.post(
        reverse("exchange:resend"), {"delivery": [dead[0].pk], "next": "/exchange/deliveries/"}
    )
    assert response.status_code == 302 and response["Location"] == "/exchange/deliveries/"
    fast_worker().run(until_idle=True)
    assert not Delivery.objects.exclude(state="delivered").exists()


def test_ids_that_are_not_ascii_digits_are_ignored(world, deliveries, client):
    """ "²".isdigit() is true and int("²") raises ValueError: the list and the resend form
    gave a 500 for ?subscriber=² or delivery=²."""
    client.force_login(world.admin)
    listing = client.get(reverse("exchange:deliveries"), {"subscriber": "²"})
    assert listing.status_code == 200
    assert listing.context["subscriber_id"] is None
    response = client.post(reverse("exchange:resend"), {"delivery": ["²", "１"]})
    assert response.status_code in (302, 400)
    assert Delivery.objects.filter(state="dead").count() == 1  # nothing resent


def test_resend_refuses_unknown_or_empty_selections(world, deliveries):
    with pytest.raises(ValidationFailed):
        services.delivery_resend(actor=world.admin, delivery_ids=[])
    with pytest.raises(ValidationFailed):
        services.delivery_resend(actor=world.admin, delivery_ids=[999999])
    with pytest.raises(PermissionDenied):
        services.delivery_resend(
            actor=world.reception, delivery_ids=Delivery.objects.values_list("pk", flat=True)
        )
    assert Delivery.objects.filter(state="dead").count() == 1  # unchanged


def test_admin_action_resends(world, deliveries, client):
    client.force_login(world.admin)
    dead = Delivery.objects.get(state="dead")
    response = client.post(
        reverse("admin:exchange_delivery_changelist"),
        {"action": "resend_deliveries", "_selected_action": [dead.pk]},
        follow=True,
    )
    assert response.status_code == 200
    dead.refresh_from_db()
    assert dead.state == "pending" and dead.attempts == 0


def test_lag_alert_on_the_work_desk_for_administrators_only(world, deliveries, client, settings):
    _ok, broken = deliveries
    Delivery.objects.update(created_at=timezone.now() - timedelta(hours=2))
    Delivery.objects.filter(subscriber=_ok).update(created_at=timezone.now())
    settings.MOTCUA_OUTBOX_LAG_ALERT_MINUTES = 30
    lags = selectors.lagging_subscribers()
    assert [(lag.subscriber.name, lag.waiting) for lag in lags] == [("Broken", 2)]
    assert lags[0].minutes >= 119
    client.force_login(world.admin)
    home = client.get(reverse("core:home")).content.decode()
    assert "Broken" in home and reverse("exchange:reconciliation") in home
    client.force_login(world.reception)
    assert "Broken" not in client.get(reverse("core:home")).content.decode()
    settings.MOTCUA_OUTBOX_LAG_ALERT_MINUTES = 180
    assert selectors.lagging_subscribers() == []


def test_a_system_administrator_role_sees_the_alert_without_being_superuser(
    world, deliveries, client
):
    Delivery.objects.update(created_at=timezone.now() - timedelta(hours=2))
    StaffRole.objects.create(user=world.reception, agency=world.justice, role=Role.SYSTEM_ADMIN)
    client.force_login(world.reception)
    assert "Broken" in client.get(reverse("core:home")).content.decode()
