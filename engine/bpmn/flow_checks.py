"""Upload checks on the flow: element types the engine cannot run, start and end events, reachability.

Checked per flow container (an executable process, a sub-process, a transaction): each needs a
start and an end event, and every flow node in it must be reachable from a start event along
sequence flows. A boundary event is reachable when its host is; an event sub-process starts on
its event; the nodes of an ad-hoc sub-process without incoming flows are its starts.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterator

from lxml import etree
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from engine.bpmn.checks import executable
from engine.bpmn.problems import Problem, b, is_bpmn, local, located
from forms.messages import msg

# Every flow node of BPMN 2.0 (what may stand in a process and be linked by sequence flows).
FLOW_NODES = frozenset({
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "implicitThrowEvent", "task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask",
    "receiveTask", "businessRuleTask", "callActivity", "subProcess", "adHocSubProcess", "transaction",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
    "callChoreography", "choreographyTask", "subChoreography"})
# What SpiffWorkflow's parser has a class for; anything else it refuses with "no support".
SPIFF_SUPPORTED = frozenset(etree.QName(t).localname for t in
                            (*SpiffBpmnParser.PARSER_CLASSES, *SpiffBpmnParser.OVERRIDE_PARSER_CLASSES))
# Event definitions SpiffWorkflow 3.2 reads as if they were not there (the event would not behave as drawn).
IGNORED_EVENTS = frozenset({"compensateEventDefinition", "linkEventDefinition"})
CONTAINERS = ("process", "subProcess", "transaction", "adHocSubProcess")


def flow_problems(root: etree._Element) -> Iterator[Problem]:
    """Unsupported element types, missing start/end events, unreachable flow nodes."""
    yield from unsupported_problems(root)
    for container in _containers(root):
        yield from _id_problems(container)
        yield from _start_end_problems(container)
        yield from _unreachable_problems(container)


def unsupported_problems(root: etree._Element) -> Iterator[Problem]:
    """Elements of a type the engine cannot run, named with their type (script tasks are refused
    on their own, with advice)."""
    for el in root.iter(etree.Element):
        if not is_bpmn(el):
            continue
        name = local(el)
        if name == "businessRuleTask":
            reason = msg("unsupported_dmn", "decision tables (DMN) are not loaded here; use an exclusive gateway "
                                            "with conditions or a whitelisted service task")
        elif name in FLOW_NODES and name not in SPIFF_SUPPORTED:
            reason = msg("unsupported_spiff", "the workflow engine (SpiffWorkflow) cannot run it; use exclusive, "
                                              "inclusive or parallel gateways, user tasks and whitelisted service tasks")
        elif name in IGNORED_EVENTS:
            reason = msg("unsupported_event", "the workflow engine (SpiffWorkflow) ignores it, so the event would "
                                              "not behave as drawn")
        else:
            continue
        yield located(msg("unsupported_element", "%(type)s is not supported here: %(reason)s",
                          type=name, reason=reason), el)


def _containers(root: etree._Element) -> Iterator[etree._Element]:
    """The flow containers of executable processes."""
    for process in root.iter(b("process")):
        if not executable(process):
            continue
        yield process
        for name in CONTAINERS[1:]:
            yield from process.iter(b(name))


def _flow_nodes(container: etree._Element) -> list[etree._Element]:
    return [el for el in container.iterchildren(etree.Element) if is_bpmn(el) and local(el) in FLOW_NODES and el.get("id")]


def _id_problems(container: etree._Element) -> Iterator[Problem]:
    """Flow nodes and sequence flows without an id: SpiffWorkflow skips them without a word."""
    for el in container.iterchildren(etree.Element):
        if is_bpmn(el) and (local(el) in FLOW_NODES or local(el) == "sequenceFlow") and not el.get("id"):
            yield located(msg("id_missing", "has no id; SpiffWorkflow skips elements without one, so the process "
                                            "would not run as drawn"), el)


def _start_end_problems(container: etree._Element) -> Iterator[Problem]:
    """A process or (non ad-hoc) sub-process needs a start event and an end event."""
    if local(container) == "adHocSubProcess":
        return      # SpiffWorkflow refuses start and end events in it
    kinds = {local(el) for el in _flow_nodes(container)}
    if "startEvent" not in kinds:
        yield located(msg("no_start_event", "has no start event; every process and sub-process begins at one"),
                      container)
    if "endEvent" not in kinds:
        yield located(msg("no_end_event", "has no end event; every process and sub-process needs one where it "
                                          "ends"), container)


def _unreachable_problems(container: etree._Element) -> Iterator[Problem]:
    """Flow nodes no path of sequence flows leads to from a start (none when there is no start)."""
    nodes = {el.get("id"): el for el in _flow_nodes(container)}
    starts = [ident for ident, el in nodes.items() if _starts_itself(el, container)]
    if not starts:
        return      # reported as a missing start event
    seen = _reach(container, starts)
    for ident, el in nodes.items():
        if ident not in seen and not _exempt(el):
            yield located(msg("unreachable", "cannot be reached from a start event by sequence flows"), el)


def _starts_itself(el: etree._Element, container: etree._Element) -> bool:
    """A start event, an event sub-process, or (ad hoc) any node without incoming flows."""
    if local(el) == "startEvent" or el.get("triggeredByEvent") == "true":
        return True
    if local(container) == "adHocSubProcess":
        return not any(f.get("targetRef") == el.get("id") for f in container.iterchildren(b("sequenceFlow")))
    return False


def _exempt(el: etree._Element) -> bool:
    """Nodes reached otherwise than by sequence flows: compensation handlers, link catch events
    (both reported as unsupported)."""
    return el.get("isForCompensation") == "true" or el.find(b("linkEventDefinition")) is not None


def _reach(container: etree._Element, starts: list[str]) -> set[str]:
    """Ids reachable from `starts` along sequence flows and from hosts to their boundary events."""
    following: dict[str, list[str]] = defaultdict(list)
    for flow in container.iterchildren(b("sequenceFlow")):
        following[flow.get("sourceRef")].append(flow.get("targetRef"))
    for boundary in container.iterchildren(b("boundaryEvent")):
        following[boundary.get("attachedToRef")].append(boundary.get("id"))
    seen, todo = set(starts), list(starts)
    while todo:
        for nxt in following[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen
