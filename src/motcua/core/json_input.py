"""JSON from outside (API bodies, import lines): ``json.loads`` with two more refusals.

- **Nesting deeper than** :data:`MAX_DEPTH`: no request of ours nests more than a few levels,
  and a body of ten thousand ``[`` makes ``json.loads`` (and any code walking the result)
  raise ``RecursionError``.
- **Lone surrogates** (``"\\ud800"`` without its pair): Python decodes them into a ``str`` that
  cannot be encoded to UTF-8, so hashing, logging or storing the value fails later (PostgreSQL
  refuses it).

``NaN`` and ``Infinity`` are refused too (they are not JSON). Every refusal is a
:class:`JSONRefused`, a ``ValueError`` whose message is user-facing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.utils.translation import gettext as _

MAX_DEPTH = 32

# A \uD800-\uDFFF escape; only then can a decoded string hold a surrogate (strict UTF-8 cannot).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class JSONRefused(ValueError):
    """The text is not JSON we accept; ``str(exc)`` says why, for the caller."""


def _no_constant(name: str) -> Any:
    raise JSONRefused(_("%(name)s is not a JSON value.") % {"name": name})


def loads(text: str) -> Any:
    """Parse ``text`` as JSON, refusing deep nesting, lone surrogates and NaN/Infinity."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise JSONRefused(_too_deep()) from None
    except json.JSONDecodeError as exc:
        raise JSONRefused(str(exc)) from None
    check(data, surrogates=bool(_SURROGATE_ESCAPE.search(text)))
    return data


def _too_deep() -> str:
    return _("The JSON is nested too deeply (at most %(max)s levels).") % {"max": MAX_DEPTH}


def check(data: Any, *, surrogates: bool = True) -> None:
    """Refuse nesting deeper than :data:`MAX_DEPTH` and (with ``surrogates``) strings holding
    a lone surrogate. Iterative: a deep value cannot exhaust the stack here."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            if depth > MAX_DEPTH:
                raise JSONRefused(_too_deep())
            for key, item in value.items():
                if surrogates and _SURROGATE.search(key):
                    raise JSONRefused(_lone_surrogate())
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            if depth > MAX_DEPTH:
                raise JSONRefused(_too_deep())
            stack.extend((item, depth + 1) for item in value)
        elif surrogates and isinstance(value, str) and _SURROGATE.search(value):
            raise JSONRefused(_lone_surrogate())


def _lone_surrogate() -> str:
    return _(
        "The JSON holds a lone surrogate escape (such as \\ud800): text must be valid Unicode."
    )
