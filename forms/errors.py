"""What a form refuses. Forms sit below the engine and know nothing of it: the engine turns
these into its own domain errors (engine.errors.check_form) and the API maps both."""
from __future__ import annotations


class FormInvalid(ValueError):
    """The data does not fit the form; `errors` maps each bad field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("invalid input")
        self.errors = errors


class UnknownForm(LookupError):
    """No form has this key."""

    def __init__(self, key: str):
        super().__init__(f"form '{key}' does not exist")
        self.key = key
