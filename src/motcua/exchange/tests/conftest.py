import pytest

from motcua.exchange.tests.factories import SECRET
from motcua.exchange.tests.fakes import FakeNationalPortal, WebhookReceiver
from motcua.records.tests.factories import build_world


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture
def receiver():
    server = WebhookReceiver(SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def national_portal():
    server = FakeNationalPortal().start()
    yield server
    server.stop()
