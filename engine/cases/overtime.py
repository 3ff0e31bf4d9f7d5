"""Overtime reports (超时办结情况报告): an overdue case explains itself before it may reply."""
from __future__ import annotations

from sqlalchemy import select

from engine import deadlines
from engine.cases.unit import case_action
from engine.db import db
from engine.errors import PermissionDenied, WrongState, check_form
from engine.models import OvertimeReport
from engine.organisation import Actor, roles as R, scope
from forms import get_form
from forms.messages import msg


def submit(*, case_id: int, actor: Actor, data: dict) -> OvertimeReport:
    """The lead department reports why it is late and what it does about it (once per deadline):
    before replying to an overdue case, or after a limit Article 7 counted as missed later (a
    decision delivered late)."""
    actor.require(R.HANDLER, R.DEPT_LEADER)
    clean = check_form(get_form("overtime_report"), data)
    with case_action(case_id, actor_id=actor.user_id) as action:
        case = action.case
        if not scope.in_subtree(actor, case.lead_department_id):
            raise PermissionDenied(msg("lead_reports", "only the lead department reports on its overdue case"))
        late = deadlines.rules.report_owed(action)
        if late is None:
            raise WrongState(msg("not_overdue", "case %(no)s is not overdue", no=case.case_no))
        if db.session.execute(select(OvertimeReport.id).where(OvertimeReport.deadline_id == late.id)).first():
            raise WrongState(msg("report_exists", "case %(no)s already has an overtime report for this deadline", no=case.case_no))
        report = OvertimeReport(case_id=case.id, deadline_id=late.id, actor_id=actor.user_id,
                                created_at=action.now, **clean)
        db.session.add(report)
        action.event("overtime_report", actor_id=actor.user_id, data=clean)
    return report


def list_for(case_id: int) -> list[OvertimeReport]:
    return list(db.session.execute(select(OvertimeReport).where(OvertimeReport.case_id == case_id)
                                   .order_by(OvertimeReport.id)).scalars())
