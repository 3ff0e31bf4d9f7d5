"""A refused BPMN file's problems as a designer reads them on a page, in their language:
"第12行 用户任务 handle（办理）：表单 nope 不存在……".

The line and the element come from the Problem's fields, the element's type from the table
below, the rest from say(problem.message) (the message by its English template). It imports
nothing of the pages around it, so that the error pages (api/errors.py) may use it too.
"""
from __future__ import annotations

from flask_babel import gettext

from api.messages import say


def N_(text: str) -> str:
    """Marks a text for the translation catalogue; translated where it is shown."""
    return text


# BPMN element types as a designer calls them; other tags are shown as they are in the XML.
TYPES = {
    "definitions": N_("BPMN definitions"), "process": N_("process"), "subProcess": N_("sub-process"),
    "transaction": N_("transaction sub-process"), "adHocSubProcess": N_("ad-hoc sub-process"),
    "callActivity": N_("call activity"), "task": N_("BPMN task"), "userTask": N_("user task"),
    "manualTask": N_("manual task"), "serviceTask": N_("service task"), "scriptTask": N_("script task"),
    "businessRuleTask": N_("business rule task"), "sendTask": N_("send task"), "receiveTask": N_("receive task"),
    "startEvent": N_("start event"), "endEvent": N_("end event"), "boundaryEvent": N_("boundary event"),
    "intermediateCatchEvent": N_("intermediate catch event"),
    "intermediateThrowEvent": N_("intermediate throw event"), "exclusiveGateway": N_("exclusive gateway"),
    "inclusiveGateway": N_("inclusive gateway"), "parallelGateway": N_("parallel gateway"),
    "eventBasedGateway": N_("event-based gateway"), "complexGateway": N_("complex gateway"),
    "sequenceFlow": N_("sequence flow"), "lane": N_("lane"),
    "messageEventDefinition": N_("message event definition"), "signalEventDefinition": N_("signal event definition"),
    "timerEventDefinition": N_("timer event definition"),
}


def type_name(tag: str) -> str:
    """`用户任务` for userTask; a tag without a name of ours (camunda:script) as it is."""
    return gettext(TYPES[tag]) if tag in TYPES else tag


def _where(problem) -> str:
    if problem.line is None:
        return ""
    if problem.column:
        return gettext("line %(line)s, column %(column)s", line=problem.line, column=problem.column)
    return gettext("line %(line)s", line=problem.line)


def _element(problem) -> str:
    """`用户任务 handle（办理）`, `服务任务 mail（发信）中的 camunda:script`, or the bare type."""
    if not problem.element_id:
        return type_name(problem.tag) if problem.tag else ""
    owner = type_name(problem.owner_tag or problem.tag)
    if problem.element_name:
        named = gettext("%(type)s '%(id)s' (%(name)s)", type=owner, id=problem.element_id, name=problem.element_name)
    else:
        named = gettext("%(type)s '%(id)s'", type=owner, id=problem.element_id)
    return gettext("%(part)s in %(element)s", part=problem.tag, element=named) if problem.owner_tag else named


def problem_line(problem) -> str:
    """One problem (engine.bpmn.problems.Problem) as one line in the user's language; plain text
    (a DefinitionInvalid raised with strings) is said as it is."""
    message = getattr(problem, "message", problem)
    if not hasattr(problem, "line"):
        return say(message)
    head = " ".join(part for part in (_where(problem), _element(problem)) if part)
    return gettext("%(where)s: %(message)s", where=head, message=say(message)) if head else say(message)


def problem_lines(problems) -> list[str]:
    return [problem_line(p) for p in problems]
