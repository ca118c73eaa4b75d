"""``ValidationFailed.errors``: a real field (field -> messages), read by the API error body and
by the forms, instead of an attribute patched onto the instance afterwards."""

from __future__ import annotations

from typing import Any

from django import forms
from rest_framework.views import APIView

from motcua.catalogue.services import CatalogueImportError, LocatedError
from motcua.core.errors import Conflict, DomainError, ValidationFailed
from motcua.records.forms import apply_domain_error


def _answer(error: DomainError) -> tuple[int, dict[str, Any]]:
    """What the API answers: the configured handler (motcua.core.api.exception_handler)."""
    response = APIView().get_exception_handler()(error, {})
    assert response is not None
    return response.status_code, response.data


def test_errors_default_to_empty_and_are_a_copy() -> None:
    assert ValidationFailed("Bad.", field="name").errors == {}
    given = {"name": ["Too long."]}
    error = ValidationFailed("Too long.", field="name", errors=given)
    given["other"] = ["Added later."]
    assert error.errors == {"name": ["Too long."]}


def test_the_api_body_lists_every_field() -> None:
    error = ValidationFailed(
        "Enter the name.",
        field="applicant.name",
        code="invalid",
        errors={"applicant.name": ["Enter the name."], "components.0": ["Attach it."]},
    )
    assert _answer(error) == (
        400,
        {
            "error": {
                "code": "invalid",
                "message": "Enter the name.",
                "fields": {"applicant.name": ["Enter the name."], "components.0": ["Attach it."]},
            }
        },
    )


def test_the_api_body_without_errors_names_the_field() -> None:
    assert _answer(ValidationFailed("Bad.", field="name"))[1]["error"]["fields"] == {
        "name": ["Bad."]
    }
    status, body = _answer(Conflict("Changed meanwhile."))
    assert status == 409
    assert "fields" not in body["error"]


class _Form(forms.Form):
    name = forms.CharField(required=False)
    phone = forms.CharField(required=False)


def test_the_form_gets_every_field() -> None:
    form = _Form(data={})
    assert form.is_valid()
    error = ValidationFailed(
        "Enter the name.",
        field="name",
        errors={"name": ["Enter the name."], "phone": ["Bad phone."], "x": ["Elsewhere."]},
    )
    apply_domain_error(form, error)
    assert form.errors == {
        "name": ["Enter the name."],
        "phone": ["Bad phone."],
        "__all__": ["Elsewhere."],
    }


def test_a_catalogue_import_error_keeps_its_problems_apart() -> None:
    """Its located problems are not field errors: ``errors`` stays empty, the API body has no
    ``fields`` and a form gets the whole message as a form error."""
    problem = LocatedError("procedures[0].code", "Unknown agency.")
    error = CatalogueImportError([problem])
    assert error.problems == [problem]
    assert error.errors == {}
    status, body = _answer(error)
    assert (status, body["error"]["code"]) == (400, "catalogue_import_invalid")
    assert "fields" not in body["error"]
    form = _Form(data={})
    assert form.is_valid()
    apply_domain_error(form, error)
    assert list(form.errors) == ["__all__"]
