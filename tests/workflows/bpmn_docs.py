"""Small BPMN files for the upload tests: one executable process, its user tasks in the lane `agent`."""
from __future__ import annotations

import pytest

from engine.bpmn.problems import Problem
from engine.bpmn.service_tasks import OPERATORS
from engine.bpmn.validation import validate_definition
from engine.errors import DefinitionInvalid
from engine.organisation.roles import ALL_ROLES
from forms.definitions import FORMS

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="defs" targetNamespace="https://12345.example.gov.cn/bpmn">
  <bpmn:process id="mini" name="小流程" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_agent" name="agent">{refs}</bpmn:lane>
    </bpmn:laneSet>
"""


def user_task(ident: str, name: str) -> str:
    return f"""    <bpmn:userTask id="{ident}" name="{name}">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formKey" value="intake" />
          <spiffworkflow:property name="stage" value="intake" />
        </spiffworkflow:properties>
      </bpmn:extensionElements>
    </bpmn:userTask>
"""


# start -> register (受理登记) -> end: a file that passes every check.
BASE = ('    <bpmn:startEvent id="start" name="诉求" />\n'
        '    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="register" />\n'
        + user_task("register", "受理登记")
        + '    <bpmn:sequenceFlow id="f2" sourceRef="register" targetRef="end" />\n'
        '    <bpmn:endEvent id="end" name="办结" />\n')


def doc(body: str = BASE, lane: tuple[str, ...] = ("register",), after: str = "") -> bytes:
    """A definitions file with `body` in process `mini`; `after` goes after the process."""
    refs = "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in lane)
    return (HEAD.format(refs=refs) + body + "  </bpmn:process>\n" + after + "</bpmn:definitions>\n").encode()


def validate(xml: bytes):
    return validate_definition(xml, form_keys=FORMS, roles=ALL_ROLES, operators=OPERATORS)


def problems_of(xml: bytes) -> list[Problem]:
    """The problems of a file that must be refused."""
    with pytest.raises(DefinitionInvalid) as info:
        validate(xml)
    assert info.value.problems and all(isinstance(p, Problem) for p in info.value.problems)
    return info.value.problems


def line_of(xml: bytes, text: str) -> int:
    """The line of the first occurrence of `text` in the file."""
    source = xml.decode()
    return source[: source.index(text)].count("\n") + 1
