"""Upload validation of BPMN definitions against the project model and a real-world corpus.

`refused()` gives each problem's English line (str(Problem): "line 12: userTask 'handle' (办理): …");
`problems_of()` the structured Problems (code, line, element id and name, message).
"""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lxml import etree

from engine.bpmn.problems import Problem
from engine.bpmn.service_tasks import OPERATORS
from engine.bpmn.validation import validate_definition
from engine.errors import DefinitionInvalid
from engine.organisation.roles import ALL_ROLES
from forms.definitions import FORMS

HERE = Path(__file__).resolve()
MODEL = HERE.parents[2] / "workflows" / "case_handling.bpmn"
CORPUS = HERE.parents[1] / "corpus" / "bpmn"   # SOURCES.md there names each file's origin
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"


def _manifest() -> list[dict[str, str]]:
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


MANIFEST = _manifest()
SCRIPT_FILES = [row["file"] for row in MANIFEST if row["has_script_task"] == "yes"]
INVALID_FILES = [row["file"] for row in MANIFEST if row["expected"] == "invalid"]


def _java_bound_service_tasks() -> list[tuple[str, str]]:
    """(file, serviceTask id) of corpus service tasks bound by camunda:class/expression/external."""
    found = []
    for row in MANIFEST:
        try:
            root = etree.fromstring((CORPUS / row["file"]).read_bytes())
        except etree.XMLSyntaxError:
            continue
        for task in root.iter(f"{BPMN}serviceTask"):
            if (task.get(f"{CAMUNDA}class") or task.get(f"{CAMUNDA}expression")
                    or task.get(f"{CAMUNDA}type") == "external"):
                found.append((row["file"], task.get("id")))
    return found


JAVA_BOUND = _java_bound_service_tasks()


def validate(xml: bytes):
    return validate_definition(xml, form_keys=FORMS, roles=ALL_ROLES, operators=OPERATORS)


def problems_of(xml: bytes) -> list[Problem]:
    """The problems of a definition that must be refused."""
    with pytest.raises(DefinitionInvalid) as info:
        validate(xml)
    assert info.value.problems, "DefinitionInvalid without problems"
    assert all(isinstance(p, Problem) for p in info.value.problems)
    return info.value.problems


def refused(xml: bytes) -> list[str]:
    """The English lines of a definition's problems."""
    return [str(p) for p in problems_of(xml)]


def corpus(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def model() -> str:
    return MODEL.read_text(encoding="utf-8")


def mutated(old: str, new: str) -> bytes:
    text = model()
    assert old in text, f"mutation anchor not found: {old!r}"
    return text.replace(old, new, 1).encode("utf-8")


# --- the project's own model ------------------------------------------------------------------

def test_case_handling_model_validates():
    parsed = validate(MODEL.read_bytes())
    assert parsed.process_id == "case_handling"
    assert parsed.user_tasks["visit"].role == "visitor"
    assert parsed.user_tasks["co_opinion"].form_key == "co_opinion"


# --- the real-world corpus --------------------------------------------------------------------

def test_manifest_lists_the_cases_we_rely_on():
    assert len(SCRIPT_FILES) >= 5 and len(INVALID_FILES) >= 8 and len(JAVA_BOUND) >= 3


@pytest.mark.parametrize("name", SCRIPT_FILES)
def test_files_with_scripts_are_refused_naming_the_script(name):
    problems = refused(corpus(name))
    assert any("script" in p.lower() for p in problems), problems


@pytest.mark.parametrize("name", INVALID_FILES)
def test_invalid_files_are_refused(name):
    refused(corpus(name))


@pytest.mark.parametrize(("name", "task_id"), JAVA_BOUND)
def test_java_bound_service_tasks_are_named(name, task_id):
    problems = refused(corpus(name))
    named = [p for p in problems if f"serviceTask '{task_id}'" in p]
    assert named, problems
    assert any("spiffworkflow:serviceTaskOperator" in p and "text.normalize_phone" in p
               for p in named), named


def test_pre_and_post_scripts_are_named():
    problems = refused(corpus("spiff_prescript_postscript.bpmn"))
    assert any("spiffworkflow:preScript" in p and "Activity_1iqs4li" in p for p in problems)
    assert any("spiffworkflow:postScript" in p and "Activity_1iqs4li" in p for p in problems)


def test_camunda_script_in_input_parameter_is_found():
    problems = refused(corpus("camunda_loan-granting.bpmn"))
    assert any(p.startswith("line 9: camunda:script") and "Task_1lvjtd4" in p for p in problems)


def test_execution_listeners_are_refused():
    problems = refused(corpus("camunda_xslt-example.bpmn"))
    listeners = [p for p in problems if "camunda:executionListener" in p]
    assert len(listeners) == 2, problems
    assert any("StartEvent_1" in p for p in listeners)
    assert any("scriptTask 'ScriptTask_1'" in p for p in problems)


def test_non_executable_process_is_reported():
    problems = problems_of(corpus("spiff_invalid_non-executable-process.bpmn"))
    assert any(p.code == "no_executable_process" and p.element_id == "Process_14di7kj" and p.line == 3
               and str(p).startswith("line 3: process 'Process_14di7kj': no executable process")
               for p in problems), problems


def test_missing_called_process_is_reported():
    problems = refused(corpus("spiff_invalid_Subprocess-Not-Found.bpmn20.xml"))
    assert any("callActivity 'sid-617B0E1F-42DB-4D40-9B4C-ED631BF6E43A'" in p
               and "called process not found" in p for p in problems), problems


def test_called_process_outside_the_file_is_reported():
    problems = refused(corpus("spiff_CallActivity-Escalation-Test.bpmn20.xml"))
    assert any("callActivity 'Task_1x5aq4g': calls process 'CallActivity-Escalation-Test-Sub' "
               "which is not in the file" in p for p in problems), problems


def test_signal_without_ref_is_refused():
    problems = refused(corpus("flowable_invalid_SignalEventTests.signalNoRef.bpmn20.xml"))
    assert any("signalRef" in p and "'signalEvent' (Alert)" in p and p.startswith("line 16:")
               for p in problems), problems


def test_signal_ref_to_unknown_signal_is_refused():
    xml = corpus("spiff_event-subprocess.bpmn").replace(b'signalRef="start_sub" />',
                                                         b'signalRef="nowhere" />', 1)
    problems = refused(xml)
    assert any("signalRef 'nowhere'" in p for p in problems), problems


def test_malformed_xml_has_a_line_number():
    problems = problems_of(corpus("moddle_invalid_invalid-attributes.bpmn"))
    assert len(problems) == 1
    assert problems[0].code == "xml_malformed" and problems[0].line == 3 and problems[0].column
    assert str(problems[0]).startswith("line 3, column ") and "not well-formed XML" in str(problems[0])


def test_not_bpmn_is_refused():
    problems = refused(corpus("moddle_invalid_not-bpmn.bpmn"))
    assert problems == ["line 2: definitions: not a BPMN 2.0 file (root element is {http://not-bpmn}definitions, "
                        "expected {http://www.omg.org/spec/BPMN/20100524/MODEL}definitions)"]


def test_duplicate_ids_are_named_with_a_line():
    problems = refused(corpus("moddle_invalid_duplicate-ids.bpmn"))
    assert any(p.startswith("line 7:") and "duplicate id 'test'" in p for p in problems), problems


def test_xsd_errors_keep_line_and_element():
    name = "flowable_invalid_BpmnParseTest.testInvalidProcessDefinition.bpmn20.xml"
    problems = refused(corpus(name))
    assert any(p.startswith("line 7: process 'bogusProcess'") and "invalidAttribute" in p
               for p in problems), problems


def test_bare_iso_timer_must_be_quoted():
    name = "flowable_BoundaryTimerEventTest.testMultipleTimersOnUserTask.bpmn20.xml"
    problems = refused(corpus(name))
    assert any("boundaryEvent 'escalationTimer1': timeDuration \"PT2H\"" in p for p in problems)


# --- mutations of the project's model ---------------------------------------------------------

START_FLOW = '<bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="intake" />'


def with_service_task(operator: str, value: str = "caller_phone") -> bytes:
    """The model with a service task between start and intake."""
    return mutated(START_FLOW, f"""
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="normalize" />
    <bpmn:serviceTask id="normalize" name="normalize phone">
      <bpmn:extensionElements>
        <spiffworkflow:serviceTaskOperator id="{operator}" resultVariable="phone">
          <spiffworkflow:parameters>
            <spiffworkflow:parameter id="phone" type="str" value="{value}" />
          </spiffworkflow:parameters>
        </spiffworkflow:serviceTaskOperator>
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f_normalized" sourceRef="normalize" targetRef="intake" />""")


def test_inserted_script_task_is_refused():
    xml = mutated(START_FLOW, """
    <bpmn:sequenceFlow id="f_start" sourceRef="start" targetRef="set_deadline" />
    <bpmn:scriptTask id="set_deadline" name="deadline">
      <bpmn:script>deadline = 5</bpmn:script>
    </bpmn:scriptTask>
    <bpmn:sequenceFlow id="f_deadline" sourceRef="set_deadline" targetRef="intake" />""")
    problems = refused(xml)
    assert len(problems) == 1, problems
    assert "scriptTask 'set_deadline' (deadline): script tasks are not allowed" in problems[0]
    assert problems[0].startswith("line ")


def test_unknown_form_key_is_refused():
    xml = mutated('name="formKey" value="visit"', 'name="formKey" value="nope"')
    problems = refused(xml)
    assert any("userTask 'visit'" in p and "form key 'nope' does not exist" in p for p in problems)


def test_unknown_lane_is_refused():
    problems = refused(mutated('name="visitor"', 'name="janitor"'))
    assert any("userTask 'visit'" in p and "'janitor'" in p and "dispatcher" in p for p in problems)


def test_all_convention_problems_are_collected():
    xml = mutated('name="visitor"', 'name="janitor"').decode().replace(
        'name="formKey" value="intake"', 'name="formKey" value="nope"').encode()
    problems = refused(xml)
    assert any("'janitor'" in p for p in problems) and any("'nope'" in p for p in problems)


def test_missing_stage_is_refused():
    problems = refused(mutated('<spiffworkflow:property name="stage" value="review" />', ""))
    assert any("userTask 'review'" in p and "stage" in p for p in problems), problems


def test_camunda_form_key_is_pointed_to_the_spiff_property():
    xml = mutated('<bpmn:userTask id="review" name="中心审核">',
                  '<bpmn:userTask id="review" name="中心审核" '
                  'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" camunda:formKey="review">'
                  ).decode().replace('<spiffworkflow:property name="formKey" value="review" />', "")
    problems = refused(xml.encode())
    assert any("camunda:formKey" in p and "spiffworkflow:property" in p for p in problems)


def test_escaping_condition_is_refused():
    problems = refused(mutated("decision == 'direct_answer'", "__import__('os').system('x')"))
    assert any(p.startswith("line ") and "sequenceFlow 'f_direct' (直接答复): condition" in p
               and "is not an allowed expression" in p for p in problems), problems


def test_bad_department_expression_is_refused():
    xml = mutated('name="department" value="co_department_id"',
                  'name="department" value="().__class__"')
    problems = refused(xml)
    assert any("userTask 'co_opinion'" in p and "department" in p for p in problems), problems


def test_truncated_file_is_refused_with_a_line():
    text = model()
    problems = refused(text[: len(text) // 2].encode())
    assert len(problems) == 1 and problems[0].startswith("line "), problems
    assert "not well-formed XML" in problems[0]


def test_doctype_is_refused():
    xml = mutated('<bpmn:definitions ', '<!DOCTYPE bpmn:definitions [<!ENTITY x SYSTEM '
                  '"file:///etc/passwd">]>\n<bpmn:definitions ')
    assert "DOCTYPE" in refused(xml)[0]


def test_unknown_operator_is_refused():
    problems = refused(with_service_task("os.system"))
    assert any("serviceTask 'normalize'" in p and "'os.system' is not allowed" in p
               and "text.normalize_phone" in p for p in problems), problems


def test_whitelisted_operator_is_accepted():
    parsed = validate(with_service_task("text.normalize_phone"))
    assert parsed.process_id == "case_handling"


def test_operator_parameter_must_be_an_allowed_expression():
    problems = refused(with_service_task("text.normalize_phone", "_secret"))
    assert any("serviceTask 'normalize' (normalize phone): parameter 'phone'" in p for p in problems), problems
