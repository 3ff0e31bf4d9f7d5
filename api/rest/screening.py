"""/api/v1/screening: the cases flagged by the risk screening at intake (engine.screening)."""
from __future__ import annotations

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.auth import current_actor
from api.rest.blueprint import Blueprint
from api.rest.schemas import PagingSchema
from api.rest.statistics import Day
from engine import screening

blp = Blueprint("screening", __name__, url_prefix="/api/v1/screening", description="Risk screening (风险研判)")


class FlagQuerySchema(PagingSchema):
    start = Day(required=True, metadata={"description": "first day flagged, YYYY-MM-DD (Asia/Shanghai), inclusive"})
    end = Day(required=True, metadata={"description": "last day flagged, YYYY-MM-DD (Asia/Shanghai), inclusive"})
    risk_type = fields.String(validate=validate.Length(max=32), metadata={"description": "a risk type's code"})

    @validates_schema
    def _start_before_end(self, data, **kwargs):
        if "start" in data and "end" in data and data["start"] > data["end"]:
            raise ValidationError("must not be before start", "end")


class FlagSchema(Schema):
    case_id = fields.Integer()
    case_no = fields.String()
    title = fields.String()
    status = fields.String()
    lead_department_id = fields.Integer(allow_none=True)
    risk_type_code = fields.String()
    words = fields.List(fields.String(), metadata={"description": "the risk type's keywords found in the case"})
    flagged_at = fields.DateTime()


class FlagListSchema(Schema):
    items = fields.List(fields.Nested(FlagSchema))
    total = fields.Integer()
    page = fields.Integer()
    page_size = fields.Integer()


@blp.route("/flags")
class Flags(MethodView):
    @blp.arguments(FlagQuerySchema, location="query")
    @blp.response(200, FlagListSchema)
    def get(self, args):
        """Cases flagged in start..end, newest first; center leaders, supervisors, shift leads and admins
        see all, a department leader those whose lead department lies in its subtree."""
        result = screening.flags.list_flags(current_actor(), **args)
        return {"items": result.items, "total": result.total, "page": result.page, "page_size": result.page_size}
