"""Domain errors: one type, stable codes, one handler per interface (API, UI, CLI)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A business rule refused the operation. Subclasses set a stable `code` and a message template.

    The message is a gettext template with `%(name)s` placeholders filled from `data`, rendered in the
    language active when it is shown. `field` names the input the error belongs to, if any.
    """

    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 409
    message: ClassVar[str | Promise] = _("This operation is not allowed.")

    def __init__(self, message: str | Promise | None = None, *, field: str | None = None, **data: Any) -> None:
        self._message = message
        self.field = field
        self.data = data
        super().__init__(self.text)

    @property
    def text(self) -> str:
        template = str(self._message if self._message is not None else type(self).message)
        if self.data and "%(" in template:
            try:
                return template % {k: _display(v) for k, v in self.data.items()}
            except (KeyError, TypeError, ValueError):
                return template
        return template

    def __str__(self) -> str:
        return self.text

    def as_dict(self) -> dict[str, Any]:
        data = {k: _jsonable(v) for k, v in self.data.items()}
        if self.field:
            data.setdefault("field", self.field)
        return {"code": self.code, "message": self.text, "data": data}


class ValidationFailed(DomainError):
    """Input is invalid. `errors` maps field names ("" for the whole input) to messages."""

    code = "validation_error"
    status = 422
    message = _("Please correct the errors below.")

    def __init__(
        self,
        errors: dict[str, list[str | Promise]] | None = None,
        message: str | Promise | None = None,
        **data: Any,
    ) -> None:
        self.errors = {k: [str(m) for m in v] for k, v in (errors or {}).items()}
        super().__init__(message, errors=self.errors, **data)

    @classmethod
    def one(cls, field: str, message: str | Promise) -> ValidationFailed:
        return cls({field: [message]})


class NotFound(DomainError):
    """The record does not exist (or is not visible to the user)."""

    code = "not_found"
    status = 404
    message = _("Not found.")


class Forbidden(DomainError):
    """The user lacks a permission."""

    code = "permission_denied"
    status = 403
    message = _("You do not have permission to do this.")


class NotAuthenticated(DomainError):
    """No valid session or token."""

    code = "not_authenticated"
    status = 401
    message = _("Please log in or send a valid API token.")


class Duplicate(DomainError):
    """A value that must be unique is already used."""

    code = "duplicate"
    message = _("%(label)s “%(value)s” is already used.")


class RecordInactive(DomainError):
    """The record is deactivated and cannot be used for new work."""

    code = "inactive"
    message = _("%(label)s “%(value)s” is deactivated.")


def _display(value: Any) -> str:
    return str(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)
