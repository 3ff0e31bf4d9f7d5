"""A case on its process diagram: the XML of the version it runs on, and where it stands.

Read-only: the case's workflow is restored from its blob (as an action would, without the lock)
and traced (`engine.bpmn.paths`); its ready user tasks are joined with the case's open work
items for the department and the due date. The same scope check as every read of a case.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from engine import processes
from engine.bpmn import paths
from engine.bpmn.runtime import CaseWorkflow
from engine.cases.visible import get_case
from engine.db import db
from engine.deadlines import colour_of
from engine.models import Case, Department, ProcessVersion, WorkItem
from engine.organisation import Actor
from engine.ports import now as clock_now


@dataclass(frozen=True)
class ActiveStep:
    """A task waiting to be done now, where the diagram shows it."""

    element_id: str                # the BPMN element (a multi-instance: one step per instance)
    task: str                      # the task's name in the process, e.g. 办理
    work_item_id: int | None
    department_id: int | None      # None: a task of the 12345 center
    department: str | None
    due_at: datetime | None        # None: no time limit runs for the task
    colour: str | None             # green / yellow / red at `now`, None without a due date


@dataclass(frozen=True)
class DiagramState:
    completed: list[str]           # element ids done, first done first (not those running now)
    flows: list[str]               # sequence flow ids taken
    active: list[ActiveStep]       # empty once the case is closed
    closed: bool


def version_xml(*, case_id: int, actor: Actor) -> str:
    """The BPMN XML of the process version the case runs on (pinned when it started)."""
    case = get_case(case_id=case_id, actor=actor)
    return _xml(case.process_version_id)


def state(*, case_id: int, actor: Actor, now: datetime | None = None) -> DiagramState:
    """Where the case stands on its diagram: the path so far and the tasks waiting now."""
    case = get_case(case_id=case_id, actor=actor)
    blob = db.session.execute(select(Case.blob).where(Case.id == case_id)).scalar()
    if blob is None:
        return DiagramState(completed=[], flows=[], active=[], closed=case.status == "closed")
    workflow = CaseWorkflow.load(processes.parsed(case.process_version_id), blob)
    trace = paths.trace(workflow.wf, paths.sequence_flows(_xml(case.process_version_id).encode()))
    closed = case.status == "closed"
    active = [] if closed else _steps(case_id, trace.active, now or clock_now())
    return DiagramState(completed=trace.completed, flows=trace.flows, active=active, closed=closed)


def _xml(version_id: int) -> str:
    return db.session.execute(select(ProcessVersion.xml).where(ProcessVersion.id == version_id)).scalar_one()


def _steps(case_id: int, tasks: list[paths.ActiveTask], now: datetime) -> list[ActiveStep]:
    """The ready tasks with their open work items' departments and due dates (one query)."""
    rows = db.session.execute(
        select(WorkItem, Department.name).outerjoin(Department, Department.id == WorkItem.department_id)
        .where(WorkItem.case_id == case_id, WorkItem.state == "open", WorkItem.kind == "task")).all()
    items = {item.task_id: (item, name) for item, name in rows}
    steps = []
    for task in tasks:
        item, name = items.get(task.task_id, (None, None))
        steps.append(ActiveStep(
            element_id=task.bpmn_id, task=task.name, work_item_id=item.id if item else None,
            department_id=item.department_id if item else None, department=name,
            due_at=item.due_at if item else None,
            colour=colour_of(now, item.due_at, item.warn_at) if item else None))
    return steps
