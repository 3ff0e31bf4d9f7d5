"""One test per path through workflows/case_handling.bpmn, driven through the services."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions, service as cases, work_items
from engine.db import db
from engine.deadlines import service as deadlines
from engine.errors import PermissionDenied, ValidationFailed, WrongState
from engine.models import Case, CaseDepartment, CaseEvent, WorkItem
from tests.factories import open_case, to_handling


def open_items(case_id):
    return db.session.execute(select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.state == "open")
                              .order_by(WorkItem.id)).scalars().all()


def events(case_id):
    return [e.action for e in db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                                 .order_by(CaseEvent.id)).scalars()]


def finish(case_id, actor, *, lead="dh_hb", approve=False):
    """Reply, (approve), review and a satisfied visit: the case is archived."""
    actions.reply(case_id=case_id, actor=actor(f"{lead}_handler"), result="resolved", reply_text="已处理完毕。")
    if approve:
        actions.approve_reply(case_id=case_id, actor=actor(f"{lead}_leader"), approved=True)
    actions.review(case_id=case_id, actor=actor("dispatcher"), passed=True)
    return actions.visit(case_id=case_id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)


def test_intake_lands_in_triage_with_number_and_query_code(actor):
    case = open_case(actor("agent"))
    assert case.case_no.startswith("GD") and len(case.case_no) == 16 and case.case_no.endswith("000001")
    assert len(case.query_code) == 10
    assert (case.status, case.stage) == ("registered", "triage")
    [item] = open_items(case.id)
    assert (item.task_name, item.role, item.department_id) == ("triage", "agent", None)
    assert events(case.id) == ["intake"]
    second = open_case(actor("agent"))
    assert second.case_no.endswith("000002") and second.query_code != case.query_code


def test_direct_answer_closes_the_case(actor):
    case = open_case(actor("agent"), category="consult")
    case = actions.triage(case_id=case.id, actor=actor("agent"), decision="direct_answer", answer="请到窗口办理。")
    assert (case.status, case.stage, case.outcome) == ("closed", "closed", "direct_answer")
    assert case.closed_at is not None and open_items(case.id) == []


def test_not_accepted_needs_a_reason_and_closes(actor):
    case = open_case(actor("agent"))
    with pytest.raises(ValidationFailed) as err:
        actions.triage(case_id=case.id, actor=actor("agent"), decision="not_accepted")
    assert "not_accepted_reason" in err.value.errors
    case = actions.triage(case_id=case.id, actor=actor("agent"), decision="not_accepted",
                          not_accepted_reason="emergency", note="已告知拨打110")
    assert (case.status, case.outcome) == ("closed", "not_accepted")


def test_transfer_without_co_departments_to_archive(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    assert (case.status, case.stage, case.dispatch_mode) == ("handling", "handling", "transfer")
    assert case.lead_department_id == dept("xs_xs") and case.handle_due_at > case.sign_due_at
    [item] = open_items(case.id)
    assert (item.task_name, item.department_id, item.due_at) == ("handle", dept("xs_xs"), case.handle_due_at)
    case = actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已修复。")
    assert case.stage == "review"            # 西山街道 needs no leader approval
    case = actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    assert (case.status, case.stage) == ("visiting", "visit")
    case = actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    assert (case.status, case.outcome) == ("closed", "archived")
    assert events(case.id) == ["intake", "triage", "dispatch", "deadline_started", "sign_for",
                               "deadline_started", "handle", "review", "citizen_notified", "visit",
                               "citizen_notified"]      # told the reply at review, the closure at the visit


def test_assign_requires_a_leader_instruction(actor, dept):
    case = open_case(actor("agent"))
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    with pytest.raises(ValidationFailed) as err:
        actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="assign", lead_department_id=dept("zjj"))
    assert list(err.value.errors) == ["instruction"]
    case = actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="assign",
                            lead_department_id=dept("zjj"), instruction="市领导批示: 限期解决。")
    assert (case.dispatch_mode, case.stage) == ("assign", "sign_for")


def test_dispatch_refuses_unknown_center_and_duplicate_departments(actor, dept):
    case = open_case(actor("agent"))
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    for kwargs, field in [({"lead_department_id": 99999}, "lead_department_id"),
                          ({"lead_department_id": dept("center")}, "lead_department_id"),
                          ({"lead_department_id": dept("zjj"), "co_department_ids": [dept("zjj")]}, "co_department_ids")]:
        with pytest.raises(ValidationFailed) as err:
            actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer", **kwargs)
        assert field in err.value.errors
    assert db.session.get(type(case), case.id).stage == "dispatch"   # nothing half-done


def test_return_approved_goes_back_to_dispatch_and_redispatches(actor, dept):
    case = open_case(actor("agent"))
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer", lead_department_id=dept("scj"))
    with pytest.raises(ValidationFailed):
        actions.return_case(case_id=case.id, actor=actor("scj_handler"), reason="")
    case = actions.return_case(case_id=case.id, actor=actor("scj_handler"), reason="非本单位职责，应由住建部门办理")
    assert (case.stage, case.return_count) == ("return_review", 1)
    case = actions.decide_return(case_id=case.id, actor=actor("dispatcher"), approved=True)
    assert (case.stage, case.lead_department_id) == ("dispatch", None)
    case = actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer",
                            lead_department_id=dept("zjj"), co_department_ids=[dept("dh")])
    assert case.stage == "sign_for" and case.lead_department_id == dept("zjj")
    rows = db.session.execute(select(CaseDepartment).where(CaseDepartment.case_id == case.id)
                              .order_by(CaseDepartment.id)).scalars().all()
    assert [(r.department_id, r.role, r.active, r.dispatch_round) for r in rows] == [
        (dept("scj"), "lead", False, 1), (dept("zjj"), "lead", True, 2), (dept("dh"), "co", True, 2)]
    with pytest.raises(PermissionDenied):     # the old department is out of the case
        cases.get_case(case_id=case.id, actor=actor("scj_handler"))
    case = actions.sign_for(case_id=case.id, actor=actor("zjj_handler"))
    assert case.stage == "handling"


def test_return_rejected_goes_back_to_the_same_department(actor, dept):
    case = open_case(actor("agent"))
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer", lead_department_id=dept("scj"))
    actions.return_case(case_id=case.id, actor=actor("scj_handler"), reason="不属于我局")
    with pytest.raises(ValidationFailed) as err:
        actions.decide_return(case_id=case.id, actor=actor("dispatcher"), approved=False)
    assert "opinion" in err.value.errors
    case = actions.decide_return(case_id=case.id, actor=actor("dispatcher"), approved=False,
                                 opinion="属于食品安全监管职责，请签收办理")
    assert (case.stage, case.lead_department_id) == ("sign_for", dept("scj"))
    [item] = open_items(case.id)
    assert (item.task_name, item.department_id) == ("sign_for", dept("scj"))


def test_two_extension_requests_one_approved_one_refused(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    due = case.handle_due_at
    case = actions.request_extension(case_id=case.id, actor=actor("xs_xs_handler"), days=5, reason="需现场勘查")
    assert case.stage == "extension_review"
    case = actions.decide_extension(case_id=case.id, actor=actor("leader"), approved=True)
    assert case.stage == "handling" and case.extension_count == 1
    assert (case.handle_due_at - due).days == 7          # 5 working days = one week here
    [item] = open_items(case.id)
    assert item.due_at == case.handle_due_at
    actions.request_extension(case_id=case.id, actor=actor("xs_xs_handler"), days=3, reason="等待检测报告")
    case = actions.decide_extension(case_id=case.id, actor=actor("leader"), approved=False, opinion="时限内办结")
    assert case.extension_count == 1 and (case.handle_due_at - due).days == 7
    assert events(case.id).count("due_changed") == 1
    assert finish(case.id, actor, lead="xs_xs").outcome == "archived"


def test_extension_decision_needs_the_center_leader(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    actions.request_extension(case_id=case.id, actor=actor("xs_xs_handler"), days=2, reason="材料不全")
    with pytest.raises(PermissionDenied):
        actions.decide_extension(case_id=case.id, actor=actor("xs_xs_leader"), approved=True)


def test_reply_needs_department_leader_approval_where_required(actor, dept):
    case = to_handling(actor, dept, lead="zjj")              # 住建局 requires reply approval
    case = actions.reply(case_id=case.id, actor=actor("zjj_handler"), result="explained", reply_text="初稿")
    assert case.stage == "reply_approval"
    with pytest.raises(PermissionDenied):
        actions.approve_reply(case_id=case.id, actor=actor("zjj_handler"), approved=True)
    case = actions.approve_reply(case_id=case.id, actor=actor("zjj_leader"), approved=False, opinion="补充依据")
    assert case.stage == "handling"
    actions.reply(case_id=case.id, actor=actor("zjj_handler"), result="explained", reply_text="修改稿")
    case = actions.approve_reply(case_id=case.id, actor=actor("zjj_leader"), approved=True)
    assert case.stage == "review"


def test_co_handling_with_three_departments(actor, dept):
    case = to_handling(actor, dept, lead="dh", co=("zjj", "scj", "cgj"))
    items = open_items(case.id)
    assert sorted((i.task_name, i.department_id) for i in items) == sorted(
        [("handle", dept("dh"))] + [("co_opinion", dept(c)) for c in ("zjj", "scj", "cgj")])
    for code in ("zjj", "scj"):
        actions.submit_opinion(case_id=case.id, actor=actor(f"{code}_handler"), department_id=dept(code),
                               opinion=f"{code} 已配合核查")
    with pytest.raises(PermissionDenied):     # a co-department cannot answer for another
        actions.submit_opinion(case_id=case.id, actor=actor("scj_handler"), department_id=dept("cgj"), opinion="x")
    case = actions.reply(case_id=case.id, actor=actor("dh_handler"), result="resolved", reply_text="已协调解决")
    case = actions.approve_reply(case_id=case.id, actor=actor("dh_leader"), approved=True)
    assert case.stage == "handling"           # the join waits for the last co-department
    actions.submit_opinion(case_id=case.id, actor=actor("cgj_handler"), department_id=dept("cgj"), opinion="已清理")
    case = db.session.get(type(case), case.id)
    assert case.stage == "review"
    opinions = db.session.execute(select(CaseDepartment.department_id, CaseDepartment.opinion).where(
        CaseDepartment.case_id == case.id, CaseDepartment.role == "co")).all()
    assert {d: o for d, o in opinions} == {dept("zjj"): "zjj 已配合核查", dept("scj"): "scj 已配合核查",
                                           dept("cgj"): "已清理"}


def test_review_failure_sends_the_case_back_to_handling(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs", co=("cgj",))
    actions.submit_opinion(case_id=case.id, actor=actor("cgj_handler"), department_id=dept("cgj"), opinion="同意")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="答复一")
    case = actions.review(case_id=case.id, actor=actor("dispatcher"), passed=False, opinion="答复未回应诉求")
    assert case.stage == "handling"
    assert sorted(i.task_name for i in open_items(case.id)) == ["co_opinion", "handle"]   # both again
    actions.submit_opinion(case_id=case.id, actor=actor("cgj_handler"), department_id=dept("cgj"), opinion="复核同意")
    assert finish(case.id, actor, lead="xs_xs").outcome == "archived"


def _to_visit(case, actor, dept, lead="xs_xs", co="cgj"):
    if co:
        actions.submit_opinion(case_id=case.id, actor=actor(f"{co}_handler"), department_id=dept(co), opinion="ok")
    actions.reply(case_id=case.id, actor=actor(f"{lead}_handler"), result="resolved", reply_text="答复")
    return actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)


def _dissatisfied(case, actor, **decision):
    return actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="dissatisfied", resolved=False,
                         note="市民表示问题仍未解决", **decision)


def test_dissatisfied_visit_reopens_until_the_limit(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs", co=("cgj",))
    for round_no in range(2):
        _to_visit(case, actor, dept)
        case = _dissatisfied(case, actor, decision="reopen")
        assert (case.stage, case.reopen_count) == ("handling", round_no + 1)
    _to_visit(case, actor, dept)
    with pytest.raises(ValidationFailed) as err:      # the third reopen is over the limit (2)
        _dissatisfied(case, actor, decision="reopen")
    assert "decision" in err.value.errors
    case = _dissatisfied(case, actor, decision="close", close_reason="已穷尽办理手段，诉求超出政策范围")
    assert (case.stage, case.outcome, case.reopen_count) == ("close_review", None, 2)


def test_a_dissatisfied_visit_never_archives_by_default(actor, dept):
    """The visit record and an explicit decision are required; nothing closes the case silently."""
    case = to_handling(actor, dept, lead="xs_xs")
    _to_visit(case, actor, dept, co=None)
    for missing in ({}, {"note": "市民不满意"}, {"decision": "close"}):
        with pytest.raises(ValidationFailed) as err:
            actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="dissatisfied", resolved=False,
                          **missing)
        assert set(err.value.errors) & {"note", "decision", "close_reason"}, missing
    assert db.session.get(Case, case.id, populate_existing=True).stage == "visit"


def test_closing_a_dissatisfied_case_waits_for_a_center_leader(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    _to_visit(case, actor, dept, co=None)
    case = _dissatisfied(case, actor, decision="close", close_reason="诉求超出政策范围，已解释")
    assert (case.status, case.stage, case.outcome) == ("visiting", "close_review", None)
    with pytest.raises(PermissionDenied):
        actions.confirm_close(case_id=case.id, actor=actor("visitor"), confirmed=True)
    case = actions.confirm_close(case_id=case.id, actor=actor("leader"), confirmed=True)
    assert (case.status, case.outcome, case.reopen_count) == ("closed", "archived", 0)
    events = [e.action for e in cases.list_events(case_id=case.id, actor=actor("dispatcher"))]
    assert events[-3:] == ["visit", "confirm_close", "citizen_notified"]


def test_a_refused_close_goes_back_to_handling(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    _to_visit(case, actor, dept, co=None)
    _dissatisfied(case, actor, decision="close", close_reason="市民要求不合理")
    with pytest.raises(ValidationFailed) as err:       # refusing needs an opinion
        actions.confirm_close(case_id=case.id, actor=actor("leader"), confirmed=False)
    assert "opinion" in err.value.errors
    case = actions.confirm_close(case_id=case.id, actor=actor("leader"), confirmed=False, opinion="请再次上门核实")
    assert (case.stage, case.reopen_count) == ("handling", 1)
    assert [d.stage for d in deadlines.of_case(case.id) if d.state == "open"] == ["handling"]


def test_satisfied_visit_cannot_reopen(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="答复")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    with pytest.raises(ValidationFailed) as err:
        actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True,
                      decision="reopen")
    assert "decision" in err.value.errors


def test_urges_count_land_in_the_inbox_and_are_answered(actor, dept):
    from engine.cases import urges
    case = open_case(actor("agent"))
    with pytest.raises(WrongState):                  # nobody holds it yet
        urges.urge(case_id=case.id, actor=actor("supervisor"), data={"opinion": "请加快"})
    case = to_handling(actor, dept, lead="xs_xs")
    with pytest.raises(PermissionDenied):
        urges.urge(case_id=case.id, actor=actor("agent"), data={"opinion": "x"})
    for n in range(1, 4):
        urge = urges.urge(case_id=case.id, actor=actor("supervisor"), data={"opinion": f"第{n}次督办"})
        assert urge.seq == n
    case = db.session.get(type(case), case.id)
    assert case.urge_count == 3 and case.stage == "handling"
    urge_items = [i for i in open_items(case.id) if i.kind == "urge"]
    assert [(i.role, i.department_id) for i in urge_items] == [("handler", dept("xs_xs"))] * 3
    work_items.complete(item_id=urge_items[0].id, actor=actor("xs_xs_handler"), data={"response": "正在处理"})
    assert len([i for i in open_items(case.id) if i.kind == "urge"]) == 2
    assert events(case.id).count("urge") == 3 and "urge_answered" in events(case.id)
    finish(case.id, actor, lead="xs_xs")
    assert [i for i in open_items(case.id)] == []     # closing cancels unanswered urges


def test_completed_item_cannot_be_completed_again(actor, dept):
    case = open_case(actor("agent"))
    [item] = open_items(case.id)
    work_items.complete(item_id=item.id, actor=actor("agent"), data={"decision": "dispatch"})
    with pytest.raises(WrongState, match="done already"):
        work_items.complete(item_id=item.id, actor=actor("agent"), data={"decision": "dispatch"})
