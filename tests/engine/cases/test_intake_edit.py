"""Correcting intake: the center's intake roles, open cases only, a reason, every change audited
with its old and new value; the category only before dispatch; a stale page is refused."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions, intake_edit
from engine.db import db
from engine.errors import PermissionDenied, StaleVersion, ValidationFailed, WrongState
from engine.models import CaseEvent
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.factories import open_case, to_handling


def edits(case_id: int) -> list[dict]:
    return [e.data for e in db.session.execute(select(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.action == "intake_edited").order_by(CaseEvent.id)).scalars()]


def test_an_edit_records_each_change_with_old_and_new(actor):
    case = open_case(actor("agent"), citizen_name="语音留言来电人", phone="13800138000")
    edited = intake_edit.edit_intake(case_id=case.id, actor=actor("agent"), reason="听取留言后补全",
                                     data={"citizen_name": "刘先生", "phone": "138-0013 8001", "title": case.title},
                                     expected_version=case.version)
    assert (edited.citizen_name, edited.phone, edited.version) == ("刘先生", "13800138001", 2)
    assert edits(case.id) == [{"changes": {"citizen_name": ["语音留言来电人", "刘先生"],
                                           "phone": ["13800138000", "13800138001"]}, "reason": "听取留言后补全"}]


def test_what_an_edit_may_not_do(actor, dept):
    case = open_case(actor("agent"))
    agent = actor("agent")
    with pytest.raises(ValidationFailed) as refused:                 # no reason
        intake_edit.edit_intake(case_id=case.id, actor=agent, data={"title": "新标题"}, reason=" ",
                                expected_version=None)
    assert "reason" in refused.value.errors
    with pytest.raises(ValidationFailed) as refused:                 # a required field emptied
        intake_edit.edit_intake(case_id=case.id, actor=agent, data={"title": ""}, reason="更正",
                                expected_version=None)
    assert "title" in refused.value.errors
    with pytest.raises(StaleVersion):                                # someone edited meanwhile
        intake_edit.edit_intake(case_id=case.id, actor=agent, data={"title": "新标题"}, reason="更正",
                                expected_version=case.version + 5)
    with pytest.raises(PermissionDenied):
        intake_edit.edit_intake(case_id=case.id, actor=actor("dh_hb_handler"), data={"title": "x"},
                                reason="更正", expected_version=None)
    dispatched = to_handling(actor, dept)
    with pytest.raises(ValidationFailed) as refused:                 # the category after dispatch
        intake_edit.edit_intake(case_id=dispatched.id, actor=agent, data={"category": "consult"}, reason="更正",
                                expected_version=None)
    assert "category" in refused.value.errors
    closed = open_case(agent)
    actions.triage(case_id=closed.id, actor=agent, decision="direct_answer", answer="已答复")
    with pytest.raises(WrongState):
        intake_edit.edit_intake(case_id=closed.id, actor=agent, data={"title": "x"}, reason="更正",
                                expected_version=None)
    assert edits(case.id) == edits(dispatched.id) == []


def test_the_page_edits_and_the_timeline_masks_for_departments(signin, actor, dept):
    case = to_handling(actor, dept, confidential=True, address="东湖区湖滨街道新苑小区3栋")
    agent = signin("agent")
    form = agent.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    assert 'name="_version"' in form and "诉求类型决定办理时限" in form
    posted = agent.post(f"/cases/{case.id}/edit", data={
        "csrf_token": csrf(agent, f"/cases/{case.id}/edit"), "_version": str(case.version),
        "category": case.category, "channel": case.channel, "citizen_name": "张三丰", "phone": case.phone,
        "title": case.title, "content": case.content, "address": "东湖区湖滨街道新苑小区5栋", "confidential": "true",
        "reason": "市民来电更正姓名和楼栋"})
    assert posted.status_code == 302
    center = agent.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "修改受理信息" in center and "张三 → 张三丰" in center and "原因：市民来电更正姓名和楼栋" in center
    handler = signin("dh_hb_handler").get(f"/cases/{case.id}").get_data(as_text=True)
    assert "张三丰" not in handler and "5栋" not in handler and "张* → 张**" in handler
    assert 'id="edit-intake"' not in handler and signin("dh_hb_handler").get(f"/cases/{case.id}/edit").status_code == 403
