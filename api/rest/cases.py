"""/api/v1/cases: open, list, read, audit trail, urge."""
from __future__ import annotations

from flask.views import MethodView

from api.auth import current_actor
from api.rest import presenters
from api.rest.blueprint import Blueprint
from api.rest.schemas import (
    CaseCreatedSchema,
    CaseCreateSchema,
    CaseDetailSchema,
    CaseListSchema,
    CaseQuerySchema,
    DeadlineSchema,
    EventSchema,
    IntakeHeadersSchema,
    OvertimeReportCreateSchema,
    OvertimeReportSchema,
    UrgeCreateSchema,
    UrgeSchema,
)
from engine.cases import open_case_once, overtime, service as cases, urges, work_items
from engine.deadlines import service as deadlines

blp = Blueprint("cases", __name__, url_prefix="/api/v1/cases", description="Cases (工单)")


@blp.route("")
class Cases(MethodView):
    @blp.arguments(CaseQuerySchema, location="query")
    @blp.response(200, CaseListSchema)
    def get(self, args):
        """List cases in your scope (filters, paging, sorting)."""
        actor = current_actor()
        page, page_size, sort = args.pop("page"), args.pop("page_size"), args.pop("sort")
        result = cases.list_cases(actor=actor, filters=args, page=page, page_size=page_size, sort=sort)
        return {"items": [presenters.case_summary(c, actor) for c in result.items], "total": result.total,
                "page": result.page, "page_size": result.page_size}

    @blp.arguments(CaseCreateSchema)
    @blp.arguments(IntakeHeadersSchema, location="headers")
    @blp.response(201, CaseCreatedSchema)
    def post(self, data, headers):
        """Register a citizen's request (intake); answers the case number, query code and open work items.

        With an `Idempotency-Key` a repeat answers the case the key opened (`Idempotent-Replayed: true`)."""
        case, items, opened = open_case_once(actor=current_actor(), data=data, key=headers.get("idempotency_key"))
        return presenters.case_created(case, items), 201, ({} if opened else {"Idempotent-Replayed": "true"})


@blp.route("/<id:case_id>")
class CaseOne(MethodView):
    @blp.response(200, CaseDetailSchema)
    def get(self, case_id):
        """One case with its departments, urges and open work items."""
        actor = current_actor()
        case = cases.get_case(case_id=case_id, actor=actor)
        return presenters.case_detail(case, actor, work_items.open_of_case(case_id))


@blp.route("/<id:case_id>/events")
class CaseEvents(MethodView):
    @blp.response(200, EventSchema(many=True))
    def get(self, case_id):
        """The case's audit trail, oldest first."""
        return cases.list_events(case_id=case_id, actor=current_actor())


@blp.route("/<id:case_id>/urge")
class CaseUrge(MethodView):
    @blp.arguments(UrgeCreateSchema)
    @blp.response(201, UrgeSchema)
    def post(self, data, case_id):
        """Urge (督办) the department holding the case; lands in its inbox."""
        return urges.urge(case_id=case_id, actor=current_actor(), data=data)


@blp.route("/<id:case_id>/deadlines")
class CaseDeadlines(MethodView):
    @blp.response(200, DeadlineSchema(many=True))
    def get(self, case_id):
        """Every deadline of the case: per stage, department and round, with colour and state."""
        cases.get_case(case_id=case_id, actor=current_actor())
        rows = deadlines.of_case(case_id)
        names = {d.department_id: d.department.name for d in cases.departments_of(case_id)}
        fields = [f for f in DeadlineSchema().fields if f != "department_name"]
        return [{**{c: getattr(r, c) for c in fields}, "department_name": names.get(r.department_id)}
                for r in rows]


@blp.route("/<id:case_id>/overtime-report")
class CaseOvertimeReport(MethodView):
    @blp.response(200, OvertimeReportSchema(many=True))
    def get(self, case_id):
        """The case's overtime reports."""
        cases.get_case(case_id=case_id, actor=current_actor())
        return overtime.list_for(case_id)

    @blp.arguments(OvertimeReportCreateSchema)
    @blp.response(201, OvertimeReportSchema)
    def post(self, data, case_id):
        """The lead department explains an overdue case (needed before its reply)."""
        return overtime.submit(case_id=case_id, actor=current_actor(), data=data)
