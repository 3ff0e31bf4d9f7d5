"""What is wrong with an uploaded BPMN file: one Problem per finding, located and named.

A Problem names the XML line (and column, for malformed XML), the element it is about — its tag
as a designer reads it (`userTask`, `camunda:script`), its id and its `name` — and says what is
wrong as a forms.messages.Msg: the API and the command line read the English, the pages say it
in the designer's language by its template. Elements without an id of their own (a script in an
input parameter, an event definition) are named by the BPMN element they sit in.
"""
from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from forms.messages import Msg

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI_NS = "http://www.omg.org/spec/BPMN/20100524/DI"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
# Parts of an element a designer does not pick by id: a problem in them names the element.
PARTS = ("EventDefinition", "LoopCharacteristics")


@dataclass(frozen=True)
class Problem:
    """One reason to refuse a file. `str()` is the English line the API and the CLI show."""

    code: str
    message: Msg
    line: int | None = None
    column: int | None = None
    tag: str = ""             # what the problem is about: `userTask`, `camunda:script`
    element_id: str = ""      # its id, or the id of the BPMN element it sits in
    element_name: str = ""    # that element's name attribute, if it has one
    owner_tag: str = ""       # the tag of the element named by element_id, when `tag` is a part of it

    def where(self) -> str:
        """`line 12`, `line 3, column 7`, or '' for a problem of the whole file."""
        if self.line is None:
            return ""
        return f"line {self.line}, column {self.column}" if self.column else f"line {self.line}"

    def element(self) -> str:
        """`userTask 'handle' (办理)`, `camunda:script in serviceTask 'mail'`, or ''."""
        if not self.element_id:
            return self.tag
        named = f"{self.owner_tag or self.tag} '{self.element_id}'"
        if self.element_name:
            named += f" ({self.element_name})"
        return f"{self.tag} in {named}" if self.owner_tag else named

    def __str__(self) -> str:
        head = ": ".join(part for part in (self.where(), self.element()) if part)
        return f"{head}: {self.message}" if head else str(self.message)

    def as_dict(self) -> dict:
        """The problem as JSON for API clients (the code and params never change with the wording)."""
        return {"code": self.code, "line": self.line, "column": self.column, "tag": self.tag,
                "element_id": self.element_id or None, "element_name": self.element_name or None,
                "owner_tag": self.owner_tag or None, "message": str(self.message),
                "params": {k: str(v) if isinstance(v, Msg) else v for k, v in self.message.params.items()},
                "text": str(self)}


def file_problem(message: Msg, line: int | None = None, column: int | None = None) -> Problem:
    """A problem of the file as a whole (too large, not XML, not BPMN)."""
    return Problem(code=message.code, message=message, line=line, column=column)


def located(message: Msg, el: etree._Element, line: int | None = None) -> Problem:
    """A problem about `el`, at `line` (default: el's own line)."""
    subject = named_element(el)
    return Problem(code=message.code, message=message, line=line or el.sourceline, tag=tag(el),
                   element_id=subject.get("id", "") if subject is not None else "",
                   element_name=name_of(subject) if subject is not None else "",
                   owner_tag=tag(subject) if subject is not None and subject is not el else "")


def named_element(el: etree._Element) -> etree._Element | None:
    """The element a designer knows `el` by: itself if it is a BPMN element with an id (not an
    event definition or loop characteristics), else the nearest such ancestor."""
    for candidate in (el, *el.iterancestors()):
        if is_bpmn(candidate) and candidate.get("id") and not local(candidate).endswith(PARTS):
            return candidate
    return None


def name_of(el: etree._Element) -> str:
    """The element's name attribute on one line ('' if none)."""
    return " ".join((el.get("name") or "").split())


def local(el: etree._Element) -> str:
    return etree.QName(el).localname


def namespace(el: etree._Element) -> str | None:
    return etree.QName(el).namespace


def is_bpmn(el: etree._Element) -> bool:
    return namespace(el) == BPMN_NS


def tag(el: etree._Element) -> str:
    """The tag as a designer reads it: `userTask`, `camunda:script`."""
    if is_bpmn(el) or not el.prefix:
        return local(el)
    return f"{el.prefix}:{local(el)}"


def b(name: str) -> str:
    """The Clark name of a BPMN element: b('userTask')."""
    return f"{{{BPMN_NS}}}{name}"


def attr_name(el: etree._Element, qname: str) -> str:
    """`camunda:class` for `{http://camunda.org/schema/1.0/bpmn}class`."""
    q = etree.QName(qname)
    prefix = next((p for p, ns in el.nsmap.items() if ns == q.namespace and p), None)
    return f"{prefix}:{q.localname}" if prefix else q.localname


def by_id(root: etree._Element) -> dict[str, etree._Element]:
    """BPMN elements by id (the first one, if an id is duplicated)."""
    index: dict[str, etree._Element] = {}
    for el in root.iter(etree.Element):
        if el.get("id") and is_bpmn(el):
            index.setdefault(el.get("id"), el)
    return index
