"""Form definitions that travel with a process version (uploaded beside its BPMN).

A new user task in a new version needs a form; instead of a code change the designer uploads
its definition (JSON or YAML, documented in docs/WORKFLOWS.md) with the version. Each definition
is checked like BPMN: every field's name, type, options and rules, every problem named by its
path ("quality_check.fields[1].type"). Built-in forms (forms/definitions.py) stay the defaults
and cannot be replaced: the engine's task hooks rely on their fields.
"""
from __future__ import annotations

import json
import re
from typing import Any

import yaml

from engine.errors import ValidationFailed
from forms import FORMS, Field, Form
from forms.fields import TYPES
from forms.messages import msg

NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
FIELD_KEYS = {"name", "type", "label", "label_en", "required", "options", "max_length", "min_value",
              "max_value", "pattern", "required_if", "default", "hide_unless_required"}
MAX_FORMS, MAX_FIELDS, MAX_SOURCE = 20, 40, 256 * 1024


def parse_source(text: bytes) -> dict:
    """The uploaded file (JSON or YAML, safe loader: no tags, no objects) as a dict of forms."""
    if len(text) > MAX_SOURCE:
        raise ValidationFailed({"forms": [msg("forms_too_large", "the form file is larger than %(n)s KB",
                                              n=MAX_SOURCE // 1024)]})
    try:
        data = json.loads(text) if text.lstrip()[:1] in (b"{", b"[") else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (line {where.line + 1})" if where is not None else ""
        raise ValidationFailed({"forms": [msg("forms_unreadable", "not valid JSON or YAML%(where)s",
                                              where=line)]}) from None
    if isinstance(data, dict) and isinstance(data.get("forms"), dict):
        data = data["forms"]
    if not isinstance(data, dict):
        raise ValidationFailed({"forms": [msg("forms_not_mapping", "expected a mapping of form key to form")]})
    return data


def check(raw: dict) -> dict[str, Form]:
    """Every uploaded form as a Form; ValidationFailed names each problem by its path."""
    errors: dict[str, list] = {}
    if len(raw) > MAX_FORMS:
        errors["forms"] = [msg("too_many_forms", "at most %(n)s forms", n=MAX_FORMS)]
    out = {}
    for key, spec in list(raw.items())[:MAX_FORMS]:
        form = _form(str(key), spec, errors)
        if form is not None:
            out[str(key)] = form
    if errors:
        raise ValidationFailed(errors)
    return out


def _form(key: str, spec: Any, errors: dict) -> Form | None:
    if not NAME.fullmatch(key):
        errors.setdefault(key, []).append(msg("form_key_format", "a form key is lower-case letters, digits and _"))
        return None
    if key in FORMS:
        errors.setdefault(key, []).append(msg("form_key_builtin", "'%(key)s' is a built-in form; choose another key",
                                              key=key))
        return None
    if not isinstance(spec, dict) or not isinstance(spec.get("fields"), list) or not spec["fields"]:
        errors.setdefault(f"{key}.fields", []).append(msg("form_needs_fields", "a form needs a list of fields"))
        return None
    title = spec.get("title")
    if not isinstance(title, str) or not title.strip():
        errors.setdefault(f"{key}.title", []).append(msg("required", "required"))
    fields = [_field(f"{key}.fields[{i}]", f, errors) for i, f in enumerate(spec["fields"][:MAX_FIELDS])]
    fields = [f for f in fields if f is not None]
    _check_names_and_rules(key, fields, errors)
    return Form(key, str(title or key), str(spec.get("title_en") or title or key), tuple(fields))


def _field(path: str, spec: Any, errors: dict) -> Field | None:
    if not isinstance(spec, dict):
        errors.setdefault(path, []).append(msg("field_not_mapping", "a field is a mapping of its properties"))
        return None
    problems = [msg("unknown_property", "unknown property '%(key)s'", key=k) for k in spec if k not in FIELD_KEYS]
    name, kind = spec.get("name"), spec.get("type")
    if not isinstance(name, str) or not NAME.fullmatch(name):
        problems.append(msg("field_name_format", "name: lower-case letters, digits and _"))
    if kind not in TYPES:
        problems.append(msg("field_type_unknown", "type must be one of: %(types)s", types=", ".join(TYPES)))
    if not isinstance(spec.get("label"), str) or not spec["label"].strip():
        problems.append(msg("field_label_required", "label is required"))
    options = _options(spec.get("options"), kind, problems)
    problems += _limits(spec)
    if problems:
        errors.setdefault(path, []).extend(problems)
        return None
    return Field(name, kind, spec["label"], str(spec.get("label_en") or spec["label"]),
                 required=bool(spec.get("required", False)), options=options,
                 max_length=spec.get("max_length"), min_value=spec.get("min_value"),
                 max_value=spec.get("max_value"), pattern=spec.get("pattern"),
                 required_if=_required_if(spec.get("required_if")), default=spec.get("default"),
                 hide_unless_required=bool(spec.get("hide_unless_required", True)))


def _options(raw: Any, kind: str, problems: list) -> tuple:
    if kind != "choice":
        if raw:
            problems.append(msg("options_only_choice", "only a choice field has options"))
        return ()
    if not isinstance(raw, list) or not raw:
        problems.append(msg("choice_needs_options", "a choice field needs options"))
        return ()
    out = []
    for option in raw:
        value = option.get("value") if isinstance(option, dict) else None
        label = option.get("label") if isinstance(option, dict) else None
        if not isinstance(value, str) or not value or not isinstance(label, str) or not label:
            problems.append(msg("option_format", "each option needs a value and a label"))
            continue
        out.append((value, label, str(option.get("label_en") or label)))
    if len({v for v, _zh, _en in out}) != len(out):
        problems.append(msg("option_twice", "an option value is listed twice"))
    return tuple(out)


def _limits(spec: dict) -> list:
    problems = []
    for key in ("max_length", "min_value", "max_value"):
        value = spec.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**31 - 1):
            problems.append(msg("limit_not_integer", "%(key)s must be an integer", key=key))
    if isinstance(spec.get("max_length"), int) and not 1 <= spec["max_length"] <= 10000:
        problems.append(msg("max_length_range", "max_length must be between 1 and 10000"))
    pattern = spec.get("pattern")
    if pattern is not None:
        if not isinstance(pattern, str) or len(pattern) > 200:
            problems.append(msg("pattern_too_long", "pattern: a regular expression of at most 200 characters"))
        else:
            try:
                re.compile(pattern)
            except re.error:
                problems.append(msg("pattern_invalid", "pattern is not a valid regular expression"))
    return problems


def _required_if(raw: Any) -> tuple | None:
    if isinstance(raw, dict) and isinstance(raw.get("field"), str) and isinstance(raw.get("values"), list):
        return raw["field"], tuple(raw["values"])
    return None


def _check_names_and_rules(key: str, fields: list[Field], errors: dict) -> None:
    names = [f.name for f in fields]
    for name in {n for n in names if names.count(n) > 1}:
        errors.setdefault(f"{key}.{name}", []).append(msg("field_twice", "the field name is used twice"))
    by_name = {f.name: f for f in fields}
    for f in fields:
        if f.required_if is None:
            continue
        other = by_name.get(f.required_if[0])
        if other is None:
            errors.setdefault(f"{key}.{f.name}.required_if", []).append(
                msg("required_if_unknown", "required_if names no field of this form"))
        elif other.options and not set(f.required_if[1]) <= {v for v, _zh, _en in other.options}:
            errors.setdefault(f"{key}.{f.name}.required_if", []).append(
                msg("required_if_value", "required_if lists a value the other field does not offer"))


def stored(forms: dict[str, Form]) -> dict:
    """The checked forms as stored with the version (JSON)."""
    return {key: {"title": form.title, "title_en": form.title_en,
                  "fields": [_field_json(f) for f in form.fields]} for key, form in forms.items()}


def _field_json(f: Field) -> dict:
    out = {"name": f.name, "type": f.type, "label": f.label, "label_en": f.label_en, "required": f.required,
           "hide_unless_required": f.hide_unless_required}
    if f.options:
        out["options"] = [{"value": v, "label": zh, "label_en": en} for v, zh, en in f.options]
    if f.required_if:
        out["required_if"] = {"field": f.required_if[0], "values": list(f.required_if[1])}
    for key in ("max_length", "min_value", "max_value", "pattern", "default"):
        if getattr(f, key) is not None:
            out[key] = getattr(f, key)
    return out


def loaded(stored_forms: dict | None) -> dict[str, Form]:
    """A version's stored forms as Form objects (they were checked on upload)."""
    return check(stored_forms) if stored_forms else {}
