"""JSON from outside (API bodies, import lines): ``json.loads`` with two more refusals.

- **Nesting deeper than** :data:`MAX_DEPTH`: no request of ours nests more than a few levels,
  and a body of ten thousand ``[`` makes ``json.loads`` (and any code walking the result)
  raise ``RecursionError``.
- **Lone surrogates** (``"\\ud800"`` without its pair): Python decodes them into a ``str`` that
  cannot be encoded to UTF-8, so hashing, logging or storing the value fails later (PostgreSQL
  refuses it).

``NaN`` and ``Infinity`` are refused too (they are not JSON), and so are numbers Python cannot
hold: a float beyond the double range (``1e999``, which ``json.loads`` reads as infinity) and an
integer of more than 4300 digits (Python's limit for ``int(str)``, a plain ``ValueError``).
Every refusal is a :class:`JSONRefused`, a ``ValueError`` whose message is user-facing.

The text is what the caller decoded, strictly as UTF-8 (JSON's only encoding on the wire, RFC
8259): the surrogate check runs on every parsed value all the same, whatever the decoding.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from django.utils.translation import gettext as _

MAX_DEPTH = 32

_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONRefused(ValueError):
    """The text is not JSON we accept; ``str(exc)`` says why, for the caller."""


def _no_constant(name: str) -> Any:
    raise JSONRefused(_("%(name)s is not a JSON value.") % {"name": name})


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise JSONRefused(_too_large_number())
    return value


def _too_large_number() -> str:
    return _("The JSON holds a number too large to read.")


def loads(text: str) -> Any:
    """Parse ``text`` as JSON, refusing deep nesting, lone surrogates, NaN/Infinity and numbers
    out of range; nothing but :class:`JSONRefused` escapes (the callers catch only that)."""
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise JSONRefused(_too_deep()) from None
    except JSONRefused:
        raise
    except json.JSONDecodeError as exc:
        raise JSONRefused(str(exc)) from None
    except ValueError:  # int("1" * 5000): above sys.get_int_max_str_digits()
        raise JSONRefused(_too_large_number()) from None
    check(data)
    return data


def _too_deep() -> str:
    return _("The JSON is nested too deeply (at most %(max)s levels).") % {"max": MAX_DEPTH}


def check(data: Any) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` and strings (values or keys) holding a lone
    surrogate. Iterative: a deep value cannot exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                raise JSONRefused(_too_deep())
            for key, item in value.items():
                if _SURROGATE.search(key):
                    raise JSONRefused(_lone_surrogate())
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                raise JSONRefused(_too_deep())
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str) and _SURROGATE.search(value):
            raise JSONRefused(_lone_surrogate())


def _lone_surrogate() -> str:
    return _(
        "The JSON holds a lone surrogate escape (such as \\ud800): text must be valid Unicode."
    )
