"""Upload validation of BPMN definitions: refuse executable code, unknown bindings, bad structure.

Every problem is an engine.bpmn.problems.Problem naming the line, the element (tag, id, name)
and what is wrong, and all of them are reported at once, so a designer can fix the whole file
in one round. Hostile XML never reaches a parser that could expand or fetch anything: files over
MAX_BPMN_BYTES are refused before parsing, any DOCTYPE (the only way to declare entities or
name an external DTD) is refused on sight, and lxml parses without entities, DTDs or network.
"""
from __future__ import annotations

import re
from typing import Iterable, Iterator

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException

from engine.bpmn.checks import code_problems, service_task_problems, structure_problems
from engine.bpmn.expression_checks import expression_problems
from engine.bpmn.flow_checks import flow_problems
from engine.bpmn.problems import BPMN_NS, Problem, attr_name, b, by_id, file_problem, located
from engine.bpmn.registry import ParsedProcess, UserTaskInfo, parse_process
from engine.errors import DefinitionInvalid
from forms.messages import msg

MAX_BPMN_BYTES = 5 * 1024 * 1024
# A DOCTYPE in the encodings lxml detects by their bytes (UTF-8/ASCII and UTF-16 either way).
DOCTYPE = "<!DOCTYPE"
DOCTYPE_BYTES = [(DOCTYPE.encode(enc), "\n".encode(enc)) for enc in ("utf-8", "utf-16-le", "utf-16-be")]


def _parse_xml(xml: bytes) -> etree._Element:
    """lxml with nothing resolved, loaded or fetched (the second barrier after the DOCTYPE check)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             attribute_defaults=False, huge_tree=False)
    return etree.fromstring(xml, parser)


def _doctype_line(xml: bytes) -> int | None:
    """The line of a DOCTYPE declaration, found in the raw bytes before any parser sees them."""
    for needle, newline in DOCTYPE_BYTES:
        at = xml.find(needle)
        if at >= 0:
            return xml.count(newline, 0, at) + 1
    return None


def _doctype_problem(line: int | None) -> Problem:
    return file_problem(msg("xml_doctype", "DOCTYPE declarations (DTDs, entities) are not allowed in BPMN files; "
                                           "the file was not parsed"), line=line)


def _load(xml: bytes) -> tuple[etree._Element | None, list[Problem]]:
    """Refuse what must not be parsed, then parse safely; any problem here stops validation."""
    if len(xml) > MAX_BPMN_BYTES:
        return None, [file_problem(msg("bpmn_too_large", "the file is %(size)s bytes, more than the %(limit)s "
                                                         "bytes (%(mb)s MB) a BPMN file may have",
                                       size=len(xml), limit=MAX_BPMN_BYTES, mb=MAX_BPMN_BYTES // (1024 * 1024)))]
    if not xml.strip():
        return None, [file_problem(msg("bpmn_empty", "the file is empty"))]
    line = _doctype_line(xml)
    if line is not None:
        return None, [_doctype_problem(line)]
    try:
        root = _parse_xml(xml)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position
        error = re.sub(r", line \d+, column \d+$", "", exc.msg or str(exc))
        return None, [file_problem(msg("xml_malformed", "the file is not well-formed XML: %(error)s",
                                       error=error), line=line, column=column)]
    if root.getroottree().docinfo.doctype:
        return None, [_doctype_problem(None)]
    if root.tag != b("definitions"):
        return None, [located(msg("not_bpmn", "not a BPMN 2.0 file (root element is %(root)s, expected "
                                              "%(expected)s)", root=root.tag, expected=b("definitions")), root)]
    return root, []


def _parse(xml: bytes, root: etree._Element, problems: list[Problem]) -> ParsedProcess | None:
    """SpiffWorkflow's part (XSD + parser); adds its error unless already reported."""
    try:
        return parse_process(xml)
    except ValidationException as exc:
        problem = _explain(exc, root)
    except ValueError:  # parse_process: no executable process (our checks say why)
        problem = None if problems else located(msg("no_executable_process", 'no executable process in the file '
                                                                             '(mark the main process '
                                                                             'isExecutable="true")'), root)
    # The parser can trip over odd uploads in unplanned ways: refuse the file rather than crash.
    except Exception as exc:  # noqa: BLE001
        error = "%s: %s" % (type(exc).__name__, exc)
        problem = file_problem(msg("parser_failed", "the BPMN parser failed: %(error)s", error=error))
    if problem is not None and not _already_reported(problems, problem):
        problems.append(problem)
    return None


def _explain(exc: ValidationException, root: etree._Element) -> Problem:
    """A SpiffWorkflow ValidationException as a Problem on the element it names (or its line)."""
    text = exc.args[0] if exc.args else str(exc)
    text = text.replace(f"{{{BPMN_NS}}}", "bpmn:").strip().rstrip(".")
    el = by_id(root).get(exc.id) if exc.id else None
    line = exc.line_number or (el.sourceline if el is not None else None)
    if el is None and line:  # XSD errors carry only a line: name the element found there
        el = next((e for e in root.iter(etree.Element) if e.sourceline == line and e.get("id")), None)
    if exc.id or not line:
        message = msg("parser_error", "SpiffWorkflow cannot use it: %(error)s", error=text)
    else:
        message = msg("schema_error", "not valid BPMN 2.0: %(error)s", error=text)
    return located(message, el, line=line) if el is not None else file_problem(message, line=line)


def _already_reported(problems: list[Problem], new: Problem) -> bool:
    """Whether an earlier problem already covers the parser's error: SpiffWorkflow stops at the
    first element it cannot use, which our checks have named already (the same element or line);
    the XSD's complaints are its own, but for a duplicate id."""
    if new.code == "schema_error":
        return any(p.line == new.line and p.code == "duplicate_id" for p in problems)
    if new.element_id and any(p.element_id == new.element_id for p in problems):
        return True
    if new.line and any(p.line == new.line for p in problems):
        return True
    names = [] if new.element_id or new.line else re.findall(r"'([^']+)'", str(new.message))
    return any(f"'{name}'" in str(p) for name in names for p in problems)


def _user_task_problems(root: etree._Element, parsed: ParsedProcess, form_keys: list[str],
                        roles: list[str]) -> Iterator[Problem]:
    """Lane = role, a known formKey, a stage (department expressions are checked with the others)."""
    index = by_id(root)
    for info in parsed.user_tasks.values():
        el = index.get(info.bpmn_id)
        for message in _task_convention_problems(info, el, form_keys, roles):
            yield located(message, el) if el is not None else Problem(
                code=message.code, message=message, tag="userTask", element_id=info.bpmn_id)


def _task_convention_problems(info: UserTaskInfo, el: etree._Element | None,
                              form_keys: list[str], roles: list[str]) -> Iterator:
    """What is wrong with one user task's lane and properties."""
    role_list, forms = ", ".join(roles), ", ".join(form_keys)
    if info.role is None:
        yield msg("task_no_lane", "is not in a lane; put it in a lane named after a role (%(roles)s)",
                  roles=role_list)
    elif info.role not in roles:
        yield msg("lane_not_role", "lane '%(lane)s' is not a role; allowed roles: %(roles)s",
                  lane=info.role, roles=role_list)
    foreign = [q for q in (el.attrib if el is not None else {}) if etree.QName(q).localname == "formKey"]
    if info.form_key is None and foreign:
        yield msg("form_key_foreign", '%(attribute)s is not read here; use <spiffworkflow:property name="formKey" '
                                      'value="..."/> (known forms: %(forms)s)',
                  attribute=attr_name(el, foreign[0]), forms=forms)
    elif info.form_key is None:
        yield msg("form_key_missing", "has no formKey property; known forms: %(forms)s", forms=forms)
    elif info.form_key not in form_keys:
        yield msg("form_key_unknown", "form key '%(form_key)s' does not exist; known forms: %(forms)s",
                  form_key=info.form_key, forms=forms)
    if not info.stage:
        yield msg("stage_missing", "has no stage property (the case stage shown while the task is ready)")


def validate_definition(xml: bytes, *, form_keys: Iterable[str], roles: Iterable[str],
                        operators: Iterable[str]) -> ParsedProcess:
    """Parse an uploaded definition, or raise DefinitionInvalid listing every problem found
    (ordered by line; problems of the whole file first)."""
    root, problems = _load(xml)
    if root is None:
        raise DefinitionInvalid(problems)
    allowed_ops = set(operators)
    ops = ", ".join(sorted(allowed_ops))
    problems += code_problems(root, ops)
    problems += service_task_problems(root, allowed_ops, ops)
    problems += structure_problems(root)
    problems += flow_problems(root)
    problems += expression_problems(root)
    parsed = _parse(xml, root, problems)
    if parsed is not None:
        problems += _user_task_problems(root, parsed, sorted(form_keys), sorted(roles))
    if problems:
        raise DefinitionInvalid(sorted(problems, key=lambda p: p.line or 0))
    return parsed
