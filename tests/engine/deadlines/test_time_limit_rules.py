"""Seed 5's time-limit rules to the letter (限时办结制, Articles 5-8), on the real 2026 calendar.

The calendar around National Day 2026: 9/24 Thu worked, 9/25-9/27 off (Mid-Autumn), 9/28-9/30
worked, 10/1-10/7 off, 10/8-10/10 worked (Sat 10/10 a make-up day), 10/11 off, 10/12 on.
A consultation signed for on Wed 9/23 has 5 working days: 9/24, 9/28, 9/29, 9/30, 10/8, so
it is due Thu 10/8 17:30 and "the working day before" is Wed 9/30, a week earlier.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions, natural, overtime
from engine.db import db
from engine.errors import WrongState
from engine.models import CaseEvent, NaturalCompletion, Notification
from tests.engine.deadlines.test_deadlines import at, clock, deadlines_of, signed  # noqa: F401  (fixture)
from tests.factories import open_case

HANDLER = "xs_xs_handler"


def consult(actor, dept, clock, **intake):
    case = signed(actor, dept, clock, at(2026, 9, 22, 10), at(2026, 9, 23, 9), category="consult", **intake)
    assert case.handle_due_at == at(2026, 10, 8, 17, 30)
    return case


def lead_state(case):
    return [d for d in deadlines_of(case.id, stage="handling") if d.role == "lead"][-1]


def sms(case, kind):
    return db.session.execute(select(Notification.body).where(
        Notification.case_id == case.id, Notification.kind == kind).order_by(Notification.id)).scalars().all()


def events(case, action):
    return [e.data for e in db.session.execute(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == action).order_by(CaseEvent.id)).scalars()]


# ---------------------------------------------------------------- Article 8: natural completion

@pytest.mark.parametrize("when", [at(2026, 9, 30, 10), at(2026, 10, 8, 16)], ids=["day_before", "due_day"])
def test_natural_completion_in_its_window_is_on_time_and_reported(actor, dept, clock, when):
    case = consult(actor, dept, clock)
    clock.at = when
    case = actions._act("handle", case.id, actor(HANDLER), {
        "action": "natural_completion", "natural_reason": "no_fees", "reply_text": "未按规定时间交纳费用，自然办结。"})
    assert case.stage == "review"
    assert lead_state(case).state == "natural"
    [report] = db.session.execute(select(NaturalCompletion).where(NaturalCompletion.case_id == case.id)).scalars()
    assert (report.reason, report.due_at, report.filed_at) == ("no_fees", at(2026, 10, 8, 17, 30), None)
    listed = natural.listing(actor=actor("leader"), filed=False)
    assert [i["case_no"] for i in listed.items] == [case.case_no]
    natural.file(actor=actor("leader"), natural_id=report.id, note="已阅，备案")
    with pytest.raises(WrongState):
        natural.file(actor=actor("leader"), natural_id=report.id)
    assert natural.listing(actor=actor("leader"), filed=False).total == 0
    assert events(case, "natural_filed") == [{"note": "已阅，备案"}]


def test_a_natural_completion_declared_in_time_stays_natural_when_approved_after_the_limit(actor, dept, clock):
    """The declaration is the decision (Article 8); the department leader's approval may come later."""
    case = signed(actor, dept, clock, at(2026, 9, 22, 10), at(2026, 9, 23, 9), lead="jtj", category="consult")
    clock.at = at(2026, 10, 8, 17)
    case = actions._act("handle", case.id, actor("jtj_handler"), {
        "action": "natural_completion", "natural_reason": "citizen_other", "reply_text": "申请人撤回补充。"})
    assert case.stage != "review" and lead_state(case).state == "open"       # waits for the leader
    clock.at = at(2026, 10, 9, 9)
    case = actions.approve_reply(case_id=case.id, actor=actor("jtj_leader"), approved=True)
    assert case.stage == "review" and lead_state(case).state == "natural"
    [report] = db.session.execute(select(NaturalCompletion).where(NaturalCompletion.case_id == case.id)).scalars()
    assert (report.reason, report.notice) == ("citizen_other", "申请人撤回补充。")


def test_natural_completion_before_its_window_is_refused(actor, dept, clock):
    case = consult(actor, dept, clock)
    clock.at = at(2026, 9, 29, 16)          # two working days before the due date
    with pytest.raises(WrongState, match="working day before") as refused:
        actions._act("handle", case.id, actor(HANDLER), {
            "action": "natural_completion", "natural_reason": "no_materials", "reply_text": "x"})
    assert refused.value.code == "natural_before_window"
    assert "2026-09-30 00:00" in str(refused.value) and "2026-10-08 17:30" in str(refused.value)
    assert lead_state(case).state == "open"


def test_natural_completion_after_the_limit_is_refused_and_the_case_is_overdue(actor, dept, clock):
    case = consult(actor, dept, clock)
    clock.at = at(2026, 10, 9, 9)           # one working day late
    with pytest.raises(WrongState) as refused:
        actions._act("handle", case.id, actor(HANDLER), {
            "action": "natural_completion", "natural_reason": "no_materials", "reply_text": "x"})
    assert refused.value.code == "natural_after_limit"
    with pytest.raises(WrongState, match="overtime report"):
        actions.reply(case_id=case.id, actor=actor(HANDLER), result="explained", reply_text="已解释")
    overtime.submit(case_id=case.id, actor=actor(HANDLER), data={"reason": "材料迟交", "measures": "加强提醒"})
    case = actions.reply(case_id=case.id, actor=actor(HANDLER), result="explained", reply_text="已解释")
    assert lead_state(case).state == "missed"
    assert db.session.execute(select(NaturalCompletion.id)).first() is None


def test_natural_reason_is_one_of_the_four(api, actor, dept, clock):
    case = consult(actor, dept, clock)
    clock.at = at(2026, 9, 30, 10)
    [item] = [i["id"] for i in api(HANDLER).get("/api/v1/work-items?scope=mine").json["items"]
              if i["case_id"] == case.id]
    res = api(HANDLER).post(f"/api/v1/work-items/{item}/complete", json={"data": {
        "action": "natural_completion", "natural_reason": "weather", "reply_text": "x"}})
    assert res.status_code == 422 and "natural_reason" in str(res.json)
    res = api(HANDLER).post(f"/api/v1/work-items/{item}/complete", json={"data": {
        "action": "natural_completion", "reply_text": "x"}})
    assert res.status_code == 422 and "natural_reason" in str(res.json)


# ---------------------------------------------------------------- Article 7: overtime whatever the due date says

def extended(actor, case, clock, *, asked, decided):
    """3 more working days, asked and approved at the given moments: from 10/8, 10/9, Sat 10/10
    (a make-up working day), 10/12 -> due Mon 10/12 17:30."""
    clock.at = asked
    actions.request_extension(case_id=case.id, actor=actor(HANDLER), days=3, reason="需现场核实")
    clock.at = decided
    case = actions.decide_extension(case_id=case.id, actor=actor("leader"), approved=True)
    assert case.handle_due_at == at(2026, 10, 12, 17, 30)
    return case


def test_an_extension_asked_and_told_in_time_keeps_the_limit(actor, dept, clock):
    case = consult(actor, dept, clock)
    case = extended(actor, case, clock, asked=at(2026, 10, 8, 9), decided=at(2026, 10, 8, 15))
    [told] = sms(case, "extension")
    assert "延期3个工作日" in told and "2026年10月12日17:30" in told and case.query_code in told
    assert events(case, "citizen_notified")[-1]["kind"] == "extension"
    assert case.query_code not in str(events(case, "citizen_notified"))       # staff see it masked
    clock.at = at(2026, 10, 12, 10)
    case = actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text="已处理")
    assert (lead_state(case).state, lead_state(case).overtime_cause) == ("met", None)


def test_an_extension_asked_one_day_late_is_overtime_whatever_the_new_date(actor, dept, clock):
    case = consult(actor, dept, clock)
    case = extended(actor, case, clock, asked=at(2026, 10, 9, 9), decided=at(2026, 10, 9, 11))
    assert lead_state(case).overtime_cause == "extension_asked_late"
    clock.at = at(2026, 10, 12, 10)                          # before the new due date
    with pytest.raises(WrongState, match="overtime report"):
        actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text="已处理")
    overtime.submit(case_id=case.id, actor=actor(HANDLER), data={"reason": "延期申请迟报", "measures": "每日检查时限"})
    case = actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text="已处理")
    assert lead_state(case).state == "missed"
    assert [e["cause"] for e in events(case, "overtime_counted")] == ["extension_asked_late", "extension_told_late"]


def test_an_extension_asked_in_time_but_told_after_the_limit_is_overtime(actor, dept, clock):
    case = consult(actor, dept, clock)
    case = extended(actor, case, clock, asked=at(2026, 10, 8, 9), decided=at(2026, 10, 9, 9))
    assert lead_state(case).overtime_cause == "extension_told_late"
    assert len(sms(case, "extension")) == 1
    clock.at = at(2026, 10, 12, 10)
    overtime.submit(case_id=case.id, actor=actor(HANDLER), data={"reason": "审批延误", "measures": "当日审批"})
    case = actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text="已处理")
    assert lead_state(case).state == "missed"


# ---------------------------------------------------------------- Article 7(3) and 送达: delivery within 1 working day

def replied(actor, dept, clock, **intake):
    case = consult(actor, dept, clock, **intake)
    clock.at = at(2026, 9, 30, 10)          # decided in time, the day before the holiday
    case = actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text="已安排维修，三日内完成。")
    assert lead_state(case).state == "met"
    return case


def test_a_decision_told_on_the_next_working_day_is_on_time(actor, dept, clock):
    case = replied(actor, dept, clock, wants_sms_reply=True)
    clock.at = at(2026, 10, 8, 16)          # after the seven-day holiday, the next working day
    case = actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    assert (lead_state(case).state, lead_state(case).overtime_cause) == ("met", None)
    [told] = sms(case, "reply")
    assert "已安排维修，三日内完成。" in told and case.query_code in told and case.case_no in told


def test_a_decision_told_on_the_second_working_day_is_overtime(actor, dept, clock):
    case = replied(actor, dept, clock)
    clock.at = at(2026, 10, 9, 9)           # the second working day after the decision
    case = actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    limit = lead_state(case)
    assert (limit.state, limit.overtime_cause) == ("missed", "delivered_late")
    [told] = sms(case, "reply")
    assert "答复内容可凭查询码查询" in told and "已安排维修" not in told     # no reply text unasked
    report = overtime.submit(case_id=case.id, actor=actor(HANDLER), data={"reason": "审核延误", "measures": "当日审核"})
    assert report.deadline_id == limit.id


def test_the_citizen_is_told_of_a_redispatch_and_of_closure(actor, dept, clock):
    clock.at = at(2026, 9, 22, 10)
    case = open_case(actor("agent"), category="consult")
    center = actor("dispatcher")
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    actions.dispatch(case_id=case.id, actor=center, mode="transfer", lead_department_id=dept("scj"))
    assert sms(case, "redispatch") == []                        # the first dispatch is not news
    actions.return_case(case_id=case.id, actor=actor("scj_handler"), reason="不属于本单位职责")
    actions.decide_return(case_id=case.id, actor=center, approved=True)
    actions.dispatch(case_id=case.id, actor=center, mode="transfer", lead_department_id=dept("xs_xs"))
    [told] = sms(case, "redispatch")
    assert "已改由" in told and case.query_code in told
    actions.sign_for(case_id=case.id, actor=actor(HANDLER))
    actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text="已答复")
    actions.review(case_id=case.id, actor=center, passed=True)
    case = actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    assert case.status == "closed"
    [closing] = sms(case, "closing")
    assert "已办结" in closing and case.case_no in closing
    kinds = [e["kind"] for e in events(case, "citizen_notified")]
    assert kinds == ["redispatch", "reply", "closing"]
    assert case.handling_kind == "committed"


def test_notice_templates_are_admin_parameters_checked_for_placeholders(api, actor, dept, clock):
    put = api("admin").put
    res = put("/api/v1/parameters/notice.extension", json={"value": "延期{days}天，{name}", "reason": "x"})
    assert res.status_code == 422 and "{name}" in str(res.json)
    res = put("/api/v1/parameters/notice.reply", json={"value": "已答复：{reply}", "reason": "x"})
    assert res.status_code == 422 and "{query_code}" in str(res.json)
    res = put("/api/v1/parameters/notice.reply", json={"value": "{reply.__class__}{query_code}", "reason": "x"})
    assert res.status_code == 422
    res = put("/api/v1/parameters/notice.extension",
              json={"value": "工单{case_no}延期{days}个工作日，新时限{due_date}，查询码{query_code}", "reason": "措辞"})
    assert res.status_code == 200
    case = consult(actor, dept, clock)
    extended(actor, case, clock, asked=at(2026, 10, 8, 9), decided=at(2026, 10, 8, 10))
    [told] = sms(case, "extension")
    assert told.endswith(f"工单{case.case_no}延期3个工作日，新时限2026年10月12日17:30，查询码{case.query_code}")


# ---------------------------------------------------------------- Articles 5 and 6: 即办件, 承诺件, the 30-day limit

def test_immediate_and_committed_cases_are_named(actor, dept, clock):
    answered = open_case(actor("agent"), category="consult")
    actions.triage(case_id=answered.id, actor=actor("agent"), decision="direct_answer", answer="工作日办理。")
    refused = open_case(actor("agent"))
    actions.triage(case_id=refused.id, actor=actor("agent"), decision="not_accepted",
                   not_accepted_reason="emergency")
    kinds = {c.id: c.handling_kind for c in (db.session.get(type(answered), answered.id),
                                             db.session.get(type(refused), refused.id))}
    assert kinds == {answered.id: "immediate", refused.id: None}
    assert consult(actor, dept, clock).handling_kind == "committed"


def test_a_report_has_thirty_working_days(actor, dept, clock):
    # from 9/24: 9/24, 9/28-9/30 (4), 10/8-10/10 (7), 10/12-16 (12), 10/19-23 (17), 10/26-30 (22),
    # 11/2-6 (27), 11/9, 11/10, 11/11 (30)
    case = signed(actor, dept, clock, at(2026, 9, 22, 10), at(2026, 9, 23, 9), category="report")
    [lead] = deadlines_of(case.id, stage="handling")
    assert (lead.working_days, lead.due_at) == (30, at(2026, 11, 11, 17, 30))
