"""Does every case's workflow blob agree with its work items, columns, deadlines and events?

The rules that every committed case action keeps (engine.cases.unit commits them together); a
case breaking one was half written or written by something that bypassed the unit of work.
`flask --app wsgi cases check` runs it over every case; the multi-node test runs it after
killing processes mid-write (tests/multinode).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select

from engine import processes
from engine.bpmn.runtime import CaseWorkflow
from engine.cases.projections import STATUS_BY_STAGE, _has_clock, case_stage
from engine.db import db
from engine.models import Case, CaseEvent, Deadline, WorkItem

RUNNING = ("open", "paused")


@dataclass
class Report:
    """Cases checked and every broken rule as `case <no>: <what>`."""

    cases: int = 0
    problems: list[str] = field(default_factory=list)


def check_all(*, batch: int = 500) -> Report:
    """Check every case, `batch` cases per read."""
    report = Report()
    last = 0
    while True:
        ids = db.session.execute(select(Case.id).where(Case.id > last).order_by(Case.id).limit(batch)).scalars().all()
        if not ids:
            return report
        report.cases += len(ids)
        report.problems.extend(_check_batch(ids))
        last = ids[-1]
        db.session.expunge_all()


def _check_batch(ids: list[int]) -> list[str]:
    cases = db.session.execute(select(Case).where(Case.id.in_(ids)).order_by(Case.id)).scalars().all()
    blobs = dict(db.session.execute(select(Case.id, Case.blob).where(Case.id.in_(ids))).all())
    items, deadlines, events = defaultdict(list), defaultdict(list), defaultdict(list)
    for row in db.session.execute(select(WorkItem).where(WorkItem.case_id.in_(ids))).scalars():
        items[row.case_id].append(row)
    for row in db.session.execute(select(Deadline).where(Deadline.case_id.in_(ids))).scalars():
        deadlines[row.case_id].append(row)
    for row in db.session.execute(select(CaseEvent).where(CaseEvent.case_id.in_(ids)).order_by(CaseEvent.id)).scalars():
        events[row.case_id].append(row)
    problems = []
    for case in cases:
        found = check_case(case, blobs[case.id], items[case.id], deadlines[case.id], events[case.id])
        problems.extend(f"case {case.case_no}: {what}" for what in found)
    return problems


def check_case(case: Case, blob, items: list[WorkItem], deadlines: list[Deadline],
               events: list[CaseEvent]) -> list[str]:
    """Every rule one case breaks, in words."""
    if case.merged_into_id is not None and blob is None:
        return []
    workflow = CaseWorkflow.load(processes.parsed(case.process_version_id), blob)
    return (_blob_and_items(case, workflow, items) + _columns(case, workflow)
            + _deadlines(case, workflow, items, deadlines) + _events(case, items, events))


def _blob_and_items(case: Case, workflow: CaseWorkflow, items: list[WorkItem]) -> list[str]:
    ready = {t.task_id: t.info.bpmn_id for t in workflow.ready_tasks()}
    open_tasks = {i.task_id: i.task_name for i in items if i.kind == "task" and i.state == "open"}
    problems = []
    if set(ready) != set(open_tasks):
        problems.append(f"ready tasks {sorted(ready.values())} but open task items {sorted(open_tasks.values())}")
    problems += [f"work item for task {tid} is {open_tasks[tid]}, the blob says {name}"
                 for tid, name in ready.items() if tid in open_tasks and open_tasks[tid] != name]
    per_task = defaultdict(int)
    for item in items:
        if item.kind == "task" and item.state == "open":
            per_task[item.task_id] += 1
    problems += [f"{n} open work items for one task {tid}" for tid, n in per_task.items() if n > 1]
    problems += [f"work item {i.id} is done without who and when" for i in items
                 if i.state == "done" and (i.completed_at is None or i.completed_by_id is None) and i.kind == "task"]
    return problems


def _columns(case: Case, workflow: CaseWorkflow) -> list[str]:
    stage = case_stage(workflow.ready_tasks())
    problems = []
    if case.stage != stage:
        problems.append(f"stage {case.stage}, the blob says {stage}")
    if case.status != STATUS_BY_STAGE.get(stage, "handling"):
        problems.append(f"status {case.status} does not fit stage {stage}")
    if workflow.completed != (case.closed_at is not None):
        problems.append(f"workflow completed={workflow.completed} but closed_at={case.closed_at}")
    return problems


def _deadlines(case: Case, workflow: CaseWorkflow, items: list[WorkItem], deadlines: list[Deadline]) -> list[str]:
    running = [d for d in deadlines if d.state in RUNNING]
    problems = []
    if workflow.completed and running:
        problems.append(f"closed with {len(running)} running deadline(s)")
    per_stage = defaultdict(int)
    for d in running:
        if d.role == "lead":
            per_stage[d.stage] += 1
    problems += [f"{n} running lead deadlines of stage {s}" for s, n in per_stage.items() if n > 1]
    if case.due_at is not None and not any(d.role == "lead" and d.due_at == case.due_at for d in running):
        problems.append(f"due {case.due_at} but no running lead deadline is due then")
    if not case.suspended:
        problems += [f"open work item {i.id} due {i.due_at}, the case {case.due_at}" for i in items
                     if i.kind == "task" and i.state == "open" and _has_clock(i.stage, i.department_id)
                     and i.due_at != case.due_at]
    return problems


def _events(case: Case, items: list[WorkItem], events: list[CaseEvent]) -> list[str]:
    if not events:
        return ["no audit event"]
    problems = []
    staged = [e for e in events if e.to_stage]
    if staged and staged[-1].to_stage != case.stage:
        problems.append(f"last event {staged[-1].action} went to {staged[-1].to_stage}, the case is in {case.stage}")
    by_item = defaultdict(list)
    for e in events:
        item_id = (e.data or {}).get("work_item_id") if isinstance(e.data, dict) else None
        if item_id is not None:
            by_item[item_id].append(e)
    for item in items:
        if item.state == "done" and item.kind in ("task", "urge") and len(by_item.get(item.id, [])) != 1:
            problems.append(f"done work item {item.id} ({item.task_name}) has {len(by_item.get(item.id, []))} events")
        elif item.state != "done" and by_item.get(item.id):
            problems.append(f"work item {item.id} is {item.state} but has a completion event")
    return problems
