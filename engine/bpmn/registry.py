"""Parsed process definitions: parse once per version, keep the spec objects in the process."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Callable

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.bpmn import serializer


@dataclass(frozen=True)
class UserTaskInfo:
    """What the engine needs to know about one user task of a definition."""

    bpmn_id: str
    title: str
    role: str | None          # the lane name is the role code
    form_key: str | None
    stage: str | None
    department_expr: str | None


@dataclass
class ParsedProcess:
    """A parsed process version with the metadata the projections need."""

    process_id: str
    name: str
    spec: object
    subprocess_specs: dict
    user_tasks: dict[str, UserTaskInfo] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)   # end-event bpmn_id -> outcome
    # Data keys of multi-instance tasks that must not exist when the task is entered again
    # (SpiffWorkflow 3.2.0 refuses to re-enter: "input item ... already exists").
    reentry_keys: frozenset[str] = frozenset()
    multi_instance_ids: frozenset[str] = frozenset()
    spec_ref: str = ""


def _all_task_specs(spec, subprocess_specs):
    yield from spec.task_specs.values()
    for sub in subprocess_specs.values():
        yield from sub.task_specs.values()


def _properties(task_spec) -> dict:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {}) or {}


def _describe(parsed: ParsedProcess) -> None:
    reentry, mi_ids = set(), set()
    for ts in _all_task_specs(parsed.spec, parsed.subprocess_specs):
        props = _properties(ts)
        if getattr(ts, "manual", False) and ts.bpmn_id:
            parsed.user_tasks[ts.bpmn_id] = UserTaskInfo(
                bpmn_id=ts.bpmn_id, title=ts.bpmn_name or ts.bpmn_id, role=ts.lane,
                form_key=props.get("formKey"), stage=props.get("stage"),
                department_expr=props.get("department"))
        if "outcome" in props and ts.bpmn_id:
            parsed.outcomes[ts.bpmn_id] = props["outcome"]
        if isinstance(ts, MultiInstanceTask):
            mi_ids.add(ts.bpmn_id)
            for ref in (ts.input_item, ts.output_item, ts.data_output):
                if ref is not None:
                    reentry.add(ref.bpmn_id)
    parsed.reentry_keys = frozenset(reentry)
    parsed.multi_instance_ids = frozenset(mi_ids)


def parse_process(xml: bytes, validate: bool = True) -> ParsedProcess:
    """Parse BPMN XML holding one executable process (plus its called processes)."""
    parser = SpiffBpmnParser(validator=VALIDATOR if validate else None)
    parser.add_bpmn_str(xml)
    ids = parser.get_process_ids()
    if not ids:
        raise ValueError("no executable process in the file")
    process_id = _main_process_id(parser, ids)
    spec = parser.get_spec(process_id)
    parsed = ParsedProcess(process_id=process_id, name=spec.description or process_id, spec=spec,
                           subprocess_specs=parser.get_subprocess_specs(process_id))
    _describe(parsed)
    return parsed


def _main_process_id(parser, ids: list[str]) -> str:
    """The process that no other process of the file calls."""
    called = set()
    for pid in ids:
        called.update(p for p in parser.get_subprocess_specs(pid) if p != pid)
    roots = [pid for pid in ids if pid not in called]
    return roots[0] if roots else ids[0]


class SpecRegistry:
    """Process-wide cache of parsed versions, keyed by process version id."""

    def __init__(self, loader: Callable[[int], bytes]):
        self._loader = loader
        self._cache: dict[int, ParsedProcess] = {}
        self._lock = threading.Lock()

    def get(self, version_id: int) -> ParsedProcess:
        parsed = self._cache.get(version_id)
        if parsed is None:
            with self._lock:
                parsed = self._cache.get(version_id)
                if parsed is None:
                    # Stored versions were validated on upload; skip the XSD pass here.
                    parsed = parse_process(self._loader(version_id), validate=False)
                    parsed.spec_ref = str(version_id)
                    self._cache[version_id] = parsed
        return parsed

    def resolve(self, spec_ref: str) -> tuple:
        parsed = self.get(int(spec_ref))
        return parsed.spec, parsed.subprocess_specs

    def install(self) -> "SpecRegistry":
        """Make blobs resolve their spec_ref through this registry."""
        serializer.set_spec_resolver(self.resolve)
        return self

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
