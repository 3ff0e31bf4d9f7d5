"""What an import writes into: targets registered by the domains, their fields, the mapping's rules."""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from typing import Callable

from engine.errors import ValidationFailed
from forms.messages import msg


@dataclass(frozen=True)
class Field:
    """A field of a target: `label` is an English msgid; `aliases` are header words that mean it."""

    name: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """Where the rows of an import go (see the package docstring for each callable)."""

    name: str
    label: str
    fields: tuple[Field, ...]
    validate: Callable
    write: Callable
    key: Callable | None = None
    key_field: str = ""              # the field a duplicate is reported on (e.g. "phone")
    existing: Callable | None = None
    options: tuple[str, ...] = ()
    check_options: Callable | None = None
    roles: tuple[str, ...] = ("shift_lead", "center_leader", "admin")
    extra: dict = dc_field(default_factory=dict)

    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]


TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    """Add (or replace: registration may run twice in one process) a target."""
    TARGETS[target.name] = target
    return target


def fields_of(names, required=(), labels: dict[str, str] | None = None) -> tuple[Field, ...]:
    """Fields from plain names (a domain's LIST_FIELDS)."""
    labels = labels or {}
    return tuple(Field(n, labels.get(n, n.replace("_", " ").capitalize()), n in required) for n in names)


def get(name: str) -> Target:
    if name not in TARGETS:
        raise ValidationFailed({"target": [msg("unknown_import_target", "no import into %(name)s", name=name)]})
    return TARGETS[name]


_SPACE = re.compile(r"[\s_\-:：()（）*]+")


def _plain(text: str) -> str:
    return _SPACE.sub("", (text or "").lower())


def guess_mapping(target: Target, headers: list[str]) -> dict[str, str]:
    """Column index (as text) → field, from the header names; each field at most once."""
    words = {f.name: {_plain(f.name), _plain(f.label), *(_plain(a) for a in f.aliases)} for f in target.fields}
    mapping, taken = {}, set()
    for index, header in enumerate(headers):
        plain = _plain(header)
        for name, known in words.items():
            if name not in taken and plain and (plain in known or any(k and k in plain for k in known if len(k) >= 2)):
                mapping[str(index)] = name
                taken.add(name)
                break
    return mapping


def check_mapping(target: Target, headers: list[str], mapping: dict) -> dict[str, str]:
    """The mapping cleaned: 422 naming the field when a field is unknown, twice, or required and missing."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, str] = {}
    names = set(target.field_names())
    for column, name in (mapping or {}).items():
        if not name:
            continue
        if not str(column).isdigit() or int(column) >= len(headers):
            errors.setdefault("mapping", []).append(msg("no_such_column", "no column %(c)s", c=column))
        elif name not in names:
            errors.setdefault(str(name)[:40], []).append(msg("unknown_field", "not a field of this import"))
        elif name in clean.values():
            errors.setdefault(name, []).append(msg("field_mapped_twice", "mapped to more than one column"))
        else:
            clean[str(int(column))] = name
    for f in target.fields:
        if f.required and f.name not in clean.values():
            errors.setdefault(f.name, []).append(msg("field_not_mapped", "required: choose the column that holds it"))
    if errors:
        raise ValidationFailed(errors)
    return clean
