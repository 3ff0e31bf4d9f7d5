"""The process designer's day in Chromium: drop a changed case_handling.bpmn (a task renamed, a
task added with a form uploaded beside it) on the library, read the diff, publish, dry-run the
migration of the waiting cases, migrate them, and see a migrated case go on through the new step
(its own form) with the case page's diagram on the new task.

Screenshots: test-artifacts/screenshots/designer-*.png."""
from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.cases import actions
from engine.db import db
from engine.models import Case, ProcessVersion, WorkItem
from tests.browser.conftest import login, shot
from tests.engine.processes.test_versions import MODEL, walk_to_review
from tests.factories import open_case, to_handling

pytestmark = pytest.mark.browser

# v2: 回访 renamed 满意度回访; a quality check (its own form) between the center review and the visit.
CHANGED = MODEL.replace('name="回访"'.encode(), 'name="满意度回访"'.encode()).replace(
    b'<bpmn:sequenceFlow id="f_review_passed" sourceRef="gw_review" targetRef="visit" />',
    ('<bpmn:sequenceFlow id="f_review_passed" sourceRef="gw_review" targetRef="quality_check" />'
     '<bpmn:userTask id="quality_check" name="质量抽检"><bpmn:extensionElements><spiffworkflow:properties>'
     '<spiffworkflow:property name="formKey" value="quality_check" /><spiffworkflow:property name="stage" '
     'value="review" /></spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>'
     '<bpmn:sequenceFlow id="f_qc" sourceRef="quality_check" targetRef="visit" />').encode()
).replace(b'<bpmn:flowNodeRef>review</bpmn:flowNodeRef>',
          b'<bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>quality_check</bpmn:flowNodeRef>'
).replace(b"</bpmndi:BPMNPlane>",       # where a modeller would draw it: in the review lane, after review
          b'<bpmndi:BPMNShape id="quality_check_di" bpmnElement="quality_check">'
          b'<dc:Bounds x="2130" y="380" width="100" height="80" /></bpmndi:BPMNShape>'
          b'<bpmndi:BPMNEdge id="f_qc_di" bpmnElement="f_qc"><di:waypoint x="2180" y="460" />'
          b'<di:waypoint x="2180" y="1150" /></bpmndi:BPMNEdge></bpmndi:BPMNPlane>')
FORMS = {"quality_check": {"title": "质量抽检", "title_en": "Quality check", "fields": [
    {"name": "qc_passed", "type": "boolean", "label": "抽检合格", "required": True},
    {"name": "qc_note", "type": "text", "label": "抽检意见", "max_length": 500,
     "required_if": {"field": "qc_passed", "values": [False]}}]}}


def drop_file(page: Page, selector: str, name: str, data: bytes) -> None:
    """Drag a file onto the drop zone as a user would (a DataTransfer with the file in it)."""
    page.evaluate("""([selector, name, text]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], name, {type: "application/xml"}));
        const zone = document.querySelector(selector);
        zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: transfer, bubbles: true}));
        zone.dispatchEvent(new DragEvent("drop", {dataTransfer: transfer, bubbles: true}));
    }""", [selector, name, data.decode()])


def test_the_designer_changes_the_process_and_moves_the_waiting_cases(page: Page, actor, dept):
    # Long because it is one designer's whole task, then the migrated case going on.
    waiting = to_handling(actor, dept, lead="xs_xs")
    at_visit = walk_to_review(actor, dept, open_case(actor("agent")))
    waiting_id, waiting_no, visit_no = waiting.id, waiting.case_no, at_visit.case_no
    db.session.rollback()
    login(page, "designer")
    page.goto("/")
    expect(page.locator("h1")).to_contain_text("流程库")
    drop_file(page, "#dropzone", "case_handling_v2.bpmn", CHANGED)
    expect(page.locator("#dropzone-file")).to_have_text("case_handling_v2.bpmn")
    page.locator("input[name=forms]").set_input_files(files=[{
        "name": "forms.json", "mimeType": "application/json",
        "buffer": json.dumps(FORMS, ensure_ascii=False).encode()}])
    expect(page.locator("#forms-name")).to_have_text("forms.json")
    shot(page, "designer-upload")
    with page.expect_navigation():
        page.click("#upload-button")
    expect(page.locator("h1")).to_contain_text("v2")
    expect(page.locator("h1 .badge")).to_have_text("草稿")
    expect(page.locator("#own-forms")).to_contain_text("抽检合格")
    page.click("text=与第 1 版对比")
    diff = page.locator("#diff")
    expect(diff.locator('tr.added[data-id="quality_check"]')).to_contain_text("质量抽检")
    expect(diff.locator('tr.changed[data-id="visit"]')).to_contain_text("满意度回访")
    expect(diff.locator('tr.changed[data-id="f_review_passed"]')).to_contain_text("quality_check")
    shot(page, "designer-diff")
    page.click("text=返回第 2 版")
    page.fill("#publish-form input[name=reason]", "回访前增加质量抽检")
    with page.expect_navigation():
        page.click("#publish-form button")
    expect(page.locator(".flash.success")).to_contain_text("第 2 版已发布")
    expect(page.locator("#lifecycle")).to_contain_text("回访前增加质量抽检")
    page.click("#migrate-link")
    moves = page.locator("#moves")
    expect(moves.locator(f'tr[data-case="{waiting_no}"]')).to_contain_text("可迁移")
    expect(moves.locator(f'tr[data-case="{visit_no}"]')).to_contain_text("gw_review")      # why it stays
    shot(page, "designer-dry-run")
    with page.expect_navigation():
        page.click("#migrate-form button")
    expect(page.locator(".flash.success")).to_contain_text("1 件工单已迁移到第 2 版")
    expect(moves.locator(f'tr[data-case="{waiting_no}"]')).to_contain_text("已迁移")
    shot(page, "designer-migrated")
    db.session.rollback()
    v2 = db.session.execute(select(ProcessVersion.id).where(ProcessVersion.version == 2)).scalar_one()
    assert db.session.execute(select(Case.process_version_id).where(Case.id == waiting_id)).scalar() == v2
    db.session.rollback()

    # The migrated case goes on: the reply and review as before, then the new step with its own form.
    actions.reply(case_id=waiting_id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已处理")
    actions.review(case_id=waiting_id, actor=actor("dispatcher"), passed=True)
    item = db.session.execute(select(WorkItem.id).where(WorkItem.case_id == waiting_id, WorkItem.state == "open",
                                                        WorkItem.task_name == "quality_check")).scalar_one()
    db.session.rollback()
    page.context.clear_cookies()         # another user at the same browser
    login(page, "dispatcher")
    page.goto(f"/cases/{waiting_id}")
    expect(page.locator('.bpmn-diagram .djs-element[data-element-id="quality_check"]')).to_have_class(
        re.compile(r"\bdiagram-active\b"))
    shot(page, "designer-case-diagram")
    page.goto(f"/work-items/{item}")
    expect(page.locator("main")).to_contain_text("抽检合格")
    page.locator("input[name=qc_passed][value=false]").check()
    with page.expect_navigation():
        page.click("#task-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("抽检意见")                 # required when not passed
    page.locator("input[name=qc_passed][value=true]").check()
    with page.expect_navigation():
        page.click("#task-form button[type=submit]")
    db.session.rollback()
    assert db.session.execute(select(Case.stage).where(Case.id == waiting_id)).scalar() == "visit"
