"""Helpers for the API access tests: clients registered through the service, tokens fetched
from the token endpoint (the real OAuth2 flow), bearer API clients."""

from __future__ import annotations

import base64
from typing import Any

from rest_framework.test import APIClient

from motcua.apiaccess import services
from motcua.apiaccess.models import ApiClient
from motcua.documents.tests import scan_files
from motcua.organisations.models import Agency

TOKEN_URL = "/oauth/token/"
INBOUND = "/api/v1/inbound/records"
JUSTICE = "000.00.12.H99"
POLICE = "000.00.30.H99"
# Real files: inbound files are parsed (documents.scans.read_scan), not only sniffed.
PDF = scan_files.minimal_pdf()
PNG = scan_files.png()


def make_client(
    *agencies: Agency, scopes: str = "records:read", name: str = "Cổng DVC quốc gia", rate: str = ""
) -> tuple[ApiClient, str]:
    return services.api_client_create(
        actor=None, name=name, agencies=list(agencies), scopes=scopes.split(), rate=rate
    )


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def token_response(client: ApiClient, secret: str, scope: str | None = None) -> Any:
    data = {"grant_type": "client_credentials"}
    if scope is not None:
        data["scope"] = scope
    return APIClient().post(
        TOKEN_URL, data, HTTP_AUTHORIZATION=basic(client.application.client_id, secret)
    )


def token_for(client: ApiClient, secret: str, scope: str | None = None) -> str:
    response = token_response(client, secret, scope)
    assert response.status_code == 200, response.content
    return response.json()["access_token"]


def bearer(token: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return api


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def inbound_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "source": "dvcqg",
        "external_code": "G22.99-20250421-0000123",
        "agency": JUSTICE,
        "procedure": "2.000488",
        "applicant": {
            "name": "Trần Văn Bình",
            "id_number": "001200099999",
            "phone": "0912345678",
            "email": "binh@example.vn",
        },
        "submitted_at": "2025-04-20T21:15:00+07:00",
        "documents": [
            {
                "component_code": "TK",
                "copy_kind": "electronic",
                "file": {
                    "name": "Tờ khai.pdf",
                    "content_type": "application/pdf",
                    "content": b64(PDF),
                },
            },
            {"name": "Giấy ủy quyền", "copy_kind": "copy"},
        ],
    }
    body.update(overrides)
    return body
