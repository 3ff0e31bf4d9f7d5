"""Rewrite a case's projections from its workflow, inside the action's transaction.

Everything lists, inboxes and reports read is written here: work items, the case's stage,
status, outcome and due dates. Nothing else ever derives them from a blob.
"""
from __future__ import annotations

from sqlalchemy import insert

from engine.bpmn.runtime import CaseWorkflow, ReadyTask
from engine.db import db
from engine.models import Case, WorkItem

# When several tasks are ready (parallel handling) the case shows the most advanced stage.
STAGE_ORDER = ("intake", "triage", "dispatch", "return_review", "sign_for", "handling",
               "extension_review", "suspension_review", "suspended", "reply_approval", "review", "visit",
               "close_review")
STATUS_BY_STAGE = {
    "intake": "registered", "triage": "registered",
    "dispatch": "dispatching", "return_review": "dispatching",
    "sign_for": "handling", "handling": "handling", "extension_review": "handling",
    "suspension_review": "handling", "suspended": "handling",
    "reply_approval": "handling", "review": "reviewing", "visit": "visiting", "close_review": "visiting",
    "closed": "closed",
}
# Department work on these stages is due by the handling deadline.
HANDLING_STAGES = frozenset({"handling", "extension_review", "suspension_review", "reply_approval"})


def case_stage(ready: list[ReadyTask]) -> str:
    """The stage a case is in, given its ready user tasks."""
    stages = [t.info.stage for t in ready if t.info.stage]
    if not stages:
        return "closed"
    return max(stages, key=lambda s: STAGE_ORDER.index(s) if s in STAGE_ORDER else -1)


def _has_clock(stage: str | None, department_id: int | None) -> bool:
    """Department work in sign-for and handling stages runs on the case's binding deadline."""
    return department_id is not None and (stage == "sign_for" or stage in HANDLING_STAGES)


def due_fields(case: Case, stage: str | None, department_id: int | None) -> dict:
    """due_at, warn_at, colour and provisional flag of a work item, from the case's deadline."""
    if not _has_clock(stage, department_id):
        return {"due_at": None, "warn_at": None, "due_provisional": False}
    return {"due_at": case.due_at, "warn_at": case.warn_at, "due_provisional": case.due_provisional}


def sync(case: Case, workflow: CaseWorkflow, *, open_items: list[WorkItem], actor_id: int | None,
         completed_task_id: str | None, now) -> list[WorkItem]:
    """Bring work items and case columns in line with the workflow's ready tasks; returns the work
    items it opened (detached copies of the rows, with their ids).

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
    opened = _insert_items([_new_item(case, task, now) for task in ready if task.task_id not in known])
    case.stage = case_stage(ready)
    case.status = STATUS_BY_STAGE.get(case.stage, "handling")
    case.updated_at = now
    if workflow.completed:
        case.outcome = workflow.outcome()
        case.closed_at = now
        for item in open_items:
            if item.kind in ("urge", "escalation") and item.state == "open":
                _close_item(item, "cancelled", None, now)
    return opened


def set_stage(case: Case, workflow: CaseWorkflow) -> None:
    """Stage and status of a case from its workflow (before its row exists)."""
    case.stage = case_stage(workflow.ready_tasks())
    case.status = STATUS_BY_STAGE.get(case.stage, "handling")


def insert_items(case: Case, workflow: CaseWorkflow, now) -> list[WorkItem]:
    """Work items of a new case's ready tasks (nothing to compare with yet), with their ids."""
    return _insert_items([_new_item(case, task, now) for task in workflow.ready_tasks()])


def _insert_items(rows: list[dict]) -> list[WorkItem]:
    """One Core INSERT (the ORM's bulk insert costs ~0.07 ms more) returning the ids, in order."""
    if not rows:
        return []
    ids = db.session.execute(insert(WorkItem.__table__).returning(WorkItem.__table__.c.id, sort_by_parameter_order=True),
                             rows).scalars().all()
    return [WorkItem(id=item_id, claimed_by_id=None, **row) for item_id, row in zip(ids, rows)]


def refresh_due_dates(case: Case, open_items: list[WorkItem]) -> None:
    """Propagate the case's deadline to its open task items (after an extension or resumption)."""
    for item in open_items:
        if item.kind == "task" and item.state == "open" and _has_clock(item.stage, item.department_id):
            for name, value in due_fields(case, item.stage, item.department_id).items():
                setattr(item, name, value)


def clear_due_dates(open_items: list[WorkItem]) -> None:
    """While the clock is paused, department items show no due date (and no colour)."""
    for item in open_items:
        if item.kind == "task" and item.state == "open" and _has_clock(item.stage, item.department_id):
            item.due_at = item.warn_at = None


def _new_item(case: Case, task: ReadyTask, now) -> dict:
    info = task.info
    return dict(case_id=case.id, kind="task", task_id=task.task_id, task_name=info.bpmn_id,
                title=info.title, form_key=info.form_key or "", stage=info.stage or "",
                role=info.role or "", department_id=task.department_id, state="open",
                created_at=now, **due_fields(case, info.stage, task.department_id))


def _close_item(item: WorkItem, state: str, actor_id: int | None, now) -> None:
    item.state = state
    item.completed_at = now
    if state == "done":
        item.completed_by_id = actor_id
