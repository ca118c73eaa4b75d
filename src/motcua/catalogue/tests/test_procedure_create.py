"""procedure_create / procedure_update and the national code format."""

import pytest
from django.db import IntegrityError, transaction

from motcua.catalogue import services
from motcua.catalogue.models import Field, Procedure
from motcua.catalogue.tests.factories import FieldFactory, UserFactory
from motcua.core.errors import Conflict, PermissionDenied, ValidationFailed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def field(db):
    return FieldFactory(code="HT", name="Hộ tịch")


def test_create(admin, field):
    procedure = services.procedure_create(
        actor=admin, code=" 1.001193 ", name=" Đăng ký khai sinh ", field=field
    )

    assert (procedure.code, procedure.name, procedure.is_active) == (
        "1.001193",
        "Đăng ký khai sinh",
        True,
    )


@pytest.mark.parametrize(
    "code", ["1001193", "1.00119", "1.0011934", "12.001193", "a.001193", "1,001193", ""]
)
def test_malformed_codes_are_refused(admin, field, code):
    with pytest.raises(ValidationFailed, match="national procedure code"):
        services.procedure_create(actor=admin, code=code, name="X", field=field)
    assert not Procedure.objects.exists()


def test_the_database_refuses_malformed_codes_too(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        Procedure.objects.create(code="1.00119x", name="X", field=field)


def test_duplicate_codes_are_refused(admin, field):
    services.procedure_create(actor=admin, code="1.001193", name="A", field=field)

    with pytest.raises(Conflict, match="already exists"):
        services.procedure_create(actor=admin, code="1.001193", name="B", field=field)


def test_a_name_is_required(admin, field):
    with pytest.raises(ValidationFailed):
        services.procedure_create(actor=admin, code="1.001193", name="  ", field=field)


def test_update_changes_only_what_differs(admin, field):
    procedure = services.procedure_create(actor=admin, code="1.001193", name="A", field=field)
    other = Field.objects.create(code="CT", name="Chứng thực")

    services.procedure_update(
        actor=admin, procedure=procedure, name="B", field=other, is_active=False
    )

    procedure.refresh_from_db()
    assert (procedure.name, procedure.field, procedure.is_active) == ("B", other, False)
    with pytest.raises(ValidationFailed):
        services.procedure_update(actor=admin, procedure=procedure, name=" ")


def test_field_upsert_creates_then_renames(admin):
    services.field_upsert(actor=admin, code="HT", name="Hộ tịch")
    services.field_upsert(actor=admin, code="HT", name="Hộ tịch (mới)")

    assert list(Field.objects.values_list("code", "name")) == [("HT", "Hộ tịch (mới)")]
    with pytest.raises(ValidationFailed):
        services.field_upsert(actor=admin, code="", name="x")


def test_officers_cannot_create_procedures(field):
    with pytest.raises(PermissionDenied):
        services.procedure_create(
            actor=UserFactory(username="o"), code="1.001193", name="A", field=field
        )
