"""POST /api/v1/records/: intake at the desk through the API."""

import pytest

from motcua.records.models import Record, RecordEvent
from motcua.records.tests.factories import travel
from motcua.records.tests.factories_api import (
    URL,
    applicant_body,
    client_for,
    error,
    intake_body,
)


def test_reception_officer_receives_a_dossier(world):
    with travel("2025-04-21 08:00"):
        response = client_for(world.reception).post(URL, intake_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    record = Record.objects.get()
    assert body["code"] == record.code == "000.00.12.H99-250421-0001"
    assert body["status"] == "received"
    assert body["national_code"] == 2
    assert body["channel"] == "direct"
    assert body["procedure"]["code"] == "2.000488"
    assert body["agency"]["code"] == body["handling_agency"]["code"] == "000.00.12.H99"
    assert body["received_at"] == "2025-04-21T08:00:00+07:00"
    assert (
        body["due_at"]
        == body["statutory_due_at"]
        == body["original_due_at"]
        == "2025-05-07T08:00:00+07:00"
    )
    assert body["due_explanation"]
    assert body["current_step"]["unit"]["ref"] == "000.00.12.H99/LLTP"
    assert body["current_step"]["assignee"] is None
    assert [s["unit"]["code"] for s in body["steps"]] == ["MC", "LLTP"]
    assert [e["kind"] for e in body["events"]] == ["record.received"]
    assert body["events"][0]["actor"] == "reception"
    assert body["events"][0]["national_code"] == 2
    # the desk sees the applicant's contact in clear
    assert body["applicant"]["phone"] == "0912345678"
    assert body["applicant"]["masked"] is False
    assert [
        (c["component_code"], c["name"], c["copy_kind"], c["quantity"]) for c in body["components"]
    ] == [
        ("TK", "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp", "original", 1),
        ("CC", "Bản chụp giấy tờ tùy thân", "copy", 2),
    ]
    # no fees given: the procedure's
    assert body["fees"] == [
        {"name": "Phí cung cấp thông tin lý lịch tư pháp", "amount": 200000, "paid": False}
    ]
    assert body["fees_due"] == 200000
    assert body["return_method"] == "desk"
    assert "lookup_secret" not in body
    assert body["allowed_actions"] == ["withdraw", "extend"]
    assert RecordEvent.objects.count() == 1


def test_given_fees_and_free_named_documents_are_kept(world):
    body = intake_body(
        fees=[{"name": "Lệ phí miễn giảm", "amount": 0}],
        components=[
            {"component_code": "TK"},
            {"name": "Giấy ủy quyền", "copy_kind": "certified_copy", "quantity": 1},
        ],
        applicant=applicant_body(
            kind="organisation",
            name="Công ty TNHH Minh Họa",
            id_number="0101234567",
            representative_name="Trần Văn Bình",
            representative_phone="0987654321",
        ),
    )
    with travel("2025-04-21 08:00"):
        response = client_for(world.reception).post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["fees"] == [{"name": "Lệ phí miễn giảm", "amount": 0, "paid": False}]
    assert data["fees_due"] == 0
    assert [(c["component_code"], c["name"]) for c in data["components"]] == [
        ("TK", "Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"),
        (None, "Giấy ủy quyền"),
    ]
    assert data["applicant"]["kind"] == "organisation"
    assert data["applicant"]["representative_name"] == "Trần Văn Bình"
    assert data["applicant"]["representative_phone"] == "0987654321"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"agency": "000.00.99.H99"}, "agency"),
        ({"procedure": "9.999999"}, "procedure"),
        ({"handling_agency": "000.00.98.H99"}, "handling_agency"),
        ({"components": [{"component_code": "NOPE"}]}, "components.0.component_code"),
        ({"channel": "online"}, "channel"),
        # A NUL byte (found by schemathesis): PostgreSQL refuses it in a query, so the code
        # lookups must answer "unknown" before asking the database.
        ({"procedure": "1.00\x001612"}, "procedure"),
        ({"agency": "000.00.\x0012.H99"}, "agency"),
    ],
)
def test_unknown_codes_are_refused_with_the_field_and_nothing_is_written(world, overrides, field):
    response = client_for(world.reception).post(URL, intake_body(**overrides), format="json")
    assert response.status_code == 400
    err = error(response)
    assert err["code"] == "invalid"
    assert field in err["fields"], err
    assert Record.objects.count() == 0


def test_service_errors_are_reported_on_the_request_fields(world):
    body = intake_body(
        applicant=applicant_body(phone="12345", id_number="12AB", representative_phone="1"), sets=99
    )
    response = client_for(world.reception).post(URL, body, format="json")
    assert response.status_code == 400
    err = error(response)
    assert set(err["fields"]) == {
        "applicant.phone",
        "applicant.id_number",
        "applicant.representative_phone",
        "sets",
    }
    assert err["message"]
    assert Record.objects.count() == 0
    assert RecordEvent.objects.count() == 0


def test_nested_input_errors_are_flattened_to_paths(world):
    body = intake_body(
        applicant={"phone": "0912345678"},
        components=[{"component_code": "TK", "quantity": 0}, {}],
    )
    response = client_for(world.reception).post(URL, body, format="json")
    assert response.status_code == 400
    fields = error(response)["fields"]
    assert set(fields) == {"applicant.name", "components.0.quantity", "components.1.component_code"}
    assert all(isinstance(messages, list) and messages for messages in fields.values())


def test_an_incomplete_dossier_is_not_received(world):
    body = intake_body(components=[{"component_code": "CC"}])
    response = client_for(world.reception).post(URL, body, format="json")
    assert response.status_code == 400
    assert "components" in error(response)["fields"]
    assert Record.objects.count() == 0


def test_an_officer_without_the_reception_role_is_forbidden(world):
    response = client_for(world.specialist).post(URL, intake_body(), format="json")
    assert response.status_code == 403
    assert error(response)["code"] == "forbidden"
    assert Record.objects.count() == 0


def test_another_agencys_desk_is_forbidden(world):
    response = client_for(world.outsider).post(URL, intake_body(), format="json")
    assert response.status_code == 403
    assert Record.objects.count() == 0


def test_anonymous_is_refused(world):
    response = client_for(None).post(URL, intake_body(), format="json")
    assert response.status_code == 403
    assert error(response)["code"] == "not_authenticated"
    assert Record.objects.count() == 0


def test_only_json_is_accepted(world):
    response = client_for(world.reception).post(URL, {"agency": "x"})  # multipart form
    assert response.status_code == 415
    assert error(response)["code"] == "unsupported_media_type"
