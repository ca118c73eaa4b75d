import pytest

from motcua.catalogue.tests import factories


@pytest.fixture
def orgs(db):
    return factories.demo_organisations()


@pytest.fixture
def admin(orgs):
    return factories.UserFactory(superuser=True)


@pytest.fixture
def procedure(db):
    return factories.ProcedureFactory(code="1.001612", name="Cấp Phiếu lý lịch tư pháp")


@pytest.fixture
def english():
    """For tests that compare error locations or messages with English text."""
    from django.utils import translation

    with translation.override("en"):
        yield
