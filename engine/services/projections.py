"""Rewrite a case's projections from its workflow, inside the action's transaction.

Everything lists, inboxes and reports read is written here: work items, the case's stage,
status, outcome and due dates. Nothing else ever derives them from a blob.
"""
from __future__ import annotations

from sqlalchemy import insert, select

from engine.bpmn.runtime import CaseWorkflow, ReadyTask
from engine.db import db
from engine.models import Case, WorkItem

# When several tasks are ready (parallel handling) the case shows the most advanced stage.
STAGE_ORDER = ("intake", "triage", "dispatch", "return_review", "sign_for", "handling",
               "extension_review", "reply_approval", "review", "visit")
STATUS_BY_STAGE = {
    "intake": "registered", "triage": "registered",
    "dispatch": "dispatching", "return_review": "dispatching",
    "sign_for": "handling", "handling": "handling", "extension_review": "handling",
    "reply_approval": "handling", "review": "reviewing", "visit": "visiting",
    "closed": "closed",
}
# Department work on these stages is due by the handling deadline.
HANDLING_STAGES = frozenset({"handling", "extension_review", "reply_approval"})


def case_stage(ready: list[ReadyTask]) -> str:
    """The stage a case is in, given its ready user tasks."""
    stages = [t.info.stage for t in ready if t.info.stage]
    if not stages:
        return "closed"
    return max(stages, key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else -1)


def due_for(case: Case, task: ReadyTask):
    """The due moment of a work item for this task."""
    if task.info.stage == "sign_for":
        return case.sign_due_at
    if task.info.stage in HANDLING_STAGES and task.department_id is not None:
        return case.handle_due_at
    return None


def sync(case: Case, workflow: CaseWorkflow, *, open_items: list[WorkItem], actor_id: int | None,
         completed_task_id: str | None, now) -> None:
    """Bring work items and case columns in line with the workflow's ready tasks.

    `open_items` are the case's open work items, read once under the row lock by the caller.
    """
    ready = workflow.ready_tasks()
    ready_ids = {t.task_id for t in ready}
    known = set()
    for item in open_items:
        if item.kind != "task":
            continue
        known.add(item.task_id)
        if item.task_id not in ready_ids:
            _close_item(item, "done" if item.task_id == completed_task_id else "cancelled", actor_id, now)
    new_rows = [_new_item(case, task, now) for task in ready if task.task_id not in known]
    if new_rows:
        db.session.execute(insert(WorkItem), new_rows)
    case.stage = case_stage(ready)
    case.status = STATUS_BY_STAGE.get(case.stage, "handling")
    case.updated_at = now
    if workflow.completed:
        case.outcome = workflow.outcome()
        case.closed_at = now
        for item in open_items:
            if item.kind == "urge" and item.state == "open":
                _close_item(item, "cancelled", None, now)


def set_stage(case: Case, workflow: CaseWorkflow) -> None:
    """Stage and status of a case from its workflow (before its row exists)."""
    case.stage = case_stage(workflow.ready_tasks())
    case.status = STATUS_BY_STAGE.get(case.stage, "handling")


def insert_items(case: Case, workflow: CaseWorkflow, now) -> None:
    """Work items of a new case's ready tasks (nothing to compare with yet)."""
    rows = [_new_item(case, task, now) for task in workflow.ready_tasks()]
    if rows:
        db.session.execute(insert(WorkItem), rows)


def refresh_due_dates(case: Case, open_items: list[WorkItem]) -> None:
    """Propagate the case's due dates to its open task items (after an extension)."""
    for item in open_items:
        if item.kind != "task" or item.state != "open":
            continue
        if item.stage == "sign_for":
            item.due_at = case.sign_due_at
        elif item.stage in HANDLING_STAGES and item.department_id is not None:
            item.due_at = case.handle_due_at


def _new_item(case: Case, task: ReadyTask, now) -> dict:
    info = task.info
    return dict(case_id=case.id, kind="task", task_id=task.task_id, task_name=info.bpmn_id,
                title=info.title, form_key=info.form_key or "", stage=info.stage or "",
                role=info.role or "", department_id=task.department_id, state="open",
                created_at=now, due_at=due_for(case, task))


def _close_item(item: WorkItem, state: str, actor_id: int | None, now) -> None:
    item.state = state
    item.completed_at = now
    if state == "done":
        item.completed_by_id = actor_id
