"""The path an instance has taken so far, in BPMN element ids: what a process diagram highlights.

SpiffWorkflow keeps every task an instance ran in its task tree: a task's parent is the task it
came from, so a completed parent and a child that ran (or runs) is a sequence flow taken. Tasks
of internal specs (the process's Start and End, a subprocess's EndJoin) have no BPMN id and are
looked through. Predicted tasks (FUTURE, LIKELY, MAYBE) have not happened and count for nothing.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree
from SpiffWorkflow.bpmn.specs.mixins.unstructured_join import UnstructuredJoin
from SpiffWorkflow.util.task import TaskState

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
# A task that runs now: a ready user task, a started subprocess or multi-instance, a join waiting.
RUNNING = TaskState.READY | TaskState.STARTED | TaskState.WAITING
_RAN = TaskState.COMPLETED | RUNNING


@dataclass(frozen=True)
class ActiveTask:
    """A ready user task: its element, the SpiffWorkflow task (a work item's task_id), its name."""

    bpmn_id: str
    task_id: str
    name: str


@dataclass(frozen=True)
class Trace:
    completed: list[str]       # element ids done at least once and not running now, first done first
    active: list[ActiveTask]   # ready user tasks (a multi-instance: one per instance)
    flows: list[str]           # sequence flow ids taken at least once


def sequence_flows(xml: bytes) -> dict[tuple[str, str], list[str]]:
    """(source id, target id) -> the ids of the sequence flows between them."""
    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    flows: dict[tuple[str, str], list[str]] = {}
    for flow in root.iter(f"{BPMN}sequenceFlow"):
        key = (flow.get("sourceRef") or "", flow.get("targetRef") or "")
        flows.setdefault(key, []).append(flow.get("id") or "")
    return flows


def trace(workflow, flows: dict[tuple[str, str], list[str]]) -> Trace:
    """The path of a BpmnWorkflow (with its subprocesses) as element and sequence flow ids."""
    tasks = [t for t in workflow.get_tasks() if t.task_spec.bpmn_id]
    running = {t.task_spec.bpmn_id for t in tasks if t.state & RUNNING}
    done = sorted((t for t in tasks if t.state == TaskState.COMPLETED), key=lambda t: t.last_state_change)
    completed = list(dict.fromkeys(t.task_spec.bpmn_id for t in done if t.task_spec.bpmn_id not in running))
    active = [ActiveTask(t.task_spec.bpmn_id, str(t.id), t.task_spec.bpmn_name or t.task_spec.bpmn_id)
              for t in tasks if t.state == TaskState.READY and getattr(t.task_spec, "manual", False)]
    taken: dict[str, None] = {}
    for task in tasks:
        source = _came_from(task)
        if source is not None and source.task_spec.bpmn_id != task.task_spec.bpmn_id and _arrived(task):
            for flow_id in flows.get((source.task_spec.bpmn_id, task.task_spec.bpmn_id), ()):
                taken[flow_id] = None
    return Trace(completed=completed, active=active, flows=list(taken))


def _came_from(task):
    """The nearest completed ancestor with a BPMN id (None at the root of a (sub)process)."""
    parent = task.parent
    while parent is not None and not parent.task_spec.bpmn_id:
        parent = parent.parent
    return parent if parent is not None and parent.state == TaskState.COMPLETED else None


def _arrived(task) -> bool:
    """The token reached the task: it ran or runs, or it is a join (parallel or inclusive) that
    another branch completed (SpiffWorkflow cancels the join's tasks of the branches that arrived
    first; a branch not taken is dropped from the tree, not cancelled)."""
    if task.state & _RAN:
        return True
    spec = task.task_spec
    return task.state == TaskState.CANCELLED and isinstance(spec, UnstructuredJoin) and len(spec.inputs) > 1
