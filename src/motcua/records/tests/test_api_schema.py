"""The OpenAPI schema generates without warnings and documents the records API's errors."""

import yaml
from django.core.management import call_command

from motcua.records.api.views import ACTION_VIEWS

# Operations open to API clients also document 401 (bad token) and 429 (rate limit).
CLIENT = {"401", "429"}


def test_the_schema_is_valid_without_warnings(tmp_path):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    paths = schema["paths"]
    assert set(paths["/api/v1/records/"]) == {"get", "post"}
    assert (
        set(paths["/api/v1/records/"]["post"]["responses"])
        == {
            "201",
            "400",
            "403",
            "404",
            "409",
        }
        | CLIENT
    )
    assert (
        set(paths["/api/v1/records/online/"]["post"]["responses"])
        == {
            "200",
            "201",
            "400",
            "403",
            "404",
            "409",
        }
        | CLIENT
    )
    assert (
        set(paths["/api/v1/records/{code}/"]["get"]["responses"])
        == {
            "200",
            "403",
            "404",
        }
        | CLIENT
    )
    operation_ids = set()
    for view in ACTION_VIEWS:
        operation = paths[f"/api/v1/records/{{code}}/actions/{view.action}/"]["post"]
        assert set(operation["responses"]) == {"200", "400", "403", "404", "409"} | CLIENT
        for status in ("400", "403", "404", "409"):
            assert operation["responses"][status]["content"]["application/json"]["schema"] == {
                "$ref": "#/components/schemas/Error"
            }
        assert list(operation["requestBody"]["content"]) == ["application/json"]
        operation_ids.add(operation["operationId"])
    assert len(operation_ids) == len(ACTION_VIEWS)
