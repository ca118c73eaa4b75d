"""Helpers for the officer page tests (views): signed-in clients and records in given states,
built through the services."""

from __future__ import annotations

from typing import Any

from django.test import Client

from motcua.records import services
from motcua.records.models import Record
from motcua.records.tests.factories import World, applicant, full_components, receive

HTMX = {"HTTP_HX_REQUEST": "true"}


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def htmx_headers(target: str | None = None) -> dict[str, str]:
    headers = dict(HTMX)
    if target:
        headers["HTTP_HX_TARGET"] = target
    return headers


def received(world: World, count: int = 1, **kwargs: Any) -> list[Record]:
    """``count`` records received at the justice desk (first step done, LLTP step in queue)."""
    return [
        receive(world, applicant=applicant(name=f"Nguyễn Văn {i:03d}"), **kwargs)
        for i in range(count)
    ]


def claimed(world: World, by: Any = None, **kwargs: Any) -> Record:
    record = receive(world, **kwargs)
    return services.step_claim(actor=by or world.specialist, record=record)


def submitted_online(
    world: World, external_code: str = "G22.99-250421-0000001", **kwargs: Any
) -> Record:
    procedure = kwargs.pop("procedure", world.pause_procedure)
    return services.record_submit_online(
        actor=world.admin,
        source="dvcqg",
        external_code=external_code,
        agency=kwargs.pop("agency", world.justice),
        procedure=procedure,
        applicant=kwargs.pop("applicant", applicant(name="Trần Thị Online")),
        components=full_components(procedure),
    )
