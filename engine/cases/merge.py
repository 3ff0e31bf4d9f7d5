"""并单: merging a repeat request into an open case at triage.

The triage form's `merge` decision ends the new case's process (outcome `merged`, an end event in
the BPMN); the hooks in task_hooks call `check_target` before the engine runs and `record` after
it, inside the same action, so the link and both audit events commit with the closing or not at all.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from engine.cases import audit
from engine.cases.unit import CaseAction
from engine.db import db
from engine.errors import ValidationFailed, WrongState
from engine.models import Case
from engine.organisation import Actor, scope
from forms.messages import msg

FIELD = "merge_into_case_no"


@dataclass(frozen=True)
class Target:
    """The open case a request is merged into (what `record` needs of it)."""

    id: int
    case_no: str
    stage: str


def check_target(action: CaseAction, actor: Actor, case_no: str) -> Target:
    """The target case, or ValidationFailed naming the field: it must exist, be visible and open."""
    number = (case_no or "").strip().upper()
    row = _lock_visible(actor, number)
    if row is None:
        # Not found and out of scope read the same: case numbers outside one's scope stay unconfirmed.
        raise ValidationFailed({FIELD: [msg("case_not_in_scope", "no case %(no)s in your scope", no=number)]})
    if row.id == action.case.id:
        raise ValidationFailed({FIELD: [msg("merge_into_itself", "a case cannot be merged into itself")]})
    if row.status == "closed":
        raise ValidationFailed({FIELD: [msg("merge_into_closed", "case %(no)s is closed: merge only into an open case", no=number)]})
    return Target(id=row.id, case_no=row.case_no, stage=row.stage)


def _lock_visible(actor: Actor, number: str):
    """Read the target FOR UPDATE: it cannot close between this check and our commit, and its audit
    trail's head stays ours (`record` appends to it; a share lock would deadlock two merges into it).

    Only the columns are read (no blob). Two agents merging two cases into each other at once
    would deadlock on PostgreSQL; the loser gets a 409 and can retry (SQLite serialises writers).
    """
    query = (select(Case.id, Case.case_no, Case.status, Case.stage)
             .where(Case.case_no == number, scope.case_visible(actor)).with_for_update())
    try:
        return db.session.execute(query).first()
    except OperationalError as exc:
        raise WrongState(msg("case_busy", "case %(no)s is being changed by someone else: try again", no=number)) from exc


def record(action: CaseAction, actor: Actor, target: Target) -> None:
    """Link the closed case to its target and write an event on both timelines."""
    case = action.case
    case.merged_into_id = target.id
    action.event("merged", actor_id=actor.user_id,
                 data={"merged_into_id": target.id, "merged_into_case_no": target.case_no})
    # The target is not locked for update nor changed (its version stays, so nobody working on it
    # gets a stale-version error): one plain insert into its audit trail, in this transaction.
    audit.record(target.id, actor_id=actor.user_id, action="merged_in", from_stage=target.stage,
                 to_stage=target.stage, now=action.now, locked=True,
                 data={"merged_case_id": case.id, "merged_case_no": case.case_no,
                       # shown on the target's timeline (the case page prints an event's reason)
                       "reason": f"并单：{case.case_no} 已并入本工单（{case.title}）"})
