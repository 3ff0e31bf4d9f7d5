"""Upload checks on the XML itself: executable code, service-task bindings, ids and references.

Each check yields Problems (engine.bpmn.problems) and never stops at the first: a designer fixes
the whole file in one round. SpiffWorkflow's parser stops at its first error and misses some of
these (scripts hidden in extensions, missing signal refs), so they do not rely on it.
"""
from __future__ import annotations

from typing import Iterator

from lxml import etree

from engine.bpmn.problems import (
    BPMN_NS,
    BPMNDI_NS,
    SPIFF_NS,
    Problem,
    attr_name,
    b,
    local,
    located,
    namespace,
    tag,
)
from forms.messages import msg

CODE_ATTRIBUTES = frozenset({"class", "expression", "delegateExpression"})
LISTENERS = frozenset({"executionListener", "taskListener"})
SPIFF_SCRIPTS = frozenset({"preScript", "postScript"})


def java_binding(el: etree._Element) -> str | None:
    """The foreign attribute that binds this element to Java/JUEL code or an external worker."""
    for qname, value in el.attrib.items():
        q = etree.QName(qname)
        if q.namespace in (None, BPMN_NS):
            continue
        if q.localname in CODE_ATTRIBUTES:
            return attr_name(el, qname)
        if q.localname == "type" and value == "external":
            return f'{attr_name(el, qname)}="external"'
    return None


def _in_reported_script(el: etree._Element) -> bool:
    """A script inside a listener or a script task is reported with them."""
    return any(local(a) in LISTENERS or local(a) == "scriptTask" for a in el.iterancestors())


def code_problems(root: etree._Element, ops: str) -> Iterator[Problem]:
    """Scripts, pre/post scripts, listeners and Java/JUEL bindings, one problem per occurrence."""
    for el in root.iter(etree.Element):
        name, ns = local(el), namespace(el)
        if name == "scriptTask" and ns == BPMN_NS:
            yield located(msg("script_task", "script tasks are not allowed; put logic in a whitelisted "
                                             "service task (allowed operators: %(operators)s)", operators=ops), el)
        elif name in SPIFF_SCRIPTS and ns == SPIFF_NS:
            yield located(msg("pre_post_script", "pre/post scripts are not allowed; use expressions on gateways "
                                                 "or a whitelisted service task (allowed operators: %(operators)s)",
                              operators=ops), el)
        elif name == "script" and not _in_reported_script(el):
            yield located(msg("embedded_script", 'embedded scripts are not allowed; bind it to one of our service '
                                                 'tasks with <spiffworkflow:serviceTaskOperator id="..."> (allowed '
                                                 'operators: %(operators)s)', operators=ops), el)
        elif name in LISTENERS:
            yield located(msg("listener", 'listeners run Java, Groovy or JavaScript code and are not allowed; bind '
                                          'it to one of our service tasks with <spiffworkflow:serviceTaskOperator '
                                          'id="..."> (allowed operators: %(operators)s)', operators=ops), el)
        binding = java_binding(el)
        if binding:
            yield located(_binding_message(binding, ops), el)


def _binding_message(binding: str, ops: str):
    if binding.endswith('"external"'):
        return msg("external_worker", '%(binding)s: external task workers are not supported here; bind it to one '
                                      'of our service tasks with <spiffworkflow:serviceTaskOperator id="..."> '
                                      '(allowed operators: %(operators)s)', binding=binding, operators=ops)
    return msg("java_binding", '%(binding)s cannot run Java/JUEL code here; bind it to one of our service tasks '
                               'with <spiffworkflow:serviceTaskOperator id="..."> (allowed operators: '
                               '%(operators)s)', binding=binding, operators=ops)


def service_task_problems(root: etree._Element, operators: set[str], ops: str) -> Iterator[Problem]:
    """Every service task names a whitelisted operator."""
    for task in root.iter(b("serviceTask")):
        if java_binding(task):
            continue  # already reported with the same advice
        operator = task.find(f"{b('extensionElements')}/{{{SPIFF_NS}}}serviceTaskOperator")
        if operator is None:
            yield located(msg("operator_missing", 'has no <spiffworkflow:serviceTaskOperator id="...">; bind it '
                                                  'to one of the allowed operators: %(operators)s',
                              operators=ops), task)
        elif operator.get("id") not in operators:
            yield located(msg("operator_not_allowed", "operator '%(operator)s' is not allowed; allowed "
                                                      "operators: %(operators)s",
                              operator=operator.get("id") or "", operators=ops), task)


def duplicate_id_problems(root: etree._Element) -> Iterator[Problem]:
    """Ids of BPMN and diagram elements are unique (extension ids such as operators need not be)."""
    seen: dict[str, etree._Element] = {}
    for el in root.iter(etree.Element):
        ident = el.get("id")
        if not ident or namespace(el) not in (BPMN_NS, BPMNDI_NS):
            continue
        if ident in seen:
            first = seen[ident]
            yield located(msg("duplicate_id", "duplicate id '%(id)s' (already used at line %(line)s by %(tag)s)",
                              id=ident, line=first.sourceline, tag=tag(first)), el)
        else:
            seen[ident] = el


def structure_problems(root: etree._Element) -> Iterator[Problem]:
    """Duplicate ids, an executable process, call targets, signal/message refs."""
    yield from duplicate_id_problems(root)
    processes = {p.get("id"): p for p in root.iter(b("process"))}
    if not any(executable(p) for p in processes.values()):
        where = next(iter(processes.values()), root)
        yield located(msg("no_executable_process", 'no executable process in the file (mark the main process '
                                                   'isExecutable="true")'), where)
    for call in root.iter(b("callActivity")):
        target = call.get("calledElement")
        if not target:
            yield located(msg("call_target_missing", "called process not found (calledElement is missing)"), call)
        elif target not in processes:
            yield located(msg("call_target_unknown", "calls process '%(process)s' which is not in the file",
                              process=target), call)
    yield from _ref_problems(root, "signal")
    yield from _ref_problems(root, "message")


def executable(process: etree._Element) -> bool:
    """Whether SpiffWorkflow runs this process (isExecutable absent counts as true)."""
    return process.get("isExecutable", "true") == "true"


def _ref_problems(root: etree._Element, kind: str) -> Iterator[Problem]:
    """Signal/message event definitions must point at a signal/message defined in the file."""
    defined = {el.get("id") for el in root.iter(b(kind))}
    for definition in root.iter(b(f"{kind}EventDefinition")):
        ref = definition.get(f"{kind}Ref")
        if not ref:
            yield located(msg("ref_missing", "has no %(kind)sRef; name the bpmn:%(kind)s it waits for or sends",
                              kind=kind), definition)
        elif ref not in defined:
            yield located(msg("ref_unknown", "%(kind)sRef '%(ref)s' is not a %(kind)s defined in the file",
                              kind=kind, ref=ref), definition)
