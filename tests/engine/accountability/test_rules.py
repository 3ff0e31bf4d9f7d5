"""责任追究: each rule of seed 5 the facts show is recorded once, on hand-built cases, on the real
2026 National Day calendar (see tests/engine/deadlines/test_time_limit_rules.py: a consultation
signed for on Wed 9/23 is due Thu 10/8 17:30)."""
from __future__ import annotations

from sqlalchemy import select

from engine import accountability
from engine.cases import actions, overtime
from engine.db import db
from engine.models import AccountabilityRecord, CaseEvent, User
from tests.engine.deadlines.test_deadlines import at, clock, deadlines_of  # noqa: F401  (fixture)
from tests.engine.deadlines.test_time_limit_rules import HANDLER, consult, extended, replied
from tests.factories import open_case

NOTHING = {"overdue_no_extension": 0, "extension_told_late": 0, "delivered_late": 0, "returned_too_often": 0}


def find(clock, when):
    clock.at = when
    return accountability.detection.find()


def records():
    return db.session.execute(select(AccountabilityRecord).order_by(AccountabilityRecord.id)).scalars().all()


def user(login):
    return db.session.execute(select(User).where(User.username == login)).scalar_one()


def event_ids(case, action):
    return [e.id for e in db.session.execute(select(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == action).order_by(CaseEvent.id)).scalars()]


def lead_limit(case):
    return [d for d in deadlines_of(case.id, stage="handling") if d.role == "lead"][-1]


def test_overdue_without_an_extension_is_recorded_once_against_who_signed_for_it(actor, dept, clock):
    case = consult(actor, dept, clock)
    assert find(clock, at(2026, 10, 8, 17, 0)) == NOTHING                  # not due yet
    assert find(clock, at(2026, 10, 9, 9)) == {**NOTHING, "overdue_no_extension": 1}
    [record] = records()
    limit = lead_limit(case)
    [signed_for] = event_ids(case, "sign_for")
    assert (record.rule, record.case_id, record.deadline_id, record.subject) == (
        "overdue_no_extension", case.id, limit.id, f"deadline:{limit.id}")
    assert (record.person_id, record.department_id) == (user(HANDLER).id, dept("xs_xs"))
    assert record.evidence == [signed_for] and record.found_at == at(2026, 10, 9, 9)
    assert find(clock, at(2026, 10, 12, 9)) == NOTHING                     # a re-run adds nothing
    # Replying late (with its overtime report) closes the limit missed: still the same one record.
    overtime.submit(case_id=case.id, actor=actor(HANDLER), data={"reason": "忘记跟进", "measures": "每日检查"})
    actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text="已处理")
    assert find(clock, at(2026, 10, 13, 9)) == NOTHING and len(records()) == 1


def test_an_extension_asked_after_the_limit_is_recorded_against_who_asked(actor, dept, clock):
    case = consult(actor, dept, clock)
    extended(actor, case, clock, asked=at(2026, 10, 9, 9), decided=at(2026, 10, 9, 11))
    assert find(clock, at(2026, 10, 9, 12)) == {**NOTHING, "overdue_no_extension": 1, "extension_told_late": 1}
    asked, told = records()
    [late_ask, late_tell] = event_ids(case, "overtime_counted")
    assert (asked.rule, asked.person_id, asked.department_id) == ("overdue_no_extension", user(HANDLER).id, dept("xs_xs"))
    assert late_ask in asked.evidence and event_ids(case, "handle")[0] in asked.evidence
    assert (told.rule, told.person_id, told.department_id) == ("extension_told_late", user("leader").id,
                                                               user("leader").department_id)
    assert late_tell in told.evidence and event_ids(case, "decide_extension")[0] in told.evidence
    assert asked.deadline_id == told.deadline_id == lead_limit(case).id
    assert find(clock, at(2026, 10, 20, 9)) == NOTHING and len(records()) == 2


def test_an_extension_told_after_the_limit_is_recorded_against_who_approved_it(actor, dept, clock):
    case = consult(actor, dept, clock)
    extended(actor, case, clock, asked=at(2026, 10, 8, 9), decided=at(2026, 10, 9, 9))
    assert find(clock, at(2026, 10, 9, 10)) == {**NOTHING, "extension_told_late": 1}
    [record] = records()
    assert (record.rule, record.person_id, record.deadline_id) == ("extension_told_late", user("leader").id,
                                                                   lead_limit(case).id)
    assert find(clock, at(2026, 10, 9, 11)) == NOTHING


def test_a_decision_told_two_working_days_late_is_recorded_against_who_passed_it_on(actor, dept, clock):
    case = replied(actor, dept, clock)
    clock.at = at(2026, 10, 9, 9)
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    assert find(clock, at(2026, 10, 9, 10)) == {**NOTHING, "delivered_late": 1}
    [record] = records()
    [late] = event_ids(case, "overtime_counted")
    [review] = event_ids(case, "review")
    assert (record.rule, record.person_id, record.department_id) == (
        "delivered_late", user("dispatcher").id, user("dispatcher").department_id)
    assert {late, review} <= set(record.evidence) and record.deadline_id == lead_limit(case).id
    assert find(clock, at(2026, 10, 10, 10)) == NOTHING


def _dispatch_and_return(actor, dept, case, lead):
    center = actor("dispatcher")
    actions.dispatch(case_id=case.id, actor=center, mode="transfer", lead_department_id=dept(lead))
    actions.return_case(case_id=case.id, actor=actor(f"{lead}_handler"), reason="不属于本单位职责")
    actions.decide_return(case_id=case.id, actor=center, approved=True)


def test_a_case_returned_more_than_twice_is_recorded_against_its_dispatcher(actor, dept, clock):
    clock.at = at(2026, 11, 2, 9)
    case = open_case(actor("agent"), category="consult")
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    for lead in ("scj", "jtj"):
        _dispatch_and_return(actor, dept, case, lead)
    assert find(clock, at(2026, 11, 2, 11)) == NOTHING                     # twice is allowed
    _dispatch_and_return(actor, dept, case, "cgj")
    assert find(clock, at(2026, 11, 2, 12)) == {**NOTHING, "returned_too_often": 1}
    [record] = records()
    dispatches, decisions = event_ids(case, "dispatch"), event_ids(case, "decide_return")
    assert (record.rule, record.subject, record.person_id, record.department_id) == (
        "returned_too_often", "returns:3", user("dispatcher").id, user("dispatcher").department_id)
    assert record.evidence == [x for pair in zip(dispatches, decisions) for x in pair]
    assert find(clock, at(2026, 11, 2, 13)) == NOTHING


def test_a_compliant_case_records_nothing(actor, dept, clock):
    case = consult(actor, dept, clock, wants_sms_reply=True)
    case = extended(actor, case, clock, asked=at(2026, 10, 8, 9), decided=at(2026, 10, 8, 15))
    clock.at = at(2026, 10, 12, 10)
    actions.reply(case_id=case.id, actor=actor(HANDLER), result="resolved", reply_text="已处理")
    clock.at = at(2026, 10, 13, 9)                      # the next working day
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    assert find(clock, at(2026, 12, 1, 9)) == NOTHING and records() == []
