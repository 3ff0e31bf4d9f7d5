"""Schemas of /api/v1/process-versions: versions, their lifecycle, diffs and case migration."""
from __future__ import annotations

from marshmallow import Schema, fields, validate

from api.rest.schemas import UtcDateTime


class VersionSchema(Schema):
    id = fields.Integer()
    process_id = fields.String()
    version = fields.Integer()
    name = fields.String()
    sha256 = fields.String()
    state = fields.String(metadata={"description": "draft | published | retired"})
    created_at = UtcDateTime()
    created_by_id = fields.Integer(allow_none=True)
    published_at = UtcDateTime(allow_none=True)
    published_by_id = fields.Integer(allow_none=True)
    retired_at = UtcDateTime(allow_none=True)
    running_cases = fields.Integer(metadata={"description": "open cases on this version"})
    forms = fields.List(fields.String(), metadata={"description": "keys of the forms uploaded with it"})


class ReasonSchema(Schema):
    reason = fields.String(load_default="", validate=validate.Length(max=500))


class RollbackSchema(ReasonSchema):
    process_id = fields.String(required=True, validate=validate.Length(min=1, max=100))


class DiffQuerySchema(Schema):
    against = fields.Integer(metadata={"description": "the version id to compare with (default: the previous "
                                                      "version of the same process)"},
                             validate=validate.Range(min=1, max=2**31 - 1))


class ElementSchema(Schema):
    id = fields.String()
    tag = fields.String()
    name = fields.String()


class ChangeSchema(Schema):
    id = fields.String()
    tag = fields.String()
    aspects = fields.List(fields.String())
    old = fields.Nested(ElementSchema)
    new = fields.Nested(ElementSchema)


class DiffSchema(Schema):
    old_version_id = fields.Integer()
    new_version_id = fields.Integer()
    added = fields.List(fields.Nested(ElementSchema))
    removed = fields.List(fields.Nested(ElementSchema))
    changed = fields.List(fields.Nested(ChangeSchema))


class JsonBoolean(fields.Boolean):
    """true or false only: the spec says boolean, so 0, 1 and "yes" are refused (422)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class MigrateSchema(Schema):
    dry_run = JsonBoolean(load_default=True)
    from_version_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=2**31 - 1))
    case_ids = fields.List(fields.Integer(validate=validate.Range(min=1, max=2**31 - 1)),
                           validate=validate.Length(max=5000))


class CaseMoveSchema(Schema):
    case_id = fields.Integer()
    case_no = fields.String()
    stage = fields.String()
    from_version = fields.Integer()
    movable = fields.Boolean()
    moved = fields.Boolean()
    reasons = fields.List(fields.String(), metadata={"description": "why it cannot move (English)"})
    reason_codes = fields.List(fields.String())
