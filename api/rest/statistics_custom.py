"""POST /api/v1/statistics/custom: a custom report (自定义报表) from its definition, the same table
as the page /statistics/custom (engine.statistics.ReportSpec: whitelisted codes only)."""
from __future__ import annotations

from flask import request
from flask.views import MethodView
from marshmallow import Schema, fields

from api.auth import current_actor
from api.rest.blueprint import Blueprint
from api.rest.statistics import KpiSchema
from engine import statistics
from engine.errors import ValidationFailed
from forms.messages import msg

blp = Blueprint("statistics_custom_api", __name__, url_prefix="/api/v1/statistics",
                description="Custom reports (自定义报表)")
SPEC_DOC = {
    "description": "dimensions (1 or 2 of: " + ", ".join(statistics.DIMENSIONS) + "), measures (KPI codes; call "
                   "codes only by time and without filters), start, end (YYYY-MM-DD, Asia/Shanghai), optional "
                   "parts (numerators shown), department_id, area_id, category, channel",
    "required": True,
    "content": {"application/json": {"example": {"dimensions": ["category"], "measures": ["intake", "return_rate"],
                                                 "start": "2026-11-01", "end": "2026-11-30"}}},
}


class RowSchema(Schema):
    keys = fields.List(fields.Raw(allow_none=True), metadata={
        "description": "the dimension values: department/area ids, codes, 'YYYY-MM', hour 0..23; null = none"})
    kpis = fields.List(fields.Nested(KpiSchema))


class TableSchema(Schema):
    spec = fields.Dict(metadata={"description": "the definition as checked"})
    rows = fields.List(fields.Nested(RowSchema))
    totals = fields.List(fields.Nested(KpiSchema), metadata={
        "description": "numerators and denominators summed over the rows, value recomputed"})


@blp.route("/custom")
class CustomReport(MethodView):
    @blp.doc(requestBody=SPEC_DOC)
    @blp.response(200, TableSchema)
    def post(self):
        """Run a custom report; 422 names each bad field, 403 outside a department leader's subtree."""
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ValidationFailed({"body": [msg("body_not_object", "must be a JSON object")]})
        table = statistics.run_custom(current_actor(), statistics.ReportSpec.from_mapping(data))
        return {"spec": table.spec.to_mapping(),
                "rows": [{"keys": list(row.keys), "kpis": list(row.kpis.values())} for row in table.rows],
                "totals": list(table.totals.kpis.values())}
