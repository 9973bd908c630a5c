"""The one error type of the domain layer. Its `code` is stable: the mobile client acts on it."""

from typing import Any


class DispatchError(Exception):
    """A refused request: the caller asked for something the rules do not allow."""

    status_code = 400

    def __init__(self, code: str, message: str, *, fields: dict[str, list[str]] | None = None,
                 status_code: int | None = None, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = str(message)
        self.fields = fields or {}
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code

    def as_validation_error(self):
        """The same refusal as a Django ValidationError, for model `clean()` and forms (the admin)."""
        from django.core.exceptions import ValidationError

        if self.fields:
            return ValidationError({field: [ValidationError(message, code=self.code) for message in messages]
                                    for field, messages in self.fields.items()})
        return ValidationError(self.message, code=self.code)


class NotFound(DispatchError):
    status_code = 404


class PermissionDenied(DispatchError):
    status_code = 403


class Conflict(DispatchError):
    """The object changed under the caller (illegal transition, lost race): 409."""

    status_code = 409
