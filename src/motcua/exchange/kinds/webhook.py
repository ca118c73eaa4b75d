"""Webhooks: POST the event's JSON, signed with the subscriber's secret."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from motcua.exchange.http import HttpClient, HttpError
from motcua.exchange.kinds import Outcome, SubscriberKind
from motcua.exchange.signing import sign

if TYPE_CHECKING:
    from motcua.exchange.models import Delivery, Subscriber

USER_AGENT = "motcua-outbox/1"


class WebhookChannel:
    def __init__(self, subscriber: Subscriber, *, timeout: float) -> None:
        self.url = subscriber.url
        self.secret = subscriber.secret
        self.client = HttpClient(timeout=timeout)

    def send(self, delivery: Delivery) -> Outcome:
        event = delivery.event
        body = event.body.encode()
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-Motcua-Event-Id": str(event.event_id),
            "X-Motcua-Event-Type": event.kind,
            "X-Motcua-Timestamp": str(timestamp),
            "X-Motcua-Signature": sign(self.secret, timestamp, body),
            "X-Motcua-Attempt": str(delivery.attempts),
        }
        try:
            answer = self.client.post(self.url, body=body, headers=headers)
        except HttpError as exc:
            return Outcome(ok=False, error=str(exc)[:500], subscriber_down=True)
        if 200 <= answer.status < 300:
            return Outcome(ok=True, status_code=answer.status)
        text = answer.body[:300].decode("utf-8", "replace")
        return Outcome(
            ok=False,
            status_code=answer.status,
            error=f"HTTP {answer.status}: {text}",
            subscriber_down=answer.status >= 500 or answer.status == 429,
        )

    def close(self) -> None:
        self.client.close()


class WebhookKind(SubscriberKind):
    key = "webhook"
    label = _("Webhook (signed HTTP POST)")

    def check_subscriber(self, subscriber: Subscriber) -> None:
        if len(subscriber.secret) < 16:
            raise ValidationError({"secret": _("Give a signing secret of at least 16 characters.")})

    def open_channel(self, subscriber: Subscriber, *, timeout: float) -> WebhookChannel:
        return WebhookChannel(subscriber, timeout=timeout)
