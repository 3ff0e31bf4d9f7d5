"""Upload checks on expressions: each must compile under RestrictedPython and keep to our rules.

RestrictedPython refuses names and attributes starting with `_`, exec and eval, but compiles
`open(...)`, `lambda` and `'{0.__class__}'.format(x)`: they would fail or be guarded at run time,
and a designer should learn it at upload. We refuse them here, by name, before anything runs;
nothing of an expression is ever evaluated by these checks.
"""
from __future__ import annotations

import ast
import builtins
import re
from typing import Iterator

from lxml import etree

from engine.bpmn.expressions import _GLOBALS as EXPRESSION_GLOBALS, ExpressionError, compile_expression
from engine.bpmn.problems import SPIFF_NS, Problem, is_bpmn, local, located, named_element, namespace
from forms.messages import Msg, msg

# Where expressions hide: BPMN element local name -> how a message calls it.
EXPRESSION_TAGS = {"conditionExpression": "condition", "condition": "condition",
                   "timeDuration": "timeDuration", "timeDate": "timeDate", "timeCycle": "timeCycle",
                   "loopCardinality": "loopCardinality", "completionCondition": "completionCondition",
                   "messagePath": "messagePath"}
SPIFF_TEXT_EXPRESSIONS = {"messagePayload": "messagePayload", "expression": "expression"}
# Timer texts are Python: a bare ISO duration compiles as a variable name and fails at run time.
ISO_LITERAL = re.compile(r"(R\d*/)?P[0-9YMWDTHS.]+")
JUEL = re.compile(r"^\s*[$#]\{")
# Python builtins that reach files, code or an object's insides, which expressions do not have:
# refused by name. (Other missing builtins such as `type` or `input` stay allowed names: task
# data may hold a field called so.)
AVAILABLE = set(EXPRESSION_GLOBALS) | set(EXPRESSION_GLOBALS["__builtins__"])
UNAVAILABLE = frozenset({"open", "exec", "eval", "compile", "globals", "locals", "vars", "dir", "getattr",
                         "hasattr", "breakpoint", "help", "memoryview", "object", "super", "exit", "quit",
                         "classmethod", "staticmethod", "property"} & set(dir(builtins))) - AVAILABLE
FORMATTING = frozenset({"format", "format_map"})
TOO_DEEP = msg("expression_too_deep", "it is nested too deeply to check")


def _expressions(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """(element, label, text) for every expression in the file."""
    for el in root.iter(etree.Element):
        name, text = local(el), (el.text or "").strip()
        if is_bpmn(el) and name in EXPRESSION_TAGS and text:
            yield el, EXPRESSION_TAGS[name], text
        elif is_bpmn(el) and name == "formalExpression" and text and \
                local(el.getparent()) == "correlationPropertyRetrievalExpression":
            yield el, "correlation", text
        elif namespace(el) != SPIFF_NS:
            continue
        elif name in SPIFF_TEXT_EXPRESSIONS and text:
            yield el, SPIFF_TEXT_EXPRESSIONS[name], text
        elif name == "parameter" and el.get("value"):
            yield el, f"parameter '{el.get('id')}'", el.get("value")
        elif name == "property" and el.get("name") == "department" and el.get("value"):
            yield el, "department", el.get("value")


def expression_problems(root: etree._Element) -> Iterator[Problem]:
    """Every expression compiles under RestrictedPython and uses nothing we refuse."""
    for el, label, text in _expressions(root):
        owner = el.getparent() if local(el) == "conditionExpression" else named_element(el)
        subject = owner if owner is not None else el
        shown = text if len(text) <= 80 else text[:77] + "..."
        if label.startswith("time") and ISO_LITERAL.fullmatch(text):
            yield located(msg("timer_literal", "%(label)s \"%(text)s\" must be a quoted literal ('%(text)s'): "
                                               "timer expressions are Python", label=label, text=text),
                          subject, line=el.sourceline)
            continue
        for reason in expression_errors(text):
            yield located(msg("expression_refused", '%(label)s "%(text)s" is not an allowed expression: '
                                                    '%(reason)s', label=label, text=shown, reason=reason),
                          subject, line=el.sourceline)


def expression_errors(source: str) -> list[Msg | str]:
    """Why this expression is refused (our rules first, then RestrictedPython's), or []."""
    try:
        tree = ast.parse(source.strip(), mode="eval")
    except SyntaxError as exc:
        if JUEL.match(source):
            return [msg("expression_juel", "${...} and #{...} are Java (JUEL) expressions; write a Python "
                                           "expression such as approved == True")]
        return [msg("expression_syntax", "it is not a Python expression (%(error)s)", error=exc.msg)]
    except (RecursionError, MemoryError):
        return [TOO_DEEP]
    reasons = list(dict.fromkeys(_policy_errors(tree)))
    if reasons:
        return reasons
    try:
        compile_expression(source)
    except ExpressionError as exc:
        return [str(exc)]
    except (RecursionError, MemoryError):
        return [TOO_DEEP]
    return []


def _policy_errors(tree: ast.AST) -> Iterator[Msg]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Lambda):
            yield msg("expression_lambda", "lambda functions are not allowed")
        name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
        if name is None:
            continue
        if name.startswith("_"):
            yield msg("expression_underscore", "'%(name)s' starts with '_': such names and attributes are not "
                                               "allowed", name=name)
        elif isinstance(node, ast.Name) and name in UNAVAILABLE:
            yield msg("expression_builtin", "'%(name)s' is not available in expressions", name=name)
        elif isinstance(node, ast.Attribute) and name in FORMATTING:
            yield msg("expression_format", "'.%(name)s' is not allowed (string formatting can reach hidden "
                                           "attributes)", name=name)
