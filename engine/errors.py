"""Domain errors. They carry no HTTP codes: api/errors.py maps them at the edge.

Each carries a stable `code` (its message's, forms.messages.msg, or the class's own) so that the
API can give it beside the English text and the pages can say it in the user's language.
"""
from __future__ import annotations

from typing import Any

from forms.errors import FormInvalid
from forms.messages import code_of, msg


class DomainError(Exception):
    """Base class of every error a service raises on purpose."""

    code = "error"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        self.code = code_of(message, type(self).code)


class NotFound(DomainError):
    """The thing does not exist (or is outside the actor's scope and must not be revealed)."""

    code = "not_found"


class PermissionDenied(DomainError):
    """The actor lacks the role or the department scope for this action."""

    code = "permission_denied"


class WrongState(DomainError):
    """The action does not fit the case's or work item's current state."""

    code = "wrong_state"


class StaleVersion(WrongState):
    """The client acted on an older version of the case than the current one."""

    code = "stale_version"

    def __init__(self, expected: int, current: int):
        super().__init__(msg("stale_version", "the case was changed meanwhile: you sent version %(expected)s, "
                                              "it is at version %(current)s", expected=expected, current=current))
        self.expected = expected
        self.current = current


class ValidationFailed(DomainError):
    """Input data is invalid; `errors` maps each bad field to its messages."""

    code = "validation_failed"

    def __init__(self, errors: dict[str, list[str]], message: str = ""):
        super().__init__(message or msg("validation_failed", "invalid input"))
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
    """An uploaded process definition is refused; `problems` lists each reason.

    Each problem is an engine.bpmn.problems.Problem (its str() the English line: 'line 12:
    userTask 'handle' (办理): …'); the message joins them all for the API and the command line.
    """

    code = "definition_invalid"

    def __init__(self, problems: list):
        super().__init__(msg("definition_invalid", "process definition refused: %(problems)s",
                             problems="; ".join(str(p) for p in problems)))
        self.problems = problems
