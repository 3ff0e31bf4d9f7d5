"""The BPMN validator under property-based fuzzing (hypothesis, derandomised): whatever a designer
uploads — the bundled process cut, spliced, with elements dropped or attributes rewritten, or
plain bytes — validation returns a parsed process or refuses it with DefinitionInvalid listing
problems; it never raises anything else (which would reach the designer as a server error)."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from engine.bpmn.service_tasks import OPERATORS
from engine.bpmn.validation import validate_definition
from engine.errors import DefinitionInvalid
from engine.organisation import roles as R
from forms import FORMS

SOURCE = (Path(__file__).resolve().parents[3] / "workflows" / "case_handling.bpmn").read_bytes()
FUZZ = settings(max_examples=60, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _validate(xml: bytes) -> None:
    try:
        validate_definition(xml, form_keys=set(FORMS), roles=R.ALL_ROLES, operators=OPERATORS.keys())
    except DefinitionInvalid as refused:
        assert refused.problems, "a refusal names at least one problem"


@st.composite
def byte_edits(draw) -> bytes:
    """The bundled file with a few spans cut, repeated or replaced by random bytes."""
    data = SOURCE
    for _ in range(draw(st.integers(1, 3))):
        start = draw(st.integers(0, len(data) - 1))
        end = draw(st.integers(start, min(len(data), start + 400)))
        kind = draw(st.sampled_from(["cut", "repeat", "replace"]))
        middle = {"cut": b"", "repeat": data[start:end] * 2,
                  "replace": draw(st.binary(max_size=40))}[kind]
        data = data[:start] + middle + data[end:]
    return data


@st.composite
def tree_edits(draw) -> bytes:
    """Well-formed XML with elements dropped or moved and attributes rewritten (ids, refs, names)."""
    root = etree.fromstring(SOURCE)
    elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not root]
    for _ in range(draw(st.integers(1, 4))):
        el = elements[draw(st.integers(0, len(elements) - 1))]
        kind = draw(st.sampled_from(["drop", "attribute", "move", "text"]))
        parent = el.getparent()
        if kind == "drop" and parent is not None:
            parent.remove(el)
        elif kind == "attribute" and el.attrib:
            name = draw(st.sampled_from(sorted(el.attrib)))
            el.set(name, draw(st.sampled_from(["", "x", "Task_missing", "${1+1}", "__import__('os')", "中文", "0"])))
        elif kind == "move" and parent is not None:
            target = elements[draw(st.integers(0, len(elements) - 1))]
            if el not in target.iterancestors() and target is not el:
                parent.remove(el)
                target.append(el)
        elif kind == "text":
            el.text = draw(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=30))
    return etree.tostring(root)


def test_the_bundled_process_is_valid():
    _validate(SOURCE)


@FUZZ
@given(byte_edits())
def test_damaged_files_are_refused_with_problems_or_accepted(xml):
    _validate(xml)


@FUZZ
@given(tree_edits())
def test_rewritten_processes_are_refused_with_problems_or_accepted(xml):
    _validate(xml)


@FUZZ
@given(st.binary(max_size=300))
def test_arbitrary_bytes_are_refused(data):
    _validate(data)
