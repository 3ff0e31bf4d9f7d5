"""Overdue escalation: a red case lands with the center leader, who urges, extends, reassigns or
accepts the department's explanation."""
from __future__ import annotations

from sqlalchemy import select, update

from engine import deadlines
from engine.cases import projections, urges
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import CaseDepartment, Department, WorkItem
from engine.organisation import HANDLING_KINDS, Actor, roles as R
from forms.messages import msg


def raise_item(action, deadline) -> None:
    """Put an escalation work item in the center leaders' inbox (once per deadline)."""
    deadline.escalated_at = action.now
    case = action.case
    db.session.add(WorkItem(case_id=case.id, kind="escalation", task_name="escalation",
                            title=f"超期处置: {case.case_no}", form_key="escalation", stage=case.stage,
                            role=R.CENTER_LEADER, department_id=None, state="open", created_at=action.now,
                            due_at=deadline.due_at, warn_at=deadline.warn_at))
    action.event("escalated", actor_id=None, data={"deadline_id": deadline.id, "due_at": deadline.due_at.isoformat()})


def decide(action, item: WorkItem, actor: Actor, clean: dict) -> None:
    """Carry out the center leader's decision on an escalation item."""
    decision = clean["decision"]
    if decision == "urge":
        urges.add_urge(action, actor_id=actor.user_id, opinion=clean["opinion"])
    elif decision == "extend":
        deadlines.extend(action, days=clean["days"], reason="escalation", actor_id=actor.user_id)
        projections.refresh_due_dates(action.case, action.open_items)
    elif decision == "reassign":
        _reassign(action, clean["lead_department_id"], actor)
    item.state, item.completed_at, item.completed_by_id = "done", action.now, actor.user_id
    action.event("escalation_decided", actor_id=actor.user_id, data={"work_item_id": item.id, **clean})


def _reassign(action, new_lead: int, actor: Actor) -> None:
    case = action.case
    dept = db.session.get(Department, new_lead)
    if dept is None or not dept.active or dept.kind not in HANDLING_KINDS or new_lead == case.lead_department_id:
        raise ValidationFailed({"lead_department_id": [msg("same_department", "must be another handling department")]})
    old_lead = case.lead_department_id
    db.session.execute(update(CaseDepartment).where(
        CaseDepartment.case_id == case.id, CaseDepartment.active.is_(True),
        CaseDepartment.department_id.in_([old_lead, new_lead])).values(active=False))
    db.session.add(CaseDepartment(case_id=case.id, department_id=new_lead, role="lead", active=True,
                                  dispatch_round=_round(case.id) + 1, signed_at=action.now, created_at=action.now))
    case.lead_department_id = new_lead
    deadlines.cancel(action, deadlines.running(action, stage="handling", role="lead"))
    deadlines.open_for(action, stage="handling", departments=[(new_lead, "lead")], actor_id=actor.user_id)
    # Ready tasks computed their department from lead_department_id: hand them over too.
    action.load_workflow().update_ready_data({"lead_department_id": new_lead})
    for open_item in action.open_items:
        if open_item.department_id == old_lead and open_item.state == "open":
            open_item.department_id, open_item.claimed_by_id = new_lead, None
    projections.refresh_due_dates(case, action.open_items)


def _round(case_id: int) -> int:
    from sqlalchemy import func
    return db.session.execute(select(func.max(CaseDepartment.dispatch_round)).where(
        CaseDepartment.case_id == case_id)).scalar() or 0
