"""drf-spectacular: the OAuth2 client-credentials security scheme, with each operation's scope
taken from ``scopes.ENDPOINT_SCOPES`` (the table the authenticator enforces)."""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from motcua.apiaccess.scopes import SCOPES, required_scope


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "motcua.apiaccess.authentication.ClientTokenAuthentication"
    name = "oauth2"

    def get_security_requirement(self, auto_schema: Any) -> Any:
        route = re.sub(r"\{(\w+)\}", r"<str:\1>", auto_schema.path.lstrip("/"))
        scope = required_scope(route, auto_schema.method.upper())
        if scope is None:
            return []  # closed to API clients: no OAuth2 requirement listed
        return {self.name: [scope] if scope else []}

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {
            "type": "oauth2",
            "description": "OAuth2 client credentials; see docs/api-clients.md.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": "/oauth/token/",
                    "scopes": {name: str(label) for name, label in SCOPES.items()},
                }
            },
        }


LOCAL_TIME_PATTERN = r"^\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$"
CLIENT_ERRORS = {
    "401": "The bearer token is missing, invalid or expired (`invalid_token`).",
    "429": "The client's rate limit is exhausted (`throttled`); see the Retry-After header.",
}


def _local_times(node: Any) -> None:
    """DRF renders a TimeField as a local time (``15:00:00``); OpenAPI's ``format: time`` is
    RFC 3339's full-time, which needs an offset. Describe it with a pattern instead."""
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("format") == "time":
            node.pop("format")
            node["pattern"] = LOCAL_TIME_PATTERN
        for value in node.values():
            _local_times(value)
    elif isinstance(node, list):
        for value in node:
            _local_times(value)


# Integer bounds that only reflect the database's column size. They differ between backends
# (SQLite: 64 bits for every column; PostgreSQL: 16/32/64) and are not part of the contract.
STORAGE_BOUNDS = {32767, 2147483647, 9223372036854775807, -32768, -2147483648, -9223372036854775808}


def _storage_bounds(node: Any) -> None:
    """Drop database-derived integer bounds so that the schema is the same on every backend."""
    if isinstance(node, dict):
        if node.get("type") == "integer":
            dropped = False
            for key in ("maximum", "minimum"):
                if node.get(key) in STORAGE_BOUNDS:
                    node.pop(key)
                    dropped = True
            if dropped and node.get("format") == "int64":
                node.pop("format")
        for value in node.values():
            _storage_bounds(value)
    elif isinstance(node, list):
        for value in node:
            _storage_bounds(value)


def postprocess(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    """Every operation open to API clients documents 401 and 429 with the shared Error body;
    local times get a pattern; database column sizes are left out."""
    for part in ("components", "paths"):
        _local_times(result.get(part, {}))
        _storage_bounds(result.get(part, {}))
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            if any("oauth2" in requirement for requirement in operation.get("security", [])):
                for status, description in CLIENT_ERRORS.items():
                    operation["responses"].setdefault(
                        status, {"content": error, "description": description}
                    )
    return result
