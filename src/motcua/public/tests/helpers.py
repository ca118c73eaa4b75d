"""Helpers for the citizen-page tests: normalise what legitimately differs between two responses
(CSRF tokens, the code typed by the visitor) and the personal data that must never appear."""

from __future__ import annotations

import re

_CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')


def normalised(body: bytes, *, code: str) -> str:
    text = body.decode()
    text = _CSRF.sub(r"\1CSRF\2", text)
    return text.replace(code, "CODE")


def personal_data(world, record) -> list[str]:  # type: ignore[no-untyped-def]
    """Strings that must never be shown to the public for ``record``."""
    return [
        record.applicant_id_number,
        record.applicant_address,
        record.applicant_phone,
        record.applicant_email,
        record.applicant_name,
        "12345",  # the end of the ID number on its own
        world.reception.full_name,
        world.specialist.full_name,
        world.police_officer.full_name,
        world.unit_head.full_name,
        world.leader.full_name,
    ]
