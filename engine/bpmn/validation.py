"""Upload validation of BPMN definitions: refuse executable code, unknown bindings, bad structure.

Every problem becomes one English message naming the line, the element tag and its id, so a
designer can fix the whole file in one round. SpiffWorkflow's parser stops at its first error
and misses some (missing signal refs, scripts hidden in extensions); we check those ourselves.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.bpmn.expressions import ExpressionError, compile_expression
from engine.bpmn.registry import ParsedProcess, UserTaskInfo, parse_process
from engine.errors import DefinitionInvalid

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CODE_ATTRIBUTES = frozenset({"class", "expression", "delegateExpression"})
LISTENERS = frozenset({"executionListener", "taskListener"})
SPIFF_SCRIPTS = frozenset({"preScript", "postScript"})
# Where expressions hide: element local name -> how a message calls it.
EXPRESSION_TAGS = {"conditionExpression": "condition", "condition": "condition",
                   "timeDuration": "timeDuration", "timeDate": "timeDate", "timeCycle": "timeCycle",
                   "loopCardinality": "loopCardinality",
                   "completionCondition": "completionCondition"}
# Timer texts are Python: a bare ISO duration compiles as a variable name and fails at run time.
ISO_LITERAL = re.compile(r"(R\d*/)?P[0-9YMWDTHS.]+")


def _b(local: str) -> str:
    return f"{{{BPMN_NS}}}{local}"


def _local(el: etree._Element) -> str:
    return etree.QName(el).localname


def _is_bpmn(el: etree._Element) -> bool:
    return etree.QName(el).namespace == BPMN_NS


def _tag(el: etree._Element) -> str:
    """The tag as a designer reads it: `userTask`, `camunda:script`."""
    if _is_bpmn(el) or not el.prefix:
        return _local(el)
    return f"{el.prefix}:{_local(el)}"


def _owner(el: etree._Element) -> etree._Element | None:
    """The nearest BPMN ancestor with an id a designer recognises (not an event definition)."""
    for anc in el.iterancestors():
        if _is_bpmn(anc) and anc.get("id") and not _local(anc).endswith(
                ("EventDefinition", "LoopCharacteristics")):
            return anc
    return None


def _name(el: etree._Element) -> str:
    """`serviceTask 'mail'`, or `camunda:script in serviceTask 'mail'` for elements without id."""
    if _is_bpmn(el) and el.get("id"):
        return f"{_tag(el)} '{el.get('id')}'"
    owner = _owner(el)
    return f"{_tag(el)} in {_name(owner)}" if owner is not None else _tag(el)


def _at(el: etree._Element) -> str:
    return f"line {el.sourceline}: "


def _attr_name(el: etree._Element, qname: str) -> str:
    """`camunda:class` for `{http://camunda.org/schema/1.0/bpmn}class`."""
    q = etree.QName(qname)
    prefix = next((p for p, ns in el.nsmap.items() if ns == q.namespace and p), None)
    return f"{prefix}:{q.localname}" if prefix else q.localname


def _java_binding(el: etree._Element) -> str | None:
    """The foreign attribute that binds this element to Java/JUEL code or an external worker."""
    for qname, value in el.attrib.items():
        q = etree.QName(qname)
        if q.namespace in (None, BPMN_NS):
            continue
        if q.localname in CODE_ATTRIBUTES:
            return _attr_name(el, qname)
        if q.localname == "type" and value == "external":
            return f'{_attr_name(el, qname)}="external"'
    return None


def _load(xml: bytes) -> tuple[etree._Element | None, list[str]]:
    """Parse safely (no entities, no network); any problem here stops validation."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position
        msg = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        return None, [f"line {line}, column {col}: the file is not well-formed XML: {msg}"]
    if root.getroottree().docinfo.doctype:
        return None, ["DOCTYPE declarations (DTDs, entities) are not allowed in BPMN files"]
    if root.tag != _b("definitions"):
        expected = _b("definitions")
        return None, [f"not a BPMN 2.0 file (root element is {root.tag}, expected {expected})"]
    return root, []


def _code_problems(root: etree._Element, ops: str) -> Iterator[str]:
    """Step 2: scripts, listeners and Java/JUEL bindings, one message per occurrence."""
    service_advice = (f'bind it to one of our service tasks with <spiffworkflow:serviceTaskOperator '
                      f'id="..."> (allowed operators: {ops})')
    for el in root.iter(etree.Element):
        local, ns = _local(el), etree.QName(el).namespace
        if local == "scriptTask" and ns == BPMN_NS:
            yield (f"{_at(el)}{_name(el)}: script tasks are not allowed; put logic in a "
                   f"whitelisted service task (allowed operators: {ops})")
        elif local in SPIFF_SCRIPTS and ns == SPIFF_NS:
            yield (f"{_at(el)}{_name(el)}: pre/post scripts are not allowed; use expressions on "
                   f"gateways or a whitelisted service task (allowed operators: {ops})")
        elif local == "script" and not any(  # a script inside these is reported with them
                _local(a) in LISTENERS or _local(a) == "scriptTask" for a in el.iterancestors()):
            yield f"{_at(el)}{_name(el)}: embedded scripts are not allowed; {service_advice}"
        elif local in LISTENERS:
            yield (f"{_at(el)}{_name(el)}: listeners run Java, Groovy or JavaScript code and are "
                   f"not allowed; {service_advice}")
        binding = _java_binding(el)
        if binding:
            external = binding.endswith('"external"')
            reason = ("external task workers are not supported here" if external
                      else "cannot run Java/JUEL code here")
            yield f"{_at(el)}{_name(el)}: {binding} {reason}; {service_advice}"


def _operator_of(task: etree._Element) -> etree._Element | None:
    """The task's spiffworkflow:serviceTaskOperator element, if any."""
    return task.find(f"{_b('extensionElements')}/{{{SPIFF_NS}}}serviceTaskOperator")


def _service_task_problems(root: etree._Element, operators: set[str], ops: str) -> Iterator[str]:
    """Step 3: every service task names a whitelisted operator."""
    for task in root.iter(_b("serviceTask")):
        if _java_binding(task):
            continue  # already reported with the same advice
        operator = _operator_of(task)
        if operator is None:
            yield (f"{_at(task)}{_name(task)}: has no <spiffworkflow:serviceTaskOperator "
                   f'id="...">; bind it to one of the allowed operators: {ops}')
        elif operator.get("id") not in operators:
            yield (f"{_at(task)}{_name(task)}: operator '{operator.get('id')}' is not allowed; "
                   f"allowed operators: {ops}")


def _duplicate_id_problems(root: etree._Element) -> Iterator[str]:
    """Ids of BPMN and diagram elements are unique (extension ids such as operators need not be)."""
    seen: dict[str, etree._Element] = {}
    for el in root.iter(etree.Element):
        ident = el.get("id")
        if not ident or etree.QName(el).namespace not in (BPMN_NS, BPMNDI_NS):
            continue
        if ident in seen:
            first = seen[ident]
            yield (f"{_at(el)}{_name(el)}: duplicate id '{ident}' (already used at line "
                   f"{first.sourceline} by {_tag(first)})")
        else:
            seen[ident] = el


def _structure_problems(root: etree._Element) -> Iterator[str]:
    """Step 4, our part: duplicate ids, executability, call targets, signal/message refs."""
    yield from _duplicate_id_problems(root)
    processes = {p.get("id"): p for p in root.iter(_b("process"))}
    if not any(p.get("isExecutable", "true") == "true" for p in processes.values()):
        yield "no executable process in the file (mark the main process isExecutable=\"true\")"
    for call in root.iter(_b("callActivity")):
        target = call.get("calledElement")
        if not target:
            yield f"{_at(call)}{_name(call)}: called process not found (calledElement is missing)"
        elif target not in processes:
            yield (f"{_at(call)}callActivity '{call.get('id')}' calls process '{target}' "
                   f"which is not in the file")
    yield from _ref_problems(root, "signal")
    yield from _ref_problems(root, "message")


def _ref_problems(root: etree._Element, kind: str) -> Iterator[str]:
    """Signal/message event definitions must point at a signal/message defined in the file."""
    defined = {el.get("id") for el in root.iter(_b(kind))}
    for definition in root.iter(_b(f"{kind}EventDefinition")):
        ref = definition.get(f"{kind}Ref")
        if not ref:
            yield (f"{_at(definition)}{_name(definition)}: has no {kind}Ref; name the "
                   f"bpmn:{kind} it waits for or sends")
        elif ref not in defined:
            yield (f"{_at(definition)}{_name(definition)}: {kind}Ref '{ref}' is not a {kind} "
                   f"defined in the file")


def _parse(xml: bytes, root: etree._Element, problems: list[str]) -> ParsedProcess | None:
    """Step 4, SpiffWorkflow's part (XSD + parser); adds its error unless already reported."""
    line, ident = None, ""
    try:
        return parse_process(xml)
    except ValidationException as exc:
        line, ident, message = _explain(exc, root)
    except ValueError as exc:  # parse_process: no executable process
        message = str(exc)
    # The parser can trip over odd uploads in unplanned ways: refuse the file rather than crash.
    except Exception as exc:  # noqa: BLE001
        message = f"the BPMN parser failed: {type(exc).__name__}: {exc}"
    if not _already_reported(problems, line, ident, message):
        problems.append(message)
    return None


def _explain(exc: ValidationException, root: etree._Element) -> tuple[int | None, str, str]:
    """Line, element id and message of a SpiffWorkflow ValidationException."""
    text = exc.args[0] if exc.args else str(exc)
    text = text.replace(f"{{{BPMN_NS}}}", "bpmn:").strip().rstrip(".")
    el = _by_id(root).get(exc.id) if exc.id else None
    line = exc.line_number or (el.sourceline if el is not None else None)
    if el is None and line:  # XSD errors carry only a line: name the element found there
        el = next((e for e in root.iter(etree.Element)
                   if e.sourceline == line and e.get("id")), None)
    where = f"line {line}: " if line else ""
    named = f"{_name(el)}: " if el is not None else ""
    return line, (el.get("id", "") if el is not None else ""), f"{where}{named}{text}"


def _by_id(root: etree._Element) -> dict[str, etree._Element]:
    """BPMN elements by id (the first one, if an id is duplicated)."""
    index: dict[str, etree._Element] = {}
    for el in root.iter(etree.Element):
        if el.get("id") and _is_bpmn(el):
            index.setdefault(el.get("id"), el)
    return index


def _already_reported(problems: list[str], line: int | None, ident: str, message: str) -> bool:
    """Whether an earlier message already covers the parser's error (same line, element, names)."""
    if message in problems or (line and any(p.startswith(f"line {line}:") for p in problems)):
        return True
    names = [ident] if ident else ([] if line else re.findall(r"'([^']+)'", message))
    first = message.split(" (")[0]
    return any(f"'{n}'" in p for n in names for p in problems) or any(
        p.startswith(first) for p in problems)


def _user_task_problems(root: etree._Element, parsed: ParsedProcess, form_keys: list[str],
                        roles: list[str]) -> Iterator[str]:
    """Step 5: lane = role, known formKey, a stage, a compilable department expression."""
    index = _by_id(root)
    for info in parsed.user_tasks.values():
        el = index.get(info.bpmn_id)
        where = f"{_at(el)}{_name(el)}" if el is not None else f"userTask '{info.bpmn_id}'"
        yield from (f"{where}: {p}" for p in _task_convention_problems(info, el, form_keys, roles))


def _task_convention_problems(info: UserTaskInfo, el: etree._Element | None,
                              form_keys: list[str], roles: list[str]) -> Iterator[str]:
    """What is wrong with one user task's lane and properties."""
    if info.role is None:
        yield f"is not in a lane; put it in a lane named after a role ({', '.join(roles)})"
    elif info.role not in roles:
        yield f"lane '{info.role}' is not a role; allowed roles: {', '.join(roles)}"
    attrs = el.attrib if el is not None else {}
    foreign = [q for q in attrs if etree.QName(q).localname == "formKey"]
    if info.form_key is None and foreign:
        yield (f'{_attr_name(el, foreign[0])} is not read here; use <spiffworkflow:property '
               f'name="formKey" value="..."/> (known forms: {", ".join(form_keys)})')
    elif info.form_key is None:
        yield f"has no formKey property; known forms: {', '.join(form_keys)}"
    elif info.form_key not in form_keys:
        yield f"form key '{info.form_key}' does not exist; known forms: {', '.join(form_keys)}"
    if not info.stage:
        yield "has no stage property (the case stage shown while the task is ready)"
    if info.department_expr:
        error = _expression_error(info.department_expr)
        if error:
            yield f'department "{info.department_expr}" is not an allowed expression: {error}'


def _expression_error(source: str) -> str | None:
    """Why RestrictedPython refuses this expression, or None."""
    try:
        compile_expression(source)
    except ExpressionError as exc:
        return str(exc)
    return None


def _expressions(root: etree._Element) -> Iterator[tuple[etree._Element, etree._Element | None,
                                                         str, str]]:
    """(element, owner, label, text) for every expression in the file."""
    for el in root.iter(etree.Element):
        local = _local(el)
        if _is_bpmn(el) and local in EXPRESSION_TAGS and (el.text or "").strip():
            owner = el.getparent() if local == "conditionExpression" else _owner(el)
            yield el, owner, EXPRESSION_TAGS[local], el.text.strip()
        elif local == "parameter" and etree.QName(el).namespace == SPIFF_NS and el.get("value"):
            yield el, _owner(el), f"parameter '{el.get('id')}'", el.get("value")


def _expression_problems(root: etree._Element) -> Iterator[str]:
    """Step 6: every expression compiles under RestrictedPython."""
    for el, owner, label, text in _expressions(root):
        named = _name(owner) if owner is not None else _tag(el)
        if label.startswith("time") and ISO_LITERAL.fullmatch(text):
            yield (f"{_at(el)}{named} {label} \"{text}\" must be a quoted literal ('{text}'): "
                   f"timer expressions are Python")
            continue
        error = _expression_error(text)
        if error:
            shown = text if len(text) <= 80 else text[:77] + "..."
            yield f'{_at(el)}{named} {label} "{shown}" is not an allowed expression: {error}'


def validate_definition(xml: bytes, *, form_keys: Iterable[str], roles: Iterable[str],
                        operators: Iterable[str]) -> ParsedProcess:
    """Parse an uploaded definition, or raise DefinitionInvalid listing every problem found."""
    root, problems = _load(xml)
    if root is None:
        raise DefinitionInvalid(problems)
    allowed_ops = set(operators)
    ops = ", ".join(sorted(allowed_ops))
    problems += _code_problems(root, ops)
    problems += _service_task_problems(root, allowed_ops, ops)
    problems += _structure_problems(root)
    parsed = _parse(xml, root, problems)
    if parsed is not None:
        problems += _user_task_problems(root, parsed, sorted(form_keys), sorted(roles))
    problems += _expression_problems(root)
    if problems:
        raise DefinitionInvalid(problems)
    return parsed
