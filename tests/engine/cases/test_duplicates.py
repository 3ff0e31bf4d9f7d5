"""Duplicate suggestions at intake and the caller's history (engine/cases/duplicates.py)."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from engine.cases import actions
from engine.cases.duplicates import caller_history, dice, suggest, text_bigrams
from engine.db import db
from engine.errors import PermissionDenied
from engine.models import Case
from engine.ports import now as clock_now
from tests.factories import open_case

UNRELATED = {"title": "咨询社保缴费", "content": "想问一下灵活就业人员社保怎么交。"}


def _age(case, days: int) -> None:
    db.session.execute(update(Case).where(Case.id == case.id)
                       .values(created_at=clock_now() - timedelta(days=days)))
    db.session.commit()


def _found(actor, **typed) -> dict[str, list[str]]:
    """case_no -> reasons, best first."""
    return {s.case_no: s.reasons for s in suggest(actor=actor, **typed)}


def test_same_phone_within_the_window_however_it_is_typed(actor):
    agent = actor("agent")
    recent = open_case(agent, **UNRELATED)
    old = open_case(agent, **UNRELATED)
    _age(old, 40)
    other = open_case(agent, phone="13900139000", **UNRELATED)
    found = _found(agent, phone="138 0013 8000")
    assert found == {recent.case_no: ["phone"]}
    assert old.case_no in _found(agent, phone="13800138000", days=60)
    assert other.case_no not in found


def test_a_paraphrase_sharing_a_phrase_matches_unrelated_text_does_not(actor):
    agent = actor("agent")
    lift = open_case(agent, phone="13900000001", address="")           # 小区电梯长期故障 …
    noise = open_case(agent, phone="13900000002", address="", title="夜间施工噪音扰民",
                      content="工地每天晚上施工到凌晨，影响休息。")
    found = suggest(actor=agent, phone="13700000000", category="complaint",
                    title="新苑小区电梯故障", content="电梯坏了一个多月，物业一直不修。")
    assert [(s.case_no, s.reasons) for s in found] == [(lift.case_no, ["text"])]
    assert 0.25 <= found[0].similarity <= 1
    assert noise.case_no not in _found(agent, category="complaint", title="小区停车位不足",
                                       content="小区停车难，请求增设停车位。")
    assert _found(agent, category="complaint", title="咨询社保缴费", content="灵活就业人员社保怎么交") == {}


def test_text_is_compared_within_the_category(actor):
    agent = actor("agent")
    open_case(agent, phone="13900000001", address="")
    assert _found(agent, category="consult", title="小区电梯故障", content="电梯坏了一个多月无人维修") == {}


def test_same_address_and_category(actor):
    agent = actor("agent")
    case = open_case(agent, phone="13900000001", **UNRELATED)   # 东湖区湖滨街道新苑小区3栋, complaint
    typed = dict(phone="13700000000", title="楼道灯不亮", content="楼道灯坏了两周。")
    assert _found(agent, category="complaint", address="东湖区湖滨街道新苑小区3栋", **typed) == {
        case.case_no: ["address"]}
    assert _found(agent, category="complaint", address="新苑小区3栋", **typed) == {case.case_no: ["address"]}
    assert _found(agent, category="help", address="东湖区湖滨街道新苑小区3栋", **typed) == {}
    assert _found(agent, category="complaint", address="东湖区", **typed) == {}   # too vague to mean a place


def test_closed_cases_are_not_suggested_but_stay_in_the_history(actor):
    agent = actor("agent")
    closed = open_case(agent)
    actions.triage(case_id=closed.id, actor=agent, decision="direct_answer", answer="已答复。")
    assert _found(agent, phone="13800138000", category="complaint", title="小区电梯长期故障",
                  address="东湖区湖滨街道新苑小区3栋") == {}
    [row] = caller_history(actor=agent, phone="13800138000")
    assert (row.case_no, row.status, row.outcome) == (closed.case_no, "closed", "direct_answer")


def test_more_reasons_rank_first_and_each_case_appears_once(actor):
    agent = actor("agent")
    text_only = open_case(agent, phone="13900000001", address="")
    everything = open_case(agent)
    found = suggest(actor=agent, phone="13800138000", category="complaint", title="小区电梯长期故障",
                    content="电梯故障一个多月无人维修", address="东湖区湖滨街道新苑小区3栋")
    assert [s.case_no for s in found] == [everything.case_no, text_only.case_no]
    assert found[0].reasons == ["phone", "text", "address"] and found[1].reasons == ["text"]
    assert len(suggest(actor=agent, phone="13800138000", limit=1)) == 1


def test_caller_history_is_newest_first_with_any_status(actor):
    agent = actor("agent")
    first, second, third = (open_case(agent, title=f"第{i}次来电") for i in range(3))
    _age(first, 100)
    _age(third, 1)
    actions.triage(case_id=second.id, actor=agent, decision="not_accepted", not_accepted_reason="duplicate")
    open_case(agent, phone="13900139000")
    history = caller_history(actor=agent, phone="13800138000")
    assert [h.case_no for h in history] == [second.case_no, third.case_no, first.case_no]
    assert [h.status for h in history] == ["closed", "registered", "registered"]
    assert len(caller_history(actor=agent, phone="13800138000", limit=2)) == 2
    assert caller_history(actor=agent, phone="") == []


def test_only_desk_roles_may_ask(actor):
    with pytest.raises(PermissionDenied):
        suggest(actor=actor("dh_hb_handler"), phone="13800138000")
    with pytest.raises(PermissionDenied):
        caller_history(actor=actor("visitor"), phone="13800138000")
    assert suggest(actor=actor("shift_lead"), phone="13800138000") == []


def test_bigrams_ignore_punctuation_and_do_not_span_title_and_content():
    assert text_bigrams("电梯，故障", "") == {"电梯", "梯故", "故障"}
    assert "障维" not in text_bigrams("电梯故障", "维修")
    assert dice(set(), {"电梯"}) == 0.0 and dice({"电梯"}, {"电梯"}) == 1.0
