"""/api/v1/statistics: the KPIs of docs/STATISTICS.md over a period of Shanghai days."""
from __future__ import annotations

from datetime import date

from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from api.auth import current_actor
from api.rest.blueprint import Blueprint
from api.rest.schemas import Id
from engine import statistics
from engine.models.case import CATEGORIES, CHANNELS

blp = Blueprint("statistics", __name__, url_prefix="/api/v1/statistics", description="Statistics (统计考核指标)")


class Day(fields.Date):
    """A Shanghai calendar day between the years 1900 and 2999."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not date(1900, 1, 1) <= day <= date(2999, 12, 31):
            raise ValidationError("must be between the years 1900 and 2999")
        return day


class KpiQuerySchema(Schema):
    start = Day(required=True, metadata={"description": "first day, YYYY-MM-DD (Asia/Shanghai), inclusive"})
    end = Day(required=True, metadata={"description": "last day, YYYY-MM-DD (Asia/Shanghai), inclusive"})
    department_id = Id(metadata={"description": "this department and those below it"})
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    area_id = Id(metadata={"description": "the case's district/street/community, with those below it"})
    repeat_days = fields.Integer(load_default=30, validate=validate.Range(min=1, max=366),
                                 metadata={"description": "重复来电率: an earlier case at most this many days before"})

    @validates_schema
    def _start_before_end(self, data, **kwargs):
        if "start" in data and "end" in data and data["start"] > data["end"]:
            raise ValidationError("must not be before start", "end")


class KpiSchema(Schema):
    code = fields.String(metadata={"description": "e.g. connection_rate, handled_on_time (docs/STATISTICS.md)"})
    numerator = fields.Float(metadata={"description": "a count; for mean_wait_seconds the total seconds"})
    denominator = fields.Integer(allow_none=True, metadata={"description": "null for a count (intake…)"})
    value = fields.Float(allow_none=True, metadata={"description": "numerator / denominator; null when it is 0; "
                                                                   "a count's value is the count"})


class KpiReportSchema(Schema):
    start = fields.Date()
    end = fields.Date()
    kpis = fields.List(fields.Nested(KpiSchema), metadata={
        "description": "call figures only for the whole center (no filter, not a department leader)"})


@blp.route("/kpis")
class Kpis(MethodView):
    @blp.arguments(KpiQuerySchema, location="query")
    @blp.response(200, KpiReportSchema)
    def get(self, args):
        """The KPIs of the days start..end; center leaders, supervisors, shift leads and admins see every
        department, a department leader its own subtree."""
        found = statistics.compute(current_actor(), **args)
        return {"start": args["start"], "end": args["end"], "kpis": list(found.values())}
