from motcua.records.tests.conftest import world  # noqa: F401 - the shared record-world fixture
