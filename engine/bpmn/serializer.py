"""Workflow (de)serialisation: orjson, and the spec stored once per process version.

SpiffWorkflow's default serializer embeds the whole spec in every blob (29 KB after intake,
2.3 ms a round trip). Our blob holds a `spec_ref` (the process version id) instead and the parsed
spec comes from the in-process registry: 9 KB and ~0.3 ms (ENGINE_NOTES.md).
"""
from __future__ import annotations

from copy import copy
from functools import lru_cache
from typing import Callable
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import (
    BpmnSubWorkflowConverter,
    BpmnWorkflowConverter,
    TaskConverter,
    WorkflowConverter,
)
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.subworkflow import BpmnSubWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task, TaskState

# Resolves a spec_ref to (spec, subprocess_specs); set by engine.bpmn.registry.
SpecResolver = Callable[[str], tuple]
_resolver: dict[str, SpecResolver] = {}


def set_spec_resolver(resolver: SpecResolver) -> None:
    """Install the function that turns a blob's spec_ref into parsed specs."""
    _resolver["fn"] = resolver


@lru_cache(maxsize=8192)
def _uuid(text: str) -> UUID:
    """A task id from its text. A load reads each id three times (the task's own, its parent's
    and its children's lists) and UUID(text) costs ~4 µs, a quarter of a load; UUIDs are immutable,
    so one parse serves every read."""
    return UUID(text)


@lru_cache(maxsize=8192)
def _text(uid: UUID) -> str:
    return str(uid)


def _mapping_to_dict(converter, mapping: dict, **kwargs) -> dict:
    convert = converter.registry.convert
    return {_text(key) if type(key) is UUID else str(key): convert(value, **kwargs) for key, value in mapping.items()}


def _tasks_from_dict(converter, tasks: dict, workflow) -> dict:
    restore = converter.registry.restore
    return {_uuid(key): restore(value, workflow=workflow) for key, value in tasks.items()}


class _TaskConverter(TaskConverter):
    """SpiffWorkflow's TaskConverter with the same dict and the same task, written for speed: ids
    parsed and printed once (`_uuid`, `_text`); a child's data copied from its parent's in one
    comprehension (what DeepMerge.merge({}, parent.data) does, key by key). Written after
    SpiffWorkflow 3.2.0's; tests/engine/bpmn/test_serializer.py holds both to the same bytes and
    tasks, so an upgrade that changes SpiffWorkflow's format fails there first."""

    def to_dict(self, task: Task) -> dict:
        parent = task.parent
        if parent is None:
            data, delta = task.data, {}
        else:
            before, after = parent.data, task.data
            data = {}
            delta = {"updates": {key: value for key, value in after.items()
                                 if key not in before or value != before[key]},
                     "deletions": [key for key in before if key not in after]}
        return {"id": _text(task.id), "parent": _text(task._parent) if parent is not None else None,
                "children": [_text(child) for child in task._children],
                "last_state_change": task.last_state_change, "state": task.state,
                "task_spec": task.task_spec.name, "triggered": task.triggered,
                "internal_data": self.registry.convert(task.internal_data), "data": data, "delta": delta}

    def from_dict(self, dct: dict, workflow) -> Task:
        task_spec = workflow.spec.task_specs.get(dct["task_spec"])
        task = self.target_class(workflow, task_spec, state=dct["state"], id=_uuid(dct["id"]))
        task._parent = _uuid(dct["parent"]) if dct["parent"] is not None else None
        task._children = [_uuid(child) for child in dct["children"]]
        task.last_state_change = dct["last_state_change"]
        task.triggered = dct["triggered"]
        task.internal_data = self.registry.restore(dct["internal_data"])
        if isinstance(task_spec, CatchingEvent) and task.has_state(TaskState.WAITING):
            task.workflow.top_workflow.event_manager.add_task(task)
        delta, parent = dct.get("delta"), task.parent
        if delta and parent is not None:
            data = {key: copy(value) if isinstance(value, (dict, list, set)) else value
                    for key, value in parent.data.items()}
            data.update(self.registry.restore(delta.get("updates", {})))
            for key in delta.get("deletions", {}):
                data.pop(key, None)
        else:
            data = self.registry.restore(dct["data"])
        task.data = data
        return task


class _SubWorkflowConverter(BpmnSubWorkflowConverter):
    """A subprocess's tasks, restored by `_TaskConverter` with ids parsed once."""

    mapping_to_dict = _mapping_to_dict

    def from_dict(self, dct, task, top_workflow):
        spec = top_workflow.subprocess_specs.get(task.task_spec.spec)
        subprocess = self.target_class(spec, task.id, top_workflow, deserializing=True)
        subprocess.tasks = _tasks_from_dict(self, dct["tasks"], subprocess)
        subprocess.task_tree = subprocess.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(subprocess, dct)
        return subprocess


class _SpecRefConverter(BpmnWorkflowConverter):
    """Writes `spec_ref` (attribute set on the workflow) instead of the serialized spec."""

    mapping_to_dict = _mapping_to_dict

    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["spec_ref"] = workflow.spec_ref
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        spec_ref = dct.pop("spec_ref")
        spec, subprocess_specs = _resolver["fn"](spec_ref)
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.spec_ref = spec_ref
        workflow.tasks = self.tasks_from_dict(dct["tasks"], workflow)
        workflow.task_tree = workflow.tasks.get(_uuid(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow

    def tasks_from_dict(self, tasks: dict, workflow) -> dict:
        return _tasks_from_dict(self, tasks, workflow)


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpecRefConverter
_config[BpmnSubWorkflow] = _SubWorkflowConverter
_config[Task] = _TaskConverter
_SERIALIZER = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(_config))
_registry = _SERIALIZER.registry
_default = _SERIALIZER._encoder_cls().default


def dumps(workflow: BpmnWorkflow) -> bytes:
    """Serialise a workflow to JSON bytes (spec by reference)."""
    _registry._encoder_mode = True  # the fast path serialize_json itself uses
    try:
        dct = _SERIALIZER.to_dict(workflow)
    finally:
        _registry._encoder_mode = False
    dct["serializer_version"] = VERSION
    return orjson.dumps(dct, default=_default, option=orjson.OPT_PASSTHROUGH_DATETIME)


def loads(blob: bytes | str | dict) -> BpmnWorkflow:
    """Restore a workflow from JSON (bytes/str) or an already-decoded dict."""
    dct = orjson.loads(blob) if isinstance(blob, (bytes, str)) else dict(blob)
    _SERIALIZER.migrate(dct)
    return _SERIALIZER.from_dict(dct)
