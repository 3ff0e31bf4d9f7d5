"""The upload checks added for issue 12: problems as structured values naming line, element id and
name; unreachable elements, unsupported types, missing start/end events; all problems at once;
the API's 422 body and the Chinese line a page shows."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from engine.db import db
from engine.models import ProcessVersion
from tests.workflows.bpmn_docs import BASE, doc, line_of, problems_of, user_task, validate

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "bpmn"
ORPHAN = user_task("orphan", "孤立环节") + '    <bpmn:sequenceFlow id="f_orphan" sourceRef="orphan" targetRef="end" />\n'


def test_the_base_file_passes():
    assert validate(doc()).process_id == "mini"


def test_a_problem_names_line_element_id_and_name():
    xml = doc(BASE.replace('value="intake" />\n          <spiffworkflow:property name="stage"',
                           'value="nope" />\n          <spiffworkflow:property name="stage"'))
    [problem] = problems_of(xml)
    assert (problem.code, problem.tag, problem.element_id, problem.element_name) == (
        "form_key_unknown", "userTask", "register", "受理登记")
    assert problem.line == line_of(xml, '<bpmn:userTask id="register"') and problem.column is None
    assert problem.message.code == "form_key_unknown" and problem.message.params["form_key"] == "nope"
    assert str(problem).startswith(f"line {problem.line}: userTask 'register' (受理登记): form key 'nope' does not exist")


def test_every_problem_is_reported_at_once():
    body = BASE.replace('targetRef="end" />', 'targetRef="gw" />') + """
    <bpmn:exclusiveGateway id="gw" name="分流" default="f_end" />
    <bpmn:sequenceFlow id="f_end" sourceRef="gw" targetRef="end" />
    <bpmn:sequenceFlow id="f_bad" name="坏条件" sourceRef="gw" targetRef="calc">
      <bpmn:conditionExpression>open('/tmp/x').read()</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:scriptTask id="calc" name="计算"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f_calc" sourceRef="calc" targetRef="mail" />
    <bpmn:serviceTask id="mail" name="发信" />
    <bpmn:sequenceFlow id="f_mail" sourceRef="mail" targetRef="end" />
""" + ORPHAN
    problems = problems_of(doc(body))
    found = {(p.code, p.element_id) for p in problems}
    assert found >= {("expression_refused", "f_bad"), ("script_task", "calc"), ("operator_missing", "mail"),
                     ("unreachable", "orphan")}, problems
    assert [p.line for p in problems] == sorted(p.line for p in problems)      # in the order of the file


def test_unreachable_elements_are_named():
    problems = problems_of(doc(BASE + ORPHAN, lane=("register", "orphan")))
    assert [(p.code, p.element_id, p.element_name) for p in problems] == [("unreachable", "orphan", "孤立环节")]
    assert "cannot be reached from a start event" in str(problems[0])


BOUNDARY = """
    <bpmn:boundaryEvent id="late" name="超时" attachedToRef="{host}">
      <bpmn:timerEventDefinition id="late_timer"><bpmn:timeDuration>'P1D'</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f_late" sourceRef="late" targetRef="end" />
"""


def test_a_boundary_event_is_reachable_when_its_host_is():
    assert validate(doc(BASE + BOUNDARY.format(host="register"))).process_id == "mini"
    problems = problems_of(doc(BASE + ORPHAN + BOUNDARY.format(host="orphan"), lane=("register", "orphan")))
    assert {(p.code, p.element_id) for p in problems} == {("unreachable", "orphan"), ("unreachable", "late")}


def test_unsupported_element_types_are_named_with_their_type():
    body = BASE.replace('targetRef="end" />', 'targetRef="cx" />') + """
    <bpmn:complexGateway id="cx" name="复杂" />
    <bpmn:sequenceFlow id="f_cx" sourceRef="cx" targetRef="rules" />
    <bpmn:businessRuleTask id="rules" name="规则" />
    <bpmn:sequenceFlow id="f_rules" sourceRef="rules" targetRef="end" />
    <bpmn:boundaryEvent id="undo" attachedToRef="register">
      <bpmn:compensateEventDefinition id="undo_def" />
    </bpmn:boundaryEvent>
"""
    problems = [p for p in problems_of(doc(body)) if p.code == "unsupported_element"]
    named = {p.element_id: str(p) for p in problems}
    assert set(named) == {"cx", "rules", "undo"}, problems
    assert "complexGateway 'cx' (复杂): complexGateway is not supported here" in named["cx"]
    assert "businessRuleTask 'rules' (规则): businessRuleTask is not supported here: decision tables" in named["rules"]
    assert "compensateEventDefinition in boundaryEvent 'undo': compensateEventDefinition is not supported" in named["undo"]


def test_missing_start_and_end_events_are_named_per_process():
    body = BASE.replace('<bpmn:startEvent id="start" name="诉求" />', "").replace('sourceRef="start" ', 'sourceRef="sub" ')
    body += """
    <bpmn:subProcess id="sub" name="子流程">
      <bpmn:startEvent id="sub_start" />
      <bpmn:sequenceFlow id="f_sub" sourceRef="sub_start" targetRef="sub_task" />
      <bpmn:task id="sub_task" />
    </bpmn:subProcess>
"""
    problems = problems_of(doc(body))
    found = {(p.code, p.element_id, p.element_name) for p in problems}
    assert ("no_start_event", "mini", "小流程") in found and ("no_end_event", "sub", "子流程") in found, problems
    assert not any(p.code == "unreachable" for p in problems if p.element_id != "sub_task")


def test_sequence_flows_without_id_are_named():
    xml = doc(BASE.replace('<bpmn:sequenceFlow id="f2" ', "<bpmn:sequenceFlow "))
    [problem] = problems_of(xml)
    assert (problem.code, problem.tag, problem.owner_tag, problem.element_id) == ("id_missing", "sequenceFlow",
                                                                                  "process", "mini")
    assert str(problem).startswith(f"line {problem.line}: sequenceFlow in process 'mini' (小流程): has no id")


def test_the_api_gives_the_problems_as_objects(api):
    before = db.session.execute(select(func.count()).select_from(ProcessVersion)).scalar()
    xml = doc(BASE + ORPHAN, lane=("register", "orphan"))
    res = api("admin").post("/api/v1/process-versions", data=xml, headers={"Content-Type": "application/xml"})
    assert res.status_code == 422 and res.json["error"] == "definition_invalid"
    [problem] = res.json["problems"]
    assert {k: problem[k] for k in ("code", "line", "column", "tag", "element_id", "element_name")} == {
        "code": "unreachable", "line": line_of(xml, 'id="orphan"'), "column": None, "tag": "userTask",
        "element_id": "orphan", "element_name": "孤立环节"}
    assert problem["message"] == "cannot be reached from a start event by sequence flows"
    assert res.json["errors"]["definition"] == [problem["text"]]          # the English lines, as before
    assert db.session.execute(select(func.count()).select_from(ProcessVersion)).scalar() == before


def test_a_page_says_each_problem_in_chinese(app):
    from api.pages.bpmn_problems import problem_line

    xml = doc(BASE.replace('value="intake" />\n          <spiffworkflow:property name="stage"',
                           'value="nope" />\n          <spiffworkflow:property name="stage"'))
    nameless = doc(BASE.replace('<bpmn:userTask id="register" name="受理登记">', '<bpmn:userTask id="register">'),
                   lane=())
    with app.test_request_context():
        [said] = [problem_line(p) for p in problems_of(xml)]
        [unnamed] = [problem_line(p) for p in problems_of(nameless)]
    line = line_of(xml, '<bpmn:userTask id="register"')
    assert said.startswith(f"第{line}行 用户任务 register（受理登记）：表单 nope 不存在；已有表单：") and "intake" in said
    assert unnamed.startswith(f"第{line}行 用户任务 register：不在任何泳道中；请放入以角色命名的泳道（"), unnamed


def test_a_part_of_an_element_is_said_with_its_element(app):
    from api.pages.bpmn_problems import problem_line

    xml = doc(BASE.replace("<spiffworkflow:properties>", "<spiffworkflow:preScript>x = 1</spiffworkflow:preScript>"
                                                        "<spiffworkflow:properties>"))
    [problem] = problems_of(xml)
    with app.test_request_context():
        said = problem_line(problem)
    assert said.startswith(f"第{problem.line}行 用户任务 register（受理登记）中的 spiffworkflow:preScript：不允许使用前置/后置脚本")


def test_the_error_page_of_an_uncaught_refusal_lists_the_problems_in_chinese(app):
    from api.errors import _page_text
    from engine.errors import DefinitionInvalid

    problems = problems_of(doc(BASE + ORPHAN, lane=("register", "orphan")))
    with app.test_request_context():
        text = _page_text(DefinitionInvalid(problems))
    assert text.startswith("流程定义未通过检查：第") and "用户任务 orphan（孤立环节）：从开始事件沿顺序流无法到达" in text


def test_the_corpus_names_unsupported_types_and_missing_start_events():
    unsupported = problems_of((CORPUS / "spiff_invalid_Unsupported-Task.bpmn20.xml").read_bytes())
    assert any(p.code == "unsupported_element" and p.element_id == "sid-75EEAB28-3B69-4282-B91A-0F3C97931834"
               and p.element_name == "Business Rule Task" and "businessRuleTask is not supported" in str(p)
               for p in unsupported), unsupported
    no_start = problems_of((CORPUS / "spiff_invalid_No-Start-Event.bpmn20.xml").read_bytes())
    assert any(p.code == "no_start_event" and p.element_id == "sid-669ddebf-4196-41ee-8b04-bcc90bc5f983"
               and p.element_name == "No Start Event" and p.line == 10 for p in no_start), no_start
    unreachable = problems_of((CORPUS / "flowable_TaskDueDateExtensionsTest.testDueDateExtension.bpmn20.xml").read_bytes())
    assert any(p.code == "unreachable" and p.element_id == "theEnd" for p in unreachable)    # the join leads nowhere
