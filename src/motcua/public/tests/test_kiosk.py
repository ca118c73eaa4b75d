"""The counter kiosk: a signed-in reception officer of the record's agency opens the form by
code; the citizen answers; the page resets. Anonymous, other roles and other agencies cannot."""

import pytest
from django.urls import reverse

from motcua.evaluation.models import Evaluation
from motcua.evaluation.tests.factories import desk_colleague, finished_record
from motcua.records.tests.factories import receive, travel

ANSWERS = {"c5": "2", "c6": "1", "c7": "2", "c8": "2", "c9": "2"}


@pytest.fixture
def record(world):
    return finished_record(world)


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("public:kiosk"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_officers_without_a_reception_role_are_refused(client, world):
    client.force_login(world.specialist)
    assert client.get(reverse("public:kiosk")).status_code == 403


def test_the_desk_officer_opens_the_form_and_the_citizen_submits(client, world, record):
    # Not the officer who received the record: nobody opens the evaluation of their own work.
    colleague = desk_colleague(world)
    client.force_login(colleague)
    page = client.get(reverse("public:kiosk"))
    assert page.status_code == 200
    assert "kiosk.js" in page.content.decode()
    form = client.post(reverse("public:kiosk"), {"code": record.code})
    assert form.status_code == 200
    assert 'name="c5"' in form.content.decode()
    assert "data-kiosk-idle" in form.content.decode()
    with travel("2025-05-20 09:00"):
        done = client.post(
            reverse("public:kiosk_submit"),
            {"code": record.code, **ANSWERS, "satisfaction": "very_satisfied"},
        )
    assert done.status_code == 200
    assert 'http-equiv="refresh"' in done.content.decode()
    evaluation = Evaluation.objects.get(record=record)
    assert evaluation.channel == "kiosk"
    assert evaluation.kiosk_officer == colleague


def test_a_scanned_lookup_url_is_accepted_as_the_code(client, world, record):
    from motcua.records.selectors import public_lookup_url

    client.force_login(desk_colleague(world))
    response = client.post(reverse("public:kiosk"), {"code": public_lookup_url(record)})
    assert response.status_code == 200
    assert 'name="c5"' in response.content.decode()


def test_another_agency_record_is_not_found(client, world, record):
    client.force_login(world.outsider)
    response = client.post(reverse("public:kiosk"), {"code": record.code})
    assert response.status_code == 404
    response = client.post(
        reverse("public:kiosk_submit"),
        {"code": record.code, **ANSWERS, "satisfaction": "satisfied"},
    )
    assert response.status_code == 404
    assert not Evaluation.objects.exists()


def test_an_unfinished_record_cannot_be_opened(client, world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    client.force_login(world.reception)
    assert client.post(reverse("public:kiosk"), {"code": record.code}).status_code == 409
