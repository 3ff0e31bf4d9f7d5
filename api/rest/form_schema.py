"""Marshmallow schemas generated from form definitions, so the OpenAPI document and the edge
validation say exactly what the services accept."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from forms import Form
from forms.fields import Field


def _field(f: Field) -> fields.Field:
    kwargs = {"required": f.required, "metadata": {"description": f.label_en + " / " + f.label}}
    if f.type in ("string", "text"):
        checks = [validate.Length(max=f.max_length)] if f.max_length else []
        if f.pattern:
            checks.append(validate.Regexp(f.pattern))
        return fields.String(validate=checks, **kwargs)
    if f.type == "choice":
        return fields.String(validate=validate.OneOf([v for v, _zh, _en in f.options]), **kwargs)
    if f.type == "boolean":
        return fields.Boolean(**kwargs)
    if f.type in ("integer", "department", "matter", "area"):
        return fields.Integer(strict=True, validate=validate.Range(min=f.min_value, max=f.max_value), **kwargs)
    if f.type == "departments":
        return fields.List(fields.Integer(strict=True), **kwargs)
    raise ValueError(f"no schema field for type {f.type}")


def schema_for(form: Form, name: str) -> type[Schema]:
    """A Schema class with one field per form field."""
    return Schema.from_dict({f.name: _field(f) for f in form.fields}, name=name)
