"""Whitelisted service tasks: the only logic a process definition may call.

A designer binds a `serviceTask` to an operator by name (spiffworkflow:serviceTaskOperator).
Operators are plain functions of their keyword parameters; anything not registered here is
refused at upload time and at run time.
"""
from __future__ import annotations

from typing import Callable

import orjson
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine

from engine.bpmn.expressions import RestrictedEnvironment

OPERATORS: dict[str, Callable[..., object]] = {}


def operator(name: str):
    """Register a function as a service-task operator under `name`."""
    def register(fn):
        OPERATORS[name] = fn
        return fn
    return register


@operator("text.normalize_phone")
def normalize_phone(phone: str) -> str:
    """Keep the digits of a phone number (callers dictate '138-0000 0000')."""
    return "".join(ch for ch in str(phone) if ch in "0123456789")


@operator("case.is_reopen_allowed")
def is_reopen_allowed(reopen_count: int, max_reopens: int) -> bool:
    """Whether a dissatisfied case may be reopened once more."""
    return int(reopen_count) < int(max_reopens)


class UnknownOperator(Exception):
    """A service task names an operator that is not whitelisted."""


class CaseScriptEngine(PythonScriptEngine):
    """Restricted expressions plus whitelisted service tasks.

    SpiffWorkflow's built-in `call_service` has a broken error path; ours raises a clear error.
    """

    def __init__(self):
        super().__init__(environment=RestrictedEnvironment())

    def call_service(self, task, operation_name=None, operation_params=None, **_):
        fn = OPERATORS.get(operation_name)
        if fn is None:
            raise UnknownOperator(f"service task operator '{operation_name}' is not allowed")
        # SpiffWorkflow has already evaluated each parameter expression (restricted).
        kwargs = {name: param["value"] for name, param in (operation_params or {}).items()}
        return orjson.dumps(fn(**kwargs)).decode()


ENGINE = CaseScriptEngine()
