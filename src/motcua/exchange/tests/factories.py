"""Subscribers and a fast worker for the exchange tests; records come from the records world."""

from __future__ import annotations

from motcua.exchange.models import Subscriber
from motcua.exchange.worker import OutboxWorker, WorkerConfig

SECRET = "s3cret-for-the-webhook-tests"


def webhook(url: str, **kwargs: object) -> Subscriber:
    subscriber = Subscriber(
        name=kwargs.pop("name", "Webhook"), kind="webhook", url=url, secret=SECRET, **kwargs
    )
    subscriber.full_clean()
    subscriber.save()
    return subscriber


def portal(url: str, **kwargs: object) -> Subscriber:
    options = {"auth_endpoint": "/api/auth", "service_endpoint": "/api/service"}
    options.update(kwargs.pop("options", {}))  # type: ignore[arg-type]
    subscriber = Subscriber(
        name=kwargs.pop("name", "DVCQG"),
        kind="national_portal",
        url=url,
        username=kwargs.pop("username", "tinh99"),
        secret=kwargs.pop("secret", "mat-khau-99"),
        options=options,
        **kwargs,
    )
    subscriber.full_clean()
    subscriber.save()
    return subscriber


def fast_config(**overrides: float) -> WorkerConfig:
    values = dict(
        batch_size=20,
        lease_seconds=10.0,
        timeout=2.0,
        max_attempts=5,
        retry_base=0.01,
        retry_max=0.05,
        poll=0.01,
    )
    values.update(overrides)
    return WorkerConfig(**values)  # type: ignore[arg-type]


def fast_worker(**overrides: float) -> OutboxWorker:
    return OutboxWorker(worker_id="test", config=fast_config(**overrides))
