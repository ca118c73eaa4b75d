import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.catalogue import services
from motcua.catalogue.models import Procedure
from motcua.catalogue.tests.factories import COMMUNES, JUSTICE, POLICE, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("api:catalogue-procedure-list")


def detail(code: str) -> str:
    return reverse("api:catalogue-procedure-detail", kwargs={"code": code})


@pytest.fixture
def demo(orgs, admin):
    services.catalogue_load_demo(actor=admin)


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(username="canbo"))
    return client


def test_anonymous_is_refused(client, demo):
    assert client.get(LIST).status_code == 403
    assert client.get(detail("2.000488")).status_code == 403


def test_list_is_paginated_with_current_versions(staff_client, demo):
    body = staff_client.get(LIST).json()

    assert body["count"] == 20
    first = body["results"][0]
    assert first["code"] == "1.000656"
    assert first["field"] == {"code": "HT", "name": "Hộ tịch"}
    assert first["current_version"]["number"] == 1
    assert sorted(a["code"] for a in first["current_version"]["implementing_agencies"]) == sorted(
        COMMUNES
    )


def test_list_runs_a_constant_number_of_queries(staff_client, demo, django_assert_num_queries):
    # session + user, count, page, current versions, their implementing agencies, and the
    # session refresh (SESSION_SAVE_EVERY_REQUEST: savepoint, update, release) — whatever the size.
    with django_assert_num_queries(9):
        small = staff_client.get(LIST, {"q": "Đăng ký"})
    with django_assert_num_queries(9):
        full = staff_client.get(LIST)
    assert len(small.json()["results"]) < len(full.json()["results"]) == 20


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "2.000488"}, {"2.000488"}),
        ({"q": "kết hôn"}, {"1.000894"}),
        ({"field": "LLTP"}, {"2.000488"}),
        ({"agency": POLICE}, {"1.002809"}),
        ({"agency": JUSTICE}, {"2.000488", "1.001877"}),
        ({"level": "province", "field": "DD"}, {"1.004227", "1.005398"}),
        ({"online_level": "none"}, {"2.000884", "1.003554"}),
    ],
)
def test_list_filters(staff_client, demo, params, expected):
    body = staff_client.get(LIST, params).json()

    assert {item["code"] for item in body["results"]} == expected


def test_list_rejects_an_unknown_choice(staff_client, demo):
    response = staff_client.get(LIST, {"level": "galaxy"})

    assert response.status_code == 400


def test_detail_has_components_fees_and_steps(staff_client, demo):
    body = staff_client.get(detail("2.000488")).json()

    version = body["current_version"]
    assert body["code"] == "2.000488"
    assert version["duration_value"] == "10.00" and version["duration_unit"] == "working_days"
    assert [c["code"] for c in version["components"]] == ["TK", "CCCD", "CT"]
    assert version["fees"][0]["amount"] == 200000
    steps = version["steps"]
    assert [s["order"] for s in steps] == [1, 2, 3, 4, 5]
    assert [s["is_inter_agency"] for s in steps] == [False, False, True, False, False]
    assert steps[2]["agency"]["code"] == POLICE and steps[2]["unit"] == "HSNV"
    assert steps[0]["public_status"] == "Đã tiếp nhận hồ sơ tại Trung tâm Phục vụ hành chính công"


def test_detail_of_an_unknown_code_is_404(staff_client, demo):
    response = staff_client.get(detail("9.999999"))

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_detail_without_a_version_in_force(staff_client, demo, admin):
    procedure = Procedure.objects.get(code="1.001612")
    services.version_retire(actor=admin, version=procedure.versions.get())

    body = staff_client.get(detail("1.001612")).json()

    assert body["current_version"] is None


def test_detail_shows_the_newest_published_version_in_force(staff_client, demo, admin):
    procedure = Procedure.objects.get(code="1.001612")
    draft = services.version_create_draft(actor=admin, procedure=procedure)
    services.version_publish(
        actor=admin, version=draft, effective_from=timezone.now() + timezone.timedelta(days=1)
    )

    assert staff_client.get(detail("1.001612")).json()["current_version"]["number"] == 1
