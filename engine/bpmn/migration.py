"""Moving a running workflow to another version of its process (SpiffWorkflow's spec diff).

A case can move when nothing it has already done changed meaning in the new version and what
it waits for still exists there: no completed or started task whose spec was removed or changed
(other than its name or documentation), no running subprocess whose spec is gone, every waiting
user task still in the new version with a known form, and every name a gateway condition right
after a waiting task newly reads found in the case's data or in what that task's form will ask.
Moving re-predicts the waiting tasks on the new spec (they get new task ids).
"""
from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Callable

from SpiffWorkflow.bpmn.util.diff import SpecDiff, WorkflowDiff, migrate_workflow
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import serializer
from engine.bpmn.registry import ParsedProcess
from engine.bpmn.runtime import CaseWorkflow

# Spec attributes whose change does not alter what a done task meant.
COSMETIC = frozenset({"bpmn_name", "description", "documentation"})
DONE = TaskState.COMPLETED | TaskState.STARTED
WAITING = TaskState.READY | TaskState.WAITING
KNOWN_NAMES = frozenset({"True", "False", "None"})


@dataclass
class Plan:
    """Whether a workflow can move, why not (code, params), and the diffs to move it with."""

    reasons: list[tuple[str, dict]] = field(default_factory=list)
    diffs: tuple | None = None

    @property
    def movable(self) -> bool:
        return not self.reasons


def plan(workflow: CaseWorkflow, new: ParsedProcess, form_fields: Callable[[str | None], set[str] | None]) -> Plan:
    """Check a workflow against `new`; `form_fields(form_key)` gives a form's field names (None: unknown)."""
    wf = workflow.wf
    top, subs, changes = _diffs(wf, new)
    result = Plan(diffs=(top, subs))
    for diff in [top, *subs.values()]:
        if diff is None:
            result.reasons.append(("subprocess_removed", {}))
            continue
        _history(diff, changes, result)
        _waiting_removed(diff, result)
    if result.movable:
        _waiting_needs(wf, new, form_fields, result)
    return result


def _diffs(wf, new: ParsedProcess):
    """SpiffWorkflow's diff_workflow, keeping each spec diff's changed attributes."""
    registry = serializer._registry
    spec_diff = SpecDiff(registry, wf.spec, new.spec)
    changes = dict(spec_diff.changed)
    subs = {}
    for sp_id, sub in wf.subprocesses.items():
        target = new.subprocess_specs.get(sub.spec.name)
        if target is None:
            subs[sp_id] = None
            continue
        sub_diff = SpecDiff(registry, sub.spec, target)
        changes.update(sub_diff.changed)
        subs[sp_id] = WorkflowDiff(sub, sub_diff)
    return WorkflowDiff(wf, spec_diff), subs, changes


def _history(diff, changes: dict, result: Plan) -> None:
    removed = {_named(t.task_spec) for t in diff.removed if t.state & DONE}
    changed = set()
    for task in diff.changed:
        keys = set(changes.get(task.task_spec, ())) - COSMETIC
        if task.state & DONE and keys and task not in diff.removed:
            changed.add(_named(task.task_spec))
    for ids, code in ((removed, "done_step_removed"), (changed, "done_step_changed")):
        visible = sorted(i for i in ids if i and not i.startswith(("Start", "End", "Root")))
        if visible:
            result.reasons.append((code, {"ids": "、".join(visible)}))


def _named(spec) -> str:
    """`gw_review（审核通过?）`: the id a designer finds in the file, and the name they drew."""
    ident = spec.bpmn_id or spec.name
    name = getattr(spec, "bpmn_name", None)
    return f"{ident}（{name}）" if ident and name else (ident or "")


def _waiting_removed(diff, result: Plan) -> None:
    gone = sorted({_named(t.task_spec) for t in diff.removed if t.state & WAITING and t.task_spec.bpmn_id
                   and getattr(t.task_spec, "manual", False)})
    if gone:
        result.reasons.append(("waiting_step_removed", {"ids": "、".join(gone)}))


def _waiting_needs(wf, new: ParsedProcess, form_fields, result: Plan) -> None:
    for task in wf.get_tasks(state=TaskState.READY, manual=True):
        info = new.user_tasks.get(task.task_spec.bpmn_id)
        if info is None:
            continue
        fields = form_fields(info.form_key)
        if fields is None:
            result.reasons.append(("form_unknown", {"id": info.bpmn_id, "form": info.form_key or ""}))
            continue
        spec = new.spec.task_specs.get(task.task_spec.name) or _in_subprocess(new, task.task_spec.name)
        # Names the old version read at the same place are supplied as before (forms, task hooks).
        before = _condition_names(task.task_spec)
        missing = sorted(_condition_names(spec) - before - set(task.data) - fields - KNOWN_NAMES)
        if missing:
            result.reasons.append(("data_missing", {"id": info.bpmn_id, "names": "、".join(missing)}))


def _in_subprocess(new: ParsedProcess, name: str):
    for sub in new.subprocess_specs.values():
        if name in sub.task_specs:
            return sub.task_specs[name]
    return None


def _condition_names(spec) -> set[str]:
    """Variable names the conditions of the gateways right after `spec` read."""
    names: set[str] = set()
    for gateway in getattr(spec, "outputs", []) or []:
        for condition, _target in getattr(gateway, "cond_task_specs", []) or []:
            args = getattr(condition, "args", None) or (condition,)
            condition = args[0] if isinstance(args[0], str) else None
            if not condition:
                continue
            try:
                tree = ast.parse(condition, mode="eval")
            except SyntaxError:
                continue
            names |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    return names


def apply(workflow: CaseWorkflow, new: ParsedProcess, checked: Plan) -> CaseWorkflow:
    """Move a workflow `plan` found movable onto `new` and run it to its waiting tasks."""
    top, subs = checked.diffs
    wf = workflow.wf
    migrate_workflow(top, wf, new.spec)
    for sp_id, sub in wf.subprocesses.items():
        migrate_workflow(subs[sp_id], sub, new.subprocess_specs.get(sub.spec.name))
    wf.subprocess_specs = new.subprocess_specs
    wf.spec_ref = new.spec_ref
    moved = CaseWorkflow(new, wf)
    moved._advance()
    return moved
