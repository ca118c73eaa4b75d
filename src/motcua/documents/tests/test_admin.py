"""The admin lists certificates, results and digitised documents without showing keys."""

import pytest


@pytest.mark.parametrize(
    "model", ["signingcredential", "resultdocument", "digitiseddocument", "documentreuse"]
)
def test_admin_lists_are_read_only(client, pki, model):
    client.force_login(pki.admin)
    response = client.get(f"/admin/documents/{model}/")
    assert response.status_code == 200
    assert b"PRIVATE KEY" not in response.content
    assert client.get(f"/admin/documents/{model}/add/").status_code == 403
