"""Each task page shows what its decision needs, says what was done, and goes back where the user
came from; the overtime report is offered only when it is due."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select, update

from engine.cases import actions
from engine.db import db
from engine.models import Case, WorkItem
from engine.ports import now as clock_now
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.factories import open_case, to_handling


def item_of(case_id: int, form_key: str) -> int:
    return db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case_id, WorkItem.form_key == form_key,
                                                        WorkItem.state == "open")).scalar_one()


def facts(client, item_id: int) -> str:
    page = client.get(f"/work-items/{item_id}").get_data(as_text=True)
    found = re.search(r'<dl class="facts decision" id="decision-facts">(.*?)</dl>', page, re.S)
    return found.group(1) if found else ""


def dispatched(actor, dept, **extra):
    case = open_case(actor("agent"))
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    actions.dispatch(case_id=case.id, actor=actor("dispatcher"), lead_department_id=dept("dh_hb"), **extra)
    return case


def test_sign_for_shows_the_dispatch_and_why_a_return_was_refused(signin, actor, dept):
    case = dispatched(actor, dept, mode="assign", instruction="请市长热线专班督办", opinion="请三日内核实")
    handler = signin("dh_hb_handler")
    shown = facts(handler, item_of(case.id, "sign_for"))
    assert "交办" in shown and "请市长热线专班督办" in shown and "请三日内核实" in shown
    res = handler.post(f"/work-items/{item_of(case.id, 'sign_for')}", data={
        "csrf_token": csrf(handler, "/inbox"), "decision": "return", "reason": "不属于街道职责"})
    assert res.status_code == 302
    flashed = handler.get("/inbox").get_data(as_text=True)
    assert "已退回中心" in flashed and "已完成" not in flashed
    actions.decide_return(case_id=case.id, actor=actor("dispatcher"), approved=False, opinion="属于街道职责，请签收")
    again = facts(handler, item_of(case.id, "sign_for"))
    assert "不属于街道职责" in again and "属于街道职责，请签收" in again


def test_the_reply_form_shows_every_co_departments_opinion(signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb", co=("zjj", "scj"))
    actions.submit_opinion(case_id=case.id, actor=actor("zjj_handler"), department_id=dept("zjj"), opinion="已现场核查")
    shown = facts(signin("dh_hb_handler"), item_of(case.id, "handle"))
    assert "已现场核查" in shown and "尚未提交" in shown          # 市场监管局 has not answered yet


def test_a_console_decision_goes_back_to_the_console(signin, actor, dept):
    case = open_case(actor("agent"))
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    dispatcher = signin("dispatcher")
    console = dispatcher.get("/dispatch").get_data(as_text=True)
    assert f"/work-items/{item_of(case.id, 'dispatch')}?next=/dispatch" in console
    res = dispatcher.post(f"/work-items/{item_of(case.id, 'dispatch')}?next=/dispatch", data={
        "csrf_token": csrf(dispatcher, "/dispatch"), "next": "/dispatch", "mode": "transfer",
        "lead_department_id": str(dept("dh_hb"))})
    assert res.status_code == 302 and res.location.endswith("/dispatch")
    other = open_case(actor("agent"))
    actions.triage(case_id=other.id, actor=actor("agent"), decision="dispatch")
    off_site = dispatcher.post(f"/work-items/{item_of(other.id, 'dispatch')}", data={
        "csrf_token": csrf(dispatcher, "/dispatch"), "next": "//evil.example/x", "mode": "transfer",
        "lead_department_id": str(dept("dh_hb"))})
    assert off_site.status_code == 302 and off_site.location.endswith("/inbox")     # never off-site


def test_the_overtime_report_form_is_offered_only_on_an_overdue_case(signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    handler = signin("dh_hb_handler")
    assert 'id="overtime-form"' not in handler.get(f"/cases/{case.id}").get_data(as_text=True)
    db.session.execute(update(Case).where(Case.id == case.id).values(due_at=clock_now() - timedelta(days=1)))
    db.session.commit()
    assert 'id="overtime-form"' in handler.get(f"/cases/{case.id}").get_data(as_text=True)
