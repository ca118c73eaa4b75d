"""Shared pytest fixtures."""

import pytest
from hypothesis import settings as hypothesis_settings

hypothesis_settings.register_profile("ci", max_examples=200, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    """Tests run with the default language (Vietnamese) unless they switch."""
    settings.LANGUAGE_CODE = "vi"


@pytest.fixture(autouse=True)
def _fresh_memo():
    """Rolled-back test transactions send no signals: start every test with an empty memo."""
    from motcua.core import memo

    memo.clear()
    yield
    memo.clear()
