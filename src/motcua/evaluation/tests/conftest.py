import pytest

from motcua.records.tests.factories import build_world


@pytest.fixture
def world(db):
    return build_world()
