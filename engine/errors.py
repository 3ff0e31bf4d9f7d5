"""Domain errors. They carry no HTTP codes: api/errors.py maps them at the edge."""
from __future__ import annotations

from typing import Any

from forms.errors import FormInvalid


class DomainError(Exception):
    """Base class of every error a service raises on purpose."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing does not exist (or is outside the actor's scope and must not be revealed)."""


class PermissionDenied(DomainError):
    """The actor lacks the role or the department scope for this action."""


class WrongState(DomainError):
    """The action does not fit the case's or work item's current state."""


class StaleVersion(WrongState):
    """The client acted on an older version of the case than the current one."""

    def __init__(self, expected: int, current: int):
        super().__init__(f"case was changed meanwhile: you sent version {expected}, current is {current}")
        self.expected = expected
        self.current = current


class ValidationFailed(DomainError):
    """Input data is invalid; `errors` maps each bad field to its messages."""

    def __init__(self, errors: dict[str, list[str]], message: str = "invalid input"):
        super().__init__(message)
        self.errors = errors


def check_form(form, data: dict | None) -> dict[str, Any]:
    """The clean data of `form` (a forms.Form), or ValidationFailed naming each bad field.

    Forms raise their own FormInvalid (they sit below the engine and import none of it); every
    service validates through here so that callers catch one error type.
    """
    try:
        return form.validate(data)
    except FormInvalid as exc:
        raise ValidationFailed(exc.errors) from None


class DefinitionInvalid(DomainError):
    """An uploaded process definition is refused; `problems` lists each reason."""

    def __init__(self, problems: list[str]):
        super().__init__("process definition refused: " + "; ".join(problems))
        self.problems = problems
