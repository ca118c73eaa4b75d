"""/api/v1/docs/ (Swagger UI) works without the internet: every asset comes from this site."""

import re
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders

ASSET = re.compile(r'(?:src|href)="([^"]+)"')
ANY_URL = re.compile(r"https?://[^\s\"'<>)]+")


def fetch(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.django_db
def test_swagger_page_and_its_assets_are_served_locally(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "SwaggerUIBundle" in html

    # No absolute URL to any host in the page (scripts, styles, icons, the validator badge).
    assert ANY_URL.findall(html) == []
    assert '"validatorUrl": null' in html

    assets = ASSET.findall(html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui-standalone-preset.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        parsed = urlparse(asset)
        assert not parsed.scheme and not parsed.netloc, asset
        assert asset.startswith("/static/"), asset
        # The file ships in an installed package (drf-spectacular-sidecar) and is served here.
        assert finders.find(asset.removeprefix("/static/")), asset
        assert len(fetch(client, asset)) > 100, asset


@pytest.mark.django_db
def test_swagger_loads_the_schema_from_this_site(client):
    html = client.get("/api/v1/docs/").content.decode()
    assert (
        'url: "\\u002Fapi\\u002Fv1\\u002Fschema\\u002F"' in html or 'url: "/api/v1/schema/"' in html
    )
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
