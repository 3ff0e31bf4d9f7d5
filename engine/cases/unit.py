"""The unit of work around every case action: lock the row, act, project, audit, commit once.

Statements are kept to the minimum (each costs ~0.3 ms on PostgreSQL, more than the engine):
the case row (with its blob) under lock, the case's open work items with their departments'
paths in one query, the action's own writes, then one flush at commit. Autoflush is off inside
an action so the case row is updated once, not after every query.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy import bindparam, select
from sqlalchemy.orm import undefer

from engine import processes
from engine.bpmn.runtime import CaseWorkflow, EngineFailure, TaskNotReady
from engine.cases import audit, delivery, first_contact, projections
from engine.db import RawJson, db, prebuilt
from engine.errors import NotFound, StaleVersion, WrongState
from engine.models import Case, Department, WorkItem
from engine.ports import now as clock_now
from forms.messages import msg

# What an action records beside its step (a notice sent, a rule applied): the timeline shows the
# step's move from stage to stage once, on the step itself.
SIDE_EVENTS = frozenset({"citizen_notified", "overtime_counted", "natural_reported"})


@dataclass
class CaseAction:
    """What an action works on: the locked case, its open work items, its workflow, the time."""

    case: Case
    now: object
    open_items: list[WorkItem] = field(default_factory=list)
    item_paths: dict[int, str | None] = field(default_factory=dict)   # work item id -> department path
    workflow: CaseWorkflow | None = None
    completed_task_id: str | None = None
    events: list[dict] = field(default_factory=list)
    created_items: list[WorkItem] = field(default_factory=list)     # opened by this action
    # Rows an action's steps share (e.g. the case's deadlines), read at most once per action.
    cache: dict = field(default_factory=dict)

    def __post_init__(self):
        self.start_stage = self.case.stage

    def load_workflow(self) -> CaseWorkflow:
        if self.workflow is None:
            process = processes.parsed(self.case.process_version_id)
            self.workflow = CaseWorkflow.load(process, self.case.blob)
        return self.workflow

    def open_item(self, item_id: int) -> WorkItem:
        """One of the case's open items, or WrongState saying what became of it."""
        for item in self.open_items:
            if item.id == item_id:
                return item
        state = db.session.execute(select(WorkItem.state).where(WorkItem.id == item_id)).scalar()
        if state:
            raise WrongState(msg("item_done", "work item %(id)s is done already", id=item_id) if state == "done"
                             else msg("item_cancelled", "work item %(id)s was cancelled: the case moved on", id=item_id))
        raise WrongState(msg("item_elsewhere", "work item %(id)s does not belong to this case", id=item_id))

    def open_after(self) -> list[WorkItem]:
        """The case's open work items once the action committed, oldest first: every open item is
        read under the lock or opened by the action (work items change only in case actions)."""
        still = [item for item in self.open_items if item.state == "open"]
        return sorted(still + [item for item in self.created_items if item.state == "open"], key=lambda i: i.id)

    def event(self, action: str, *, actor_id: int | None, data: dict | None = None) -> None:
        """Queue an audit event; stages are filled in when the action commits."""
        self.events.append(dict(action=action, actor_id=actor_id, data=data or {}))


def lock_case(case_id: int | None, *, with_blob: bool = False, of_item: int | None = None) -> Case:
    """SELECT ... FOR UPDATE the case row (SQLite: the transaction began IMMEDIATE).

    `of_item`: lock the case of this work item instead, found in the same statement (a completion
    knows only its item; a separate look-up was one more round trip on every completion)."""
    params = {"case_id": case_id} if of_item is None else {"item_id": of_item}
    case = db.session.execute(_lock_statement(with_blob, of_item is not None), params).scalar_one_or_none()
    if case is None and of_item is not None:
        raise NotFound(msg("item_not_found", "work item %(id)s not found", id=of_item))
    if case is None:
        raise NotFound(msg("case_not_found", "case %(id)s not found", id=case_id))
    return case


@prebuilt
def _lock_statement(with_blob: bool, by_item: bool):
    # An item's case never changes, so the subquery needs no lock of its own.
    target = (select(WorkItem.case_id).where(WorkItem.id == bindparam("item_id")).scalar_subquery()
              if by_item else bindparam("case_id"))
    query = select(Case).where(Case.id == target).with_for_update().execution_options(populate_existing=True)
    return query.options(undefer(Case.blob)) if with_blob else query


def open_items(case_id: int) -> tuple[list[WorkItem], dict[int, str | None]]:
    """The case's open work items, oldest first, and each one's department path (scope checks)."""
    rows = db.session.execute(_open_items_statement(), {"case_id": case_id}).all()
    return [item for item, _ in rows], {item.id: path for item, path in rows}


@prebuilt
def _open_items_statement():
    return (select(WorkItem, Department.path).outerjoin(Department, Department.id == WorkItem.department_id)
            .where(WorkItem.case_id == bindparam("case_id"), WorkItem.state == "open").order_by(WorkItem.id)
            .execution_options(populate_existing=True))


@contextmanager
def case_action(case_id: int | None, *, expected_version: int | None = None, with_blob: bool = False,
                actor_id: int | None = None, touch: bool = True, of_item: int | None = None) -> Iterator[CaseAction]:
    """Run one action on a locked case and commit it with its projections, or roll back.

    `touch=False` (the scheduler's reminders) leaves the case's version alone: nothing a client
    edits changed, so its next write must not fail as stale. `of_item` (with case_id None): the
    case of that work item.
    """
    try:
        with db.session.no_autoflush:
            case = lock_case(case_id, with_blob=with_blob, of_item=of_item)
            if expected_version is not None and expected_version != case.version:
                raise StaleVersion(expected_version, case.version)
            items, paths = open_items(case.id)
            action = CaseAction(case=case, now=clock_now(), open_items=items, item_paths=paths)
            yield action
            _finish(action, actor_id=actor_id, touch=touch)
        db.session.commit()
    except EngineFailure as exc:
        db.session.rollback()
        raise WrongState(msg("engine_failure", "the process could not continue: %(why)s", why=str(exc))) from exc
    except TaskNotReady as exc:
        db.session.rollback()
        raise WrongState(msg("task_not_ready", "task %(task)s is no longer ready", task=str(exc))) from exc
    except BaseException:
        db.session.rollback()
        raise


def _finish(action: CaseAction, *, actor_id: int | None, touch: bool) -> None:
    case = action.case
    if action.workflow is not None:
        action.created_items += projections.sync(case, action.workflow, open_items=action.open_items,
                                                 actor_id=actor_id, completed_task_id=action.completed_task_id,
                                                 now=action.now)
        case.blob = RawJson(action.workflow.dump())
    if touch:
        case.version += 1
    first_contact.after_action(action, actor_id=actor_id)     # 首问责任人: named in triage, told of each stage
    if case.closed_at == action.now:       # closed by this action: the citizen is told (送达)
        delivery.closed(action, actor_id=actor_id)
    # items an action's steps added through the session (an urge, an escalation) get their ids at commit
    action.created_items += [obj for obj in db.session.new if isinstance(obj, WorkItem)]
    audit.record_many([dict(case_id=case.id, created_at=action.now, to_stage=case.stage, **ev,
                            from_stage=case.stage if ev["action"] in SIDE_EVENTS else action.start_stage)
                       for ev in action.events], locked=True)     # lock_case holds the row
