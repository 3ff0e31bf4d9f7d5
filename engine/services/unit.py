"""The unit of work around every case action: lock the row, act, project, audit, commit once."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy import select
from sqlalchemy.orm import undefer

from engine.bpmn.runtime import CaseWorkflow, EngineFailure
from engine.db import RawJson, db
from engine.errors import NotFound, StaleVersion, WrongState
from engine.models import Case
from engine.ports import now as clock_now
from engine.services import audit, processes, projections


@dataclass
class CaseAction:
    """What an action works on: the locked case, its workflow, and the time it happens."""

    case: Case
    now: object
    workflow: CaseWorkflow | None = None
    completed_task_id: str | None = None
    events: list[dict] = field(default_factory=list)

    def __post_init__(self):
        self.start_stage = self.case.stage

    def load_workflow(self) -> CaseWorkflow:
        if self.workflow is None:
            process = processes.parsed(self.case.process_version_id)
            self.workflow = CaseWorkflow.load(process, self.case.blob)
        return self.workflow

    def event(self, action: str, *, actor_id: int | None, data: dict | None = None) -> None:
        """Queue an audit event; stages are filled in when the action commits."""
        self.events.append(dict(action=action, actor_id=actor_id, data=data))


def lock_case(case_id: int, *, with_blob: bool = False) -> Case:
    """SELECT ... FOR UPDATE the case row (SQLite: the transaction began IMMEDIATE)."""
    query = select(Case).where(Case.id == case_id).with_for_update().execution_options(populate_existing=True)
    if with_blob:
        query = query.options(undefer(Case.blob))
    case = db.session.execute(query).scalar_one_or_none()
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


@contextmanager
def case_action(case_id: int, *, expected_version: int | None = None, with_blob: bool = False,
                actor_id: int | None = None) -> Iterator[CaseAction]:
    """Run one action on a locked case and commit it with its projections, or roll back."""
    try:
        case = lock_case(case_id, with_blob=with_blob)
        if expected_version is not None and expected_version != case.version:
            raise StaleVersion(expected_version, case.version)
        action = CaseAction(case=case, now=clock_now())
        yield action
        _finish(action, actor_id=actor_id)
        db.session.commit()
    except EngineFailure as exc:
        db.session.rollback()
        raise WrongState(f"the process could not continue: {exc}") from exc
    except BaseException:
        db.session.rollback()
        raise


def _finish(action: CaseAction, *, actor_id: int | None) -> None:
    case = action.case
    if action.workflow is not None:
        projections.sync(case, action.workflow, actor_id=actor_id,
                         completed_task_id=action.completed_task_id, now=action.now)
        case.blob = RawJson(action.workflow.dump())
    case.version += 1
    for ev in action.events:
        audit.record(case.id, now=action.now, from_stage=action.start_stage, to_stage=case.stage, **ev)
