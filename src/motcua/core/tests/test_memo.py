"""The config memo keeps a built value for its TTL; lookups by client-sent values
(``keep_none=False``) keep hits only, so unknown values neither stick nor fill the memo."""

from __future__ import annotations

from motcua.core import memo


def test_a_value_is_kept_and_a_none_is_kept_by_default(settings):
    settings.MOTCUA_CONFIG_CACHE_SECONDS = 60
    memo.clear()
    assert memo.memo(("t", 1), lambda: "a") == "a"
    assert memo.memo(("t", 1), lambda: "b") == "a"
    assert memo.memo(("t", 2), lambda: None) is None
    assert memo.memo(("t", 2), lambda: "c") is None
    memo.clear()


def test_keep_none_false_keeps_hits_only(settings):
    settings.MOTCUA_CONFIG_CACHE_SECONDS = 60
    memo.clear()
    assert memo.memo(("t", 3), lambda: None, keep_none=False) is None
    assert ("t", 3) not in memo._entries
    assert memo.memo(("t", 3), lambda: "found", keep_none=False) == "found"
    assert memo.memo(("t", 3), lambda: "other", keep_none=False) == "found"
    memo.clear()
