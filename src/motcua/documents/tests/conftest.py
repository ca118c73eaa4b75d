import pytest

from motcua.documents.tests.factories import load_pki, signed_procedure
from motcua.records.tests.factories import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def pki(world):
    load_pki()
    return world


@pytest.fixture
def procedure(world):
    return signed_procedure(world)
