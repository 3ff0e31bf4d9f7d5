"""Workflow (de)serialisation: orjson, and the spec stored once per process version.

SpiffWorkflow's default serializer embeds the whole spec in every blob (29 KB after intake,
2.3 ms a round trip). Our blob holds a `spec_ref` (the process version id) instead and the parsed
spec comes from the in-process registry: 9 KB and ~0.3 ms (ENGINE_NOTES.md).
"""
from __future__ import annotations

from typing import Callable
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION, BpmnWorkflowSerializer
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

# Resolves a spec_ref to (spec, subprocess_specs); set by engine.bpmn.registry.
SpecResolver = Callable[[str], tuple]
_resolver: dict[str, SpecResolver] = {}


def set_spec_resolver(resolver: SpecResolver) -> None:
    """Install the function that turns a blob's spec_ref into parsed specs."""
    _resolver["fn"] = resolver


class _SpecRefConverter(BpmnWorkflowConverter):
    """Writes `spec_ref` (attribute set on the workflow) instead of the serialized spec."""

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
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_config = dict(SPIFF_CONFIG)
_config[BpmnWorkflow] = _SpecRefConverter
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
