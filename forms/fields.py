"""Field and form types, and the validation that turns raw input into clean task data."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from forms.errors import FormInvalid
from forms.messages import msg

# "matter" and "area" are ids like "department": a node of the matter catalogue, a district or
# street (the engine checks that they exist and are active; forms import nothing above them).
TYPES = ("string", "text", "choice", "boolean", "integer", "department", "departments", "matter", "area")
INT_LIMIT = 2**31 - 1   # integers land in 32-bit columns (ids, days): a bound even where a field sets none
# NUL cannot be stored in PostgreSQL text, a lone surrogate cannot be encoded as UTF-8.


def missing() -> str:
    """The message of a missing value (shared by the engine's own checks)."""
    return msg("required", "required")


def _not_integer() -> str:
    return msg("not_integer", "must be an integer")


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_TRUE, _FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}


@dataclass(frozen=True)
class Field:
    """One input of a form. `required_if` = (other field, values that make this one required)."""

    name: str
    type: str
    label: str
    label_en: str
    required: bool = False
    options: tuple[tuple[str, str, str], ...] = ()   # (value, 中文, English)
    max_length: int | None = None
    min_value: int | None = None
    max_value: int | None = None
    pattern: str | None = None
    required_if: tuple[str, tuple] | None = None
    default: Any = None
    # A field required only for some answers is shown only for them, unless it is worth filling
    # anyway (a visit record): then it stays on the form and is merely required for those answers.
    hide_unless_required: bool = True

    def describe(self, lang: str = "zh") -> dict:
        """The field as API clients and pages see it."""
        out = {"name": self.name, "type": self.type, "required": self.required,
               "label": self.label if lang == "zh" else self.label_en}
        if self.options:
            out["options"] = [{"value": v, "label": zh if lang == "zh" else en} for v, zh, en in self.options]
        if self.required_if:
            out["required_if"] = {"field": self.required_if[0], "values": list(self.required_if[1])}
        for key in ("max_length", "min_value", "max_value", "pattern", "default"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@dataclass(frozen=True)
class Form:
    """A named set of fields."""

    key: str
    title: str
    title_en: str
    fields: tuple[Field, ...] = field(default_factory=tuple)

    def describe(self, lang: str = "zh") -> dict:
        return {"key": self.key, "title": self.title if lang == "zh" else self.title_en,
                "fields": [f.describe(lang) for f in self.fields]}

    def options(self, name: str) -> tuple:
        """The (value, zh, en) options of the field `name` (KeyError when the form has no such field)."""
        for f in self.fields:
            if f.name == name:
                return f.options
        raise KeyError(name)

    def validate(self, data: dict | None) -> dict:
        """Return clean data holding only this form's fields, or raise FormInvalid."""
        data = data or {}
        errors: dict[str, list[str]] = {}
        clean: dict[str, Any] = {}
        unknown = sorted(set(data) - {f.name for f in self.fields})
        for name in unknown:
            errors[name] = [msg("unknown_field", "unknown field")]
        for f in self.fields:
            present = f.name in data and data[f.name] not in (None, "", [])
            if present:
                try:
                    clean[f.name] = _convert(f, data[f.name])
                except ValueError as exc:
                    errors[f.name] = [exc.args[0]]
            elif f.default is not None:
                clean[f.name] = f.default
        for f in self.fields:
            if f.name in clean or f.name in errors:
                continue
            if f.required or _condition_met(f, clean):
                errors[f.name] = [missing()]
        if errors:
            raise FormInvalid(errors)
        return clean


def _condition_met(f: Field, clean: dict) -> bool:
    if not f.required_if:
        return False
    other, values = f.required_if
    return other in clean and clean[other] in values


def _convert(f: Field, value: Any) -> Any:
    converter = _CONVERTERS[f.type]
    return converter(f, value)


def _string(f: Field, value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(msg("not_text", "must be a string"))
    if _UNSTORABLE.search(value):
        raise ValueError(msg("unstorable", "contains a character that cannot be stored"))
    value = value.strip()
    if not value and f.required:
        raise ValueError(missing())
    if f.max_length and len(value) > f.max_length:
        raise ValueError(msg("max_length", "at most %(max)s characters", max=f.max_length))
    if f.pattern and not re.fullmatch(f.pattern, value):
        raise ValueError(msg("bad_format", "has an invalid format"))
    return value


def _choice(f: Field, value: Any) -> str:
    allowed = [v for v, _zh, _en in f.options]
    if value not in allowed:
        raise ValueError(msg("not_an_option", "must be one of: %(options)s", options=", ".join(allowed)))
    return value


def _boolean(f: Field, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise ValueError(msg("not_yes_no", "must be true or false"))


def _integer(f: Field, value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(_not_integer())
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):     # OverflowError: int(float("inf"))
        raise ValueError(_not_integer()) from None
    if isinstance(value, float) and value != number:
        raise ValueError(_not_integer())
    if f.min_value is not None and number < f.min_value:
        raise ValueError(msg("too_small", "must be at least %(min)s", min=f.min_value))
    if f.max_value is not None and number > f.max_value:
        raise ValueError(msg("too_large", "must be at most %(max)s", max=f.max_value))
    if abs(number) > INT_LIMIT:
        raise ValueError(msg("out_of_range", "out of range"))
    return number


def _departments(f: Field, value: Any) -> list[int]:
    if not isinstance(value, (list, tuple)):
        raise ValueError(msg("not_departments", "must be a list of department ids"))
    ids = [_integer(Field("x", "integer", "", "", min_value=1), v) for v in value]
    if len(set(ids)) != len(ids):
        raise ValueError(msg("department_twice", "lists a department twice"))
    return ids


_CONVERTERS = {
    "string": _string,
    "text": _string,
    "choice": _choice,
    "boolean": _boolean,
    "integer": _integer,
    "department": lambda f, v: _integer(Field(f.name, "integer", "", "", min_value=1), v),
    "matter": lambda f, v: _integer(Field(f.name, "integer", "", "", min_value=1), v),
    "area": lambda f, v: _integer(Field(f.name, "integer", "", "", min_value=1), v),
    "departments": _departments,
}
