"""Messages in the user's language: a forms.messages.Msg by its template (the catalogue's msgid)
and parameters; other text as a msgid of its own (marked N_ where it is written)."""
from __future__ import annotations

from flask_babel import gettext

from forms.messages import Msg, code_of


def say(message: object) -> str:
    """One message as the signed-in user reads it."""
    if isinstance(message, Msg):
        return gettext(message.template, **message.params)
    return gettext(str(message)) if message else ""


def say_errors(errors: dict[str, list]) -> dict[str, list[str]]:
    """A ValidationFailed's field errors, each message said in the user's language."""
    return {field: [say(m) for m in messages] for field, messages in errors.items()}


def codes(errors: dict[str, list]) -> dict[str, list[str]]:
    """The stable code of each field error (for API clients; `invalid` for text without one)."""
    return {field: [code_of(m, "invalid") for m in messages] for field, messages in errors.items()}
