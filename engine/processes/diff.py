"""What changed between two versions of a process: elements added, removed and changed.

Read from the XML (not the parsed specs) so a designer sees what they edited: each BPMN element
with an id inside the processes (tasks, events, gateways, sequence flows, lanes), by id and
name, and for a changed one which of its aspects changed (name, type, where a flow goes, its
condition, the task's properties). Layout (BPMN DI) is not a change of the process.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SKIPPED = {"definitions", "extensionElements", "incoming", "outgoing", "flowNodeRef", "laneSet",
           "documentation", "text", "textAnnotation", "association"}


@dataclass(frozen=True)
class Element:
    """One element as the diff compares it."""

    id: str
    tag: str
    name: str
    aspects: dict          # aspect -> value (source/target, condition, properties, ...)


@dataclass
class Change:
    id: str
    tag: str
    old: Element
    new: Element
    aspects: list[str] = field(default_factory=list)


@dataclass
class Diff:
    added: list[Element] = field(default_factory=list)
    removed: list[Element] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def _parse(xml: str | bytes) -> etree._Element:
    data = xml.encode() if isinstance(xml, str) else xml
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


def elements(xml: str | bytes) -> dict[str, Element]:
    """The process elements of a stored version, by id."""
    root = _parse(xml)
    out = {}
    for el in root.iter(f"{{{BPMN_NS}}}*"):
        tag = etree.QName(el).localname
        if tag in SKIPPED or not el.get("id") or tag.endswith("EventDefinition"):
            continue
        out[el.get("id")] = Element(el.get("id"), tag, el.get("name") or "", _aspects(el))
    return out


def _aspects(el: etree._Element) -> dict:
    aspects = {}
    for attr in ("sourceRef", "targetRef", "attachedToRef", "default", "calledElement", "isExecutable"):
        if el.get(attr) is not None:
            aspects[attr] = el.get(attr)
    condition = el.find(f"{{{BPMN_NS}}}conditionExpression")
    if condition is not None:
        aspects["condition"] = (condition.text or "").strip()
    props = {p.get("name"): p.get("value") for p in el.iter("{*}property") if p.get("name")}
    if props:
        aspects["properties"] = props
    events = sorted(etree.QName(d).localname for d in el
                    if isinstance(d.tag, str) and etree.QName(d).localname.endswith("EventDefinition"))
    if events:
        aspects["events"] = events
    if etree.QName(el).localname == "lane":
        aspects["members"] = sorted((r.text or "").strip() for r in el.iter(f"{{{BPMN_NS}}}flowNodeRef"))
    return aspects


def compare(old_xml: str | bytes, new_xml: str | bytes) -> Diff:
    """Elements added, removed and changed from `old_xml` to `new_xml`, in document order."""
    old, new = elements(old_xml), elements(new_xml)
    diff = Diff(added=[e for i, e in new.items() if i not in old], removed=[e for i, e in old.items() if i not in new])
    for ident, before in old.items():
        after = new.get(ident)
        if after is None:
            continue
        aspects = [a for a in sorted(set(before.aspects) | set(after.aspects))
                   if before.aspects.get(a) != after.aspects.get(a)]
        if before.name != after.name:
            aspects.insert(0, "name")
        if before.tag != after.tag:
            aspects.insert(0, "type")
        if aspects:
            diff.changed.append(Change(ident, after.tag, before, after, aspects))
    return diff
