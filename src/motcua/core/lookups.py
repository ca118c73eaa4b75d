"""Text from a URL, a query string or a form read as an id or a code before it reaches a query.

``str.isdigit()`` is not "ASCII digits": "²", "١" and "１" pass it, and ``int("²")`` raises
ValueError (a 500). PostgreSQL refuses a NUL in a query (a 500 too), and no id or code holds a
control or invisible character. These helpers answer "not a valid reference" instead, which the
callers turn into their own 404, 400 or "nothing selected"."""

from __future__ import annotations

import re

# ASCII digits only; at most 18 of them, so the number fits a 64-bit database integer.
_ID = re.compile(r"[0-9]{1,18}")
_SIGNED_INT = re.compile(r"-?[0-9]{1,18}")


def parse_id(value: object) -> int | None:
    """``value`` as a positive database id, or None when it is anything else."""
    if not isinstance(value, str) or not _ID.fullmatch(value):
        return None
    number = int(value)
    return number or None


def parse_int(value: str) -> int | None:
    """A whole number written with ASCII digits and an optional minus sign, else None."""
    return int(value) if _SIGNED_INT.fullmatch(value) else None


def is_code(value: str, max_length: int) -> bool:
    """Whether ``value`` may be a stored code: not empty, at most ``max_length`` characters, all
    of them printable (no control, format or separator character other than the space)."""
    return 0 < len(value) <= max_length and value.isprintable()
