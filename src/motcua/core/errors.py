"""Domain errors raised by services. Views turn them into form errors, messages or HTTP codes."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A business rule refused the operation. ``message`` is user-facing (already translated)."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(DomainError):
    """Bad input. ``errors`` maps each wrong field to its messages when several are wrong at
    once (intake, API bodies); it is empty when ``field`` and ``message`` say it all."""

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        code: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message, field=field, code=code)
        self.errors: dict[str, list[str]] = dict(errors or {})


class PermissionDenied(DomainError):
    """The actor may see the object but may not do this to it."""

    status_code = 403
    code = "forbidden"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """Wrong state for this move, or somebody else changed the object first."""

    status_code = 409
    code = "conflict"
