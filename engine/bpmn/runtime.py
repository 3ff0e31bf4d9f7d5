"""Running one case's workflow: start, load, inspect ready user tasks, complete, save."""
from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from engine.bpmn import serializer
from engine.bpmn.expressions import evaluate
from engine.bpmn.registry import ParsedProcess, UserTaskInfo
from engine.bpmn.service_tasks import ENGINE


class TaskNotReady(Exception):
    """The task is not (or no longer) ready to be completed."""


class EngineFailure(Exception):
    """The workflow could not advance (bad definition or data); the transaction must roll back."""


@dataclass(frozen=True)
class ReadyTask:
    """A ready user task as the projections see it."""

    task_id: str
    info: UserTaskInfo
    department_id: int | None


class CaseWorkflow:
    """One case's BPMN workflow instance, bound to its parsed process version."""

    def __init__(self, process: ParsedProcess, workflow: BpmnWorkflow):
        self.process = process
        self.wf = workflow
        self.wf.script_engine = ENGINE

    @classmethod
    def start(cls, process: ParsedProcess, data: dict | None = None) -> "CaseWorkflow":
        """Create a new instance and run it to its first user task."""
        wf = BpmnWorkflow(process.spec, process.subprocess_specs, script_engine=ENGINE)
        wf.spec_ref = process.spec_ref
        if data:
            wf.get_next_task(state=TaskState.READY).set_data(**data)
        case = cls(process, wf)
        case._advance()
        return case

    @classmethod
    def load(cls, process: ParsedProcess, blob) -> "CaseWorkflow":
        """Restore an instance from its stored blob."""
        return cls(process, serializer.loads(blob))

    def dump(self) -> bytes:
        return serializer.dumps(self.wf)

    @property
    def completed(self) -> bool:
        return self.wf.completed

    def ready_tasks(self) -> list[ReadyTask]:
        """Ready user tasks with their metadata and evaluated department."""
        out = []
        for task in self.wf.get_tasks(state=TaskState.READY, manual=True):
            info = self.process.user_tasks.get(task.task_spec.bpmn_id)
            if info is None:
                continue
            out.append(ReadyTask(str(task.id), info, self._department(info, task.data)))
        return out

    def task_data(self, task_id: str) -> dict:
        """A ready task's current data (read only)."""
        return dict(self._ready_task(task_id).data)

    def complete(self, task_id: str, data: dict) -> None:
        """Complete a ready user task with clean form data and run the engine onwards."""
        task = self._ready_task(task_id)
        if task.task_spec.bpmn_id not in self.process.multi_instance_ids:
            # Items of a multi-instance must not exist when it is entered again (rework/reopen).
            for key in self.process.reentry_keys:
                task.data.pop(key, None)
        task.set_data(**data)
        try:
            task.run()
            self._advance()
        except WorkflowException as exc:
            raise EngineFailure(str(exc)) from exc

    def update_ready_data(self, values: dict) -> None:
        """Change data of every ready task (e.g. the lead department after a reassignment)."""
        for task in self.wf.get_tasks(state=TaskState.READY):
            task.set_data(**values)

    def outcome(self) -> str | None:
        """How the process ended (the `outcome` property of the end event reached)."""
        if not self.wf.completed:
            return None
        for task in self.wf.get_tasks(state=TaskState.COMPLETED):
            outcome = self.process.outcomes.get(task.task_spec.bpmn_id)
            if outcome:
                return outcome
        return "completed"

    def _ready_task(self, task_id: str):
        try:
            task = self.wf.get_task_from_id(UUID(task_id))
        except Exception:
            task = None
        if task is None or task.state != TaskState.READY:
            raise TaskNotReady(task_id)
        return task

    def _advance(self) -> None:
        try:
            self.wf.do_engine_steps()
        except WorkflowException as exc:
            raise EngineFailure(str(exc)) from exc

    @staticmethod
    def _department(info: UserTaskInfo, data: dict) -> int | None:
        if not info.department_expr:
            return None
        try:
            value = evaluate(info.department_expr, data)
        except Exception:
            return None
        return int(value) if value is not None else None
