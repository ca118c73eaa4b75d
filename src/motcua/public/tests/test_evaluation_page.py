"""The citizen's evaluation page: opened from the receipt's or the result slip's QR code; only
with the secret, only once processing finished; one evaluation per record, changeable."""

import re

import pytest
from django.urls import reverse

from motcua.evaluation.models import Evaluation
from motcua.evaluation.selectors import evaluation_url
from motcua.evaluation.tests.factories import finished_record
from motcua.public.tests.helpers import normalised, personal_data
from motcua.records.tests.factories import receive, travel

ANSWERS = {"c5": "2", "c6": "2", "c7": "2", "c8": "1", "c9": "1"}


@pytest.fixture
def record(world):
    return finished_record(world)


def path_of(url):
    return url.split("127.0.0.1:8000", 1)[1]


def test_the_result_slip_qr_url_opens_the_form_with_the_derived_criteria(client, world, record):
    url = evaluation_url(record)
    assert url.endswith(f"/danh-gia/{record.code}?k={record.lookup_secret}")
    response = client.get(path_of(url))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="c5"' in body and 'name="c9"' in body
    assert 'name="c1"' not in body  # derived from the history, shown, not asked
    assert "2/2" in body
    for value in personal_data(world, record):
        assert value not in body


def test_submitting_the_form_records_one_evaluation(client, record):
    url = reverse("public:evaluation", args=[record.code])
    with travel("2025-05-20 09:00"):
        response = client.post(
            url, {"k": record.lookup_secret, **ANSWERS, "satisfaction": "very_satisfied"}
        )
    assert response.status_code == 200
    evaluation = Evaluation.objects.get(record=record)
    assert evaluation.channel == "qr"
    assert evaluation.total == 16
    assert evaluation.satisfaction == "very_satisfied"
    # the page shows it again, ready to be changed
    with travel("2025-05-21 09:00"):
        again = client.get(url, {"k": record.lookup_secret})
    assert re.search(r'value="very_satisfied"[^>]*checked', again.content.decode())
    with travel("2025-05-21 09:00"):
        client.post(url, {"k": record.lookup_secret, **ANSWERS, "satisfaction": "dissatisfied"})
    assert Evaluation.objects.get(record=record).satisfaction == "dissatisfied"
    assert Evaluation.objects.count() == 1


def test_an_online_link_records_the_online_channel(client, record):
    url = evaluation_url(record, channel="online")
    assert "c=online" in url
    assert client.get(path_of(url)).status_code == 200
    client.post(
        reverse("public:evaluation", args=[record.code]),
        {"k": record.lookup_secret, "c": "online", **ANSWERS, "satisfaction": "satisfied"},
    )
    assert Evaluation.objects.get(record=record).channel == "online"


def test_missing_answers_are_shown_and_nothing_is_written(client, record):
    response = client.post(
        reverse("public:evaluation", args=[record.code]),
        {"k": record.lookup_secret, "c5": "2"},
    )
    assert response.status_code == 400
    assert not Evaluation.objects.exists()


def test_without_the_secret_the_page_answers_like_an_unknown_code(client, record):
    url = reverse("public:evaluation", args=[record.code])
    wrong = client.get(url, {"k": "guess"})
    unknown = client.get(reverse("public:evaluation", args=["X-1"]), {"k": "guess"})
    posted = client.post(url, {"k": "guess", **ANSWERS, "satisfaction": "satisfied"})
    assert wrong.status_code == unknown.status_code == posted.status_code == 404
    assert normalised(wrong.content, code=record.code) == normalised(unknown.content, code="X-1")
    assert not Evaluation.objects.exists()


def test_an_unfinished_record_shows_that_it_cannot_be_evaluated_yet(client, world):
    with travel("2025-04-21 08:00"):
        record = receive(world)
    response = client.get(
        reverse("public:evaluation", args=[record.code]), {"k": record.lookup_secret}
    )
    assert response.status_code == 200
    assert 'name="c5"' not in response.content.decode()
    posted = client.post(
        reverse("public:evaluation", args=[record.code]),
        {"k": record.lookup_secret, **ANSWERS, "satisfaction": "satisfied"},
    )
    assert posted.status_code == 200
    assert not Evaluation.objects.exists()
