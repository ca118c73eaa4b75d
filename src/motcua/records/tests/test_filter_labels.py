"""The ordering labels of the record filter follow the active language, not the one active when
the module was first imported (the committed OpenAPI schema depended on test order)."""

from __future__ import annotations

import importlib

from django.utils import translation

from motcua.records import filters


def _labels() -> dict[str, str]:
    choices = filters.RecordFilterSet.base_filters["ordering"].extra["choices"]
    return {value: str(label) for value, label in choices}


def test_descending_labels_are_translated_when_read_not_when_imported():
    with translation.override("vi"):
        importlib.reload(filters)  # imported while Vietnamese is active
    try:
        with translation.override("en"):
            labels = _labels()
        assert labels["received_at"] == "Received at"
        assert labels["-received_at"] == "Received at (descending)"
        with translation.override("vi"):
            assert _labels()["-received_at"] != "Received at (descending)"
    finally:
        importlib.reload(filters)
