"""Urging (督办): case data + a work item in the handler's inbox + a count with history.

Not a BPMN boundary event: a non-interrupting boundary fires only once in SpiffWorkflow 3.2.0,
and a case may be urged any number of times.
"""
from __future__ import annotations

from sqlalchemy import select

from engine.cases.unit import case_action
from engine.db import db
from engine.errors import NotFound, WrongState, check_form
from engine.models import Case, Urge, WorkItem
from engine.organisation import Actor, roles as R, scope
from forms import get_form
from forms.messages import msg

URGE_ROLES = (R.SUPERVISOR, R.CENTER_LEADER)
# Stages in which a department holds the case and an urge has someone to land on.
URGEABLE_STAGES = frozenset({"sign_for", "handling", "extension_review", "suspension_review", "suspended",
                             "reply_approval"})


def urge(*, case_id: int, actor: Actor, data: dict) -> Urge:
    """Urge the lead department of a case; the urge lands in its inbox as a work item."""
    actor.require(*URGE_ROLES)
    clean = check_form(get_form("urge"), data)
    with case_action(case_id, actor_id=actor.user_id) as action:
        scope.check_case_visible(actor, action.case)
        row = add_urge(action, actor_id=actor.user_id, opinion=clean["opinion"])
    return row


def add_urge(action, *, actor_id: int, opinion: str) -> Urge:
    """Record an urge inside a running case action (also used by overdue escalations)."""
    case: Case = action.case
    if case.stage not in URGEABLE_STAGES or case.lead_department_id is None:
        raise WrongState(msg("not_urgeable", "case %(no)s is in stage '%(stage)s': only a case a department "
                                             "holds can be urged", no=case.case_no, stage=case.stage))
    case.urge_count += 1
    row = Urge(case_id=case.id, seq=case.urge_count, actor_id=actor_id, department_id=case.lead_department_id,
               opinion=opinion, stage=case.stage, created_at=action.now)
    db.session.add(row)
    db.session.flush()
    db.session.add(WorkItem(case_id=case.id, kind="urge", task_name="urge", title=f"督办(第{row.seq}次)",
                            form_key="urge_ack", stage=case.stage, role=R.HANDLER,
                            department_id=case.lead_department_id, state="open", urge_id=row.id,
                            created_at=action.now, due_at=case.due_at, warn_at=case.warn_at,
                            due_provisional=case.due_provisional))
    action.event("urge", actor_id=actor_id, data={"seq": row.seq, "opinion": opinion})
    return row


def evaluate(*, urge_id: int, actor: Actor, data: dict) -> Urge:
    """The supervisor's evaluation of a department's answer to an urge (once, after the answer)."""
    actor.require(*URGE_ROLES)
    clean = check_form(get_form("urge_evaluation"), data)
    row = db.session.get(Urge, urge_id)
    if row is None:
        raise NotFound(msg("urge_not_found", "urge %(id)s not found", id=urge_id))
    with case_action(row.case_id, actor_id=actor.user_id, touch=False) as action:
        scope.check_case_visible(actor, action.case)
        row = db.session.get(Urge, urge_id, populate_existing=True)
        if row.acknowledged_at is None:
            raise WrongState(msg("urge_unanswered", "the department has not answered this urge yet"))
        if row.evaluation is not None:
            raise WrongState(msg("urge_evaluated", "this urge was evaluated already"))
        row.evaluation, row.evaluation_note = clean["evaluation"], clean.get("note")
        row.evaluated_by_id, row.evaluated_at = actor.user_id, action.now
        action.event("urge_evaluated", actor_id=actor.user_id, data={"seq": row.seq, **clean})
    return row


def awaiting_evaluation(*, actor: Actor, limit: int = 50) -> list[Urge]:
    """Answered urges not yet evaluated, oldest answer first (what a supervisor should look at)."""
    actor.require(*URGE_ROLES)
    return list(db.session.execute(select(Urge).where(
        Urge.acknowledged_at.is_not(None), Urge.evaluation.is_(None)).order_by(Urge.acknowledged_at)
        .limit(limit)).scalars())
