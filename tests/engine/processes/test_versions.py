"""Process versions are immutable; a case finishes on the version it started on."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from engine.cases import actions
from engine.db import db
from engine.models import ProcessVersion, WorkItem
from engine.processes import lifecycle, versions as processes
from tests.factories import open_case

MODEL = (Path(__file__).resolve().parents[3] / "workflows" / "case_handling.bpmn").read_bytes()
# Version 2 adds a quality check (by the shift lead) between the center review and the visit.
V2 = MODEL.replace(
    b'<bpmn:sequenceFlow id="f_review_passed" sourceRef="gw_review" targetRef="visit" />',
    b'<bpmn:sequenceFlow id="f_review_passed" sourceRef="gw_review" targetRef="quality_check" />'
    b'<bpmn:userTask id="quality_check" name="quality check"><bpmn:extensionElements><spiffworkflow:properties>'
    b'<spiffworkflow:property name="formKey" value="review" /><spiffworkflow:property name="stage" value="review" />'
    b'</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
    b'<bpmn:sequenceFlow id="f_qc" sourceRef="quality_check" targetRef="visit" />'
).replace(b'<bpmn:flowNodeRef>review</bpmn:flowNodeRef>',
          b'<bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>quality_check</bpmn:flowNodeRef>')


def walk_to_review(actor, dept, case):
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer", lead_department_id=dept("xs_xs"))
    actions.sign_for(case_id=case.id, actor=actor("xs_xs_handler"))
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="ok")
    return actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)


def test_case_started_on_v1_finishes_on_v1_after_v2_is_loaded(actor, dept):
    old = open_case(actor("agent"))
    v1_id = old.process_version_id
    v2 = processes.load_version(xml=V2)
    assert v2.version == 2 and v2.id != v1_id and v2.state == "draft"
    assert processes.load_version(xml=V2).id == v2.id            # same bytes: no duplicate version
    assert open_case(actor("agent")).process_version_id == v1_id  # a draft starts no case
    lifecycle.publish(version_id=v2.id, actor=actor("designer"))
    new = open_case(actor("agent"))
    assert new.process_version_id == v2.id
    old = walk_to_review(actor, dept, old)
    assert old.stage == "visit"                                   # v1 has no quality check
    assert actions.visit(case_id=old.id, actor=actor("visitor"), satisfaction="satisfied",
                         resolved=True).outcome == "archived"
    new = walk_to_review(actor, dept, new)
    item = db.session.execute(select(WorkItem).where(WorkItem.case_id == new.id, WorkItem.state == "open")).scalar_one()
    assert item.task_name == "quality_check"
    stored = db.session.get(ProcessVersion, v1_id)
    assert stored.xml.encode() == MODEL and len(stored.sha256) == 64
