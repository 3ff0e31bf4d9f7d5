"""Expressions in process definitions, compiled and run with RestrictedPython.

SpiffWorkflow's default environment is plain eval/exec, and restricting builtins alone is
escapable (`().__class__...`). We compile with `compile_restricted_eval` and its guards, cache
the code objects, and refuse to execute statements at all: uploads may hold expressions only.
"""
from __future__ import annotations

import copy
from functools import lru_cache

from RestrictedPython import compile_restricted_eval, safe_globals
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import guarded_iter_unpack_sequence, guarded_unpack_sequence, safer_getattr
from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

_GLOBALS = dict(safe_globals)
_GLOBALS.update({
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "len": len, "min": min, "max": max, "any": any, "all": all, "sum": sum,
})


class ExpressionError(Exception):
    """An expression does not compile under the restricted rules."""


@lru_cache(maxsize=4096)
def compile_expression(source: str):
    """Compile one expression (not a statement) or raise ExpressionError naming the problem."""
    result = compile_restricted_eval(source.strip())
    if result.errors:
        raise ExpressionError("; ".join(result.errors))
    return result.code


def evaluate(source: str, data: dict):
    """Evaluate an expression against a dict of variables."""
    scope = copy.copy(_GLOBALS)
    scope.update(data)
    return eval(compile_expression(source), scope)  # noqa: S307 - restricted code object


class RestrictedEnvironment(TaskDataEnvironment):
    """Script environment for SpiffWorkflow: restricted expressions, no statements."""

    def __init__(self):
        super().__init__({})

    def evaluate(self, expression, context, external_context=None):
        scope = dict(external_context or {})
        scope.update(context)
        return evaluate(expression, scope)

    def execute(self, script, context, external_context=None):
        # Uploads containing scripts are refused at load time; this guards anything that slips by.
        raise ExpressionError("scripts are not allowed in process definitions")
