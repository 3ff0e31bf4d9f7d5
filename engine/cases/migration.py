"""Migrating waiting cases to another version of their process (designer, admin).

A dry run lists each open case of the process that is on another version, whether it can move
and why not. The run moves the movable ones, each in its own transaction under its row lock
(a handler completing a task at the same moment either lands first, on the old version, or gets
409 and finds the task again on the new one), with a `migrated` event (from and to version,
actor). A case that cannot move stays untouched on its version.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import undefer

from engine import processes
from engine.bpmn import migration as bpmn_migration
from engine.bpmn.runtime import CaseWorkflow
from engine.cases.unit import case_action
from engine.db import db
from engine.errors import WrongState
from engine.models import Case, ProcessVersion
from engine.organisation import Actor, roles as R
from forms import UnknownForm
from forms.messages import msg

ROLES = (R.DESIGNER, R.ADMIN)
MAX_CASES = 5000          # one run; the page says when more wait


@dataclass
class CaseMove:
    """One case in a dry run or a run."""

    case_id: int
    case_no: str
    stage: str
    from_version: int
    movable: bool
    reasons: list = field(default_factory=list)     # msg() values saying why not
    moved: bool = False


def _candidates(target: ProcessVersion, from_version_id: int | None, case_ids: list[int] | None) -> list:
    query = (select(Case.id, Case.case_no, Case.stage, ProcessVersion.version)
             .join(ProcessVersion, ProcessVersion.id == Case.process_version_id)
             .where(ProcessVersion.process_id == target.process_id, Case.process_version_id != target.id,
                    Case.status != "closed").order_by(Case.id).limit(MAX_CASES))
    if from_version_id is not None:
        query = query.where(Case.process_version_id == from_version_id)
    if case_ids:
        query = query.where(Case.id.in_(case_ids))
    return db.session.execute(query).all()


def _form_fields(version_id: int):
    def fields(form_key: str | None) -> set[str] | None:
        if not form_key:
            return set()
        try:
            return {f.name for f in processes.form_for(version_id, form_key).fields}
        except UnknownForm:
            return None
    return fields


REASONS = {
    "subprocess_removed": lambda p: msg("mig_subprocess_removed", "a running sub-process no longer exists"),
    "done_step_removed": lambda p: msg("mig_done_removed", "steps it has done were removed: %(ids)s", **p),
    "done_step_changed": lambda p: msg("mig_done_changed", "steps it has done were changed: %(ids)s", **p),
    "waiting_step_removed": lambda p: msg("mig_waiting_removed", "the step it waits at was removed: %(ids)s", **p),
    "form_unknown": lambda p: msg("mig_form_unknown", "step %(id)s needs form '%(form)s', which the new version "
                                  "does not have", **p),
    "data_missing": lambda p: msg("mig_data_missing", "after step %(id)s the new version reads data the case "
                                  "does not have: %(names)s", **p),
}


def _check(case: Case, target: ProcessVersion) -> tuple[bpmn_migration.Plan, CaseWorkflow]:
    current = CaseWorkflow.load(processes.parsed(case.process_version_id), case.blob)
    return bpmn_migration.plan(current, processes.parsed(target.id), _form_fields(target.id)), current


def dry_run(*, actor: Actor, to_version_id: int, from_version_id: int | None = None,
            case_ids: list[int] | None = None) -> list[CaseMove]:
    """Each open case of the process on another version: can it move to `to_version_id`, and why not."""
    actor.require(*ROLES)
    target = processes.stored_version(to_version_id)
    out = []
    for case_id, case_no, stage, version in _candidates(target, from_version_id, case_ids):
        case = db.session.execute(select(Case).where(Case.id == case_id).options(undefer(Case.blob))
                                  .execution_options(populate_existing=True)).scalar_one()
        checked, _workflow = _check(case, target)
        out.append(CaseMove(case_id, case_no, stage, version, checked.movable,
                            [REASONS[code](params) for code, params in checked.reasons]))
    db.session.rollback()       # read only: leave nothing in the session (blobs are large)
    return out


def migrate(*, actor: Actor, to_version_id: int, from_version_id: int | None = None,
            case_ids: list[int] | None = None) -> list[CaseMove]:
    """Move every movable case, one transaction each; the others stay as they are."""
    actor.require(*ROLES)
    target = processes.stored_version(to_version_id)
    if target.state == "draft":
        raise WrongState(msg("migrate_to_draft", "publish version %(v)s before moving cases to it", v=target.version))
    to_number = target.version
    rows = _candidates(target, from_version_id, case_ids)
    db.session.rollback()
    return [_move_one(actor, row, to_version_id, to_number) for row in rows]


def _move_one(actor: Actor, row, to_version_id: int, to_number: int) -> CaseMove:
    case_id, case_no, stage, version = row
    result = CaseMove(case_id, case_no, stage, version, movable=False)
    try:
        with case_action(case_id, with_blob=True, actor_id=actor.user_id) as action:
            case = action.case
            target = processes.stored_version(to_version_id)
            if case.process_version_id == to_version_id or case.status == "closed":
                raise _Skip()
            checked, current = _check(case, target)
            result.reasons = [REASONS[code](params) for code, params in checked.reasons]
            if not checked.movable:
                raise _Skip()
            action.workflow = bpmn_migration.apply(current, processes.parsed(to_version_id), checked)
            from_id = case.process_version_id
            case.process_version_id = to_version_id
            action.event("migrated", actor_id=actor.user_id, data={
                "from_version": version, "to_version": to_number, "from_id": from_id, "to_id": to_version_id})
        result.movable = result.moved = True
    except _Skip:
        pass
    return result


class _Skip(Exception):
    """Leave this case as it is (the action rolls back: nothing was written)."""
