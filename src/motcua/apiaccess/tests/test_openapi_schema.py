"""The committed OpenAPI schema (openapi/motcua.yaml) is what the code generates."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[4] / "openapi" / "motcua.yaml"


def test_the_committed_schema_matches_a_fresh_generation(tmp_path):
    fresh = tmp_path / "motcua.yaml"
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--lang", "en", "--file", str(fresh)
    )
    assert COMMITTED.exists(), "openapi/motcua.yaml is missing: run tools/schema and commit it."
    assert COMMITTED.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        "openapi/motcua.yaml is stale: the API changed. Run tools/schema and commit the file."
    )


def test_client_operations_document_their_scope_and_errors():
    schema = yaml.safe_load(COMMITTED.read_text(encoding="utf-8"))
    scheme = schema["components"]["securitySchemes"]["oauth2"]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/oauth/token/"
    inbound = schema["paths"]["/api/v1/inbound/records"]["post"]
    assert inbound["security"] == [{"oauth2": ["records:submit"]}]
    assert set(inbound["responses"]) == {"201", "400", "401", "403", "409", "413", "422", "429"}
    listing = schema["paths"]["/api/v1/records/"]["get"]
    assert {"oauth2": ["records:read"]} in listing["security"]
    assert {"401", "429"} <= set(listing["responses"])
