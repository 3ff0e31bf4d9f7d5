"""Outbound campaigns in the engine: assignment, the retry rule, call-backs, states, the list's
validation and idempotent adding, re-visits from the cases waiting for their visit, callbacks,
click-to-call through the command table, and the scheduler's upkeep."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine import campaigns
from engine.cases import actions
from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed, WrongState
from engine.models import AgentStatus, CallRecord, CampaignAttempt, CampaignTarget, TelephonyCommand
from engine.ports import now as clock_now
from engine.telephony import call_center
from tests.engine.campaigns.fixtures import clean_campaigns, started, user_id  # noqa: F401  (fixture)
from tests.factories import to_handling

PHONES = [f"1380013{n:04d}" for n in range(1, 7)]


def _targets(campaign_id: int) -> list[CampaignTarget]:
    return list(db.session.execute(select(CampaignTarget).where(CampaignTarget.campaign_id == campaign_id)
                                   .order_by(CampaignTarget.id)).scalars())


def test_targets_are_shared_evenly(actor):
    row = started(actor("shift_lead"), agents={"agent": "", "dispatcher": "", "shift_lead": ""}, phones=PHONES)
    counts = {}
    for t in _targets(row.id):
        counts[t.agent_id] = counts.get(t.agent_id, 0) + 1
    assert sorted(counts.values()) == [2, 2, 2] and set(counts) == {user_id(u) for u in ("agent", "dispatcher", "shift_lead")}


def test_targets_go_by_skill_and_wait_when_nobody_has_it(actor):
    lead = actor("shift_lead")
    phones = [{"phone": "13800130001", "skill": "粤语"}, {"phone": "13800130002", "skill": "english"},
              {"phone": "13800130003", "skill": "粤语"}, {"phone": "13800130004", "skill": "藏语"},
              {"phone": "13800130005"}]
    row = started(lead, agents={"agent": "粤语", "dispatcher": "english，粤语"}, phones=phones, assignment="skill")
    by_phone = {t.phone: t.agent_id for t in _targets(row.id)}
    agent, dispatcher = user_id("agent"), user_id("dispatcher")
    assert by_phone["13800130002"] == dispatcher                       # only the dispatcher speaks english
    # the least loaded fitting agent takes each call: evenly overall, within what each one speaks
    assert by_phone["13800130001"] == by_phone["13800130003"] == agent
    assert by_phone["13800130005"] == dispatcher                        # no skill asked: anyone, the less busy
    assert by_phone["13800130004"] is None                              # nobody: unassigned, counted as such
    assert campaigns.progress.progress(actor=lead, campaign_id=row.id)["unassigned"] == 1


def test_no_answer_twice_then_reached(actor):
    agent = actor("agent")
    row = started(actor("shift_lead"), agents={"agent": ""}, phones=PHONES[:1], max_attempts=3, retry_minutes=30)
    target = _targets(row.id)[0]
    start = clock_now()
    campaigns.calling.record_result(actor=agent, target_id=target.id, result="no_answer", note="无人接听")
    assert target.state == "open" and target.attempts == 1
    assert timedelta(minutes=29) < target.next_attempt_at - start < timedelta(minutes=31)
    assert campaigns.calling.my_queue(actor=agent).due == []              # not due before the retry time
    later = campaigns.calling.my_queue(actor=agent, now=target.next_attempt_at + timedelta(seconds=1))
    assert [t.id for t, _ in later.due] == [target.id]
    target.next_attempt_at = start - timedelta(seconds=1)                 # time has passed
    db.session.commit()
    campaigns.calling.record_result(actor=agent, target_id=target.id, result="no_answer")
    target.next_attempt_at = start - timedelta(seconds=1)
    db.session.commit()
    outcome = campaigns.calling.record_result(actor=agent, target_id=target.id, result="reached", note="满意")
    assert (target.state, target.attempts, target.last_result) == ("done", 3, "reached")
    results = [a.result for a in campaigns.calling.attempts_of(target.id)]
    assert results == ["no_answer", "no_answer", "reached"] and outcome.attempt.agent_id == agent.user_id
    assert row.state == "finished"                                        # the last target decided it


def test_max_attempts_fail_the_target_and_busy_may_not_retry(actor):
    agent = actor("agent")
    row = started(actor("shift_lead"), agents={"agent": ""}, phones=PHONES[:2], max_attempts=2,
                  retry_results=["no_answer"])
    first, second = _targets(row.id)
    for _ in range(2):
        first.next_attempt_at = clock_now() - timedelta(seconds=1)
        db.session.commit()
        campaigns.calling.record_result(actor=agent, target_id=first.id, result="no_answer")
    assert (first.state, first.attempts) == ("failed", 2)
    campaigns.calling.record_result(actor=agent, target_id=second.id, result="busy")   # not in the rule
    assert second.state == "failed"
    with pytest.raises(WrongState):
        campaigns.calling.record_result(actor=agent, target_id=first.id, result="reached")


def test_call_back_at_a_time(actor):
    agent = actor("agent")
    row = started(actor("shift_lead"), agents={"agent": ""}, phones=PHONES[:1], max_attempts=1)
    target = _targets(row.id)[0]
    with pytest.raises(ValidationFailed) as refused:
        campaigns.calling.record_result(actor=agent, target_id=target.id, result="call_back")
    assert "call_back_at" in refused.value.errors
    at = clock_now() + timedelta(hours=2)
    campaigns.calling.record_result(actor=agent, target_id=target.id, result="call_back", call_back_at=at,
                                    note="市民在开会，两小时后再打")
    assert (target.state, target.next_attempt_at, target.attempts) == ("open", at, 1)   # kept though max is 1
    attempt = db.session.execute(select(CampaignAttempt)).scalar_one()
    assert attempt.call_back_at == at and attempt.note == "市民在开会，两小时后再打" and attempt.phone == PHONES[0]
    assert campaigns.attempts_by_phone(PHONES[0])[0].id == attempt.id


def test_wrong_state_moves_are_refused(actor):
    lead = actor("shift_lead")
    row = campaigns.service.create(actor=lead, data={"name": "状态"}, agents={user_id("agent"): ""})
    for action in ("pause", "resume", "finish"):
        with pytest.raises(WrongState):
            campaigns.service.move(actor=lead, campaign_id=row.id, action=action)
    campaigns.service.move(actor=lead, campaign_id=row.id, action="start")
    with pytest.raises(WrongState):
        campaigns.service.move(actor=lead, campaign_id=row.id, action="start")
    campaigns.service.move(actor=lead, campaign_id=row.id, action="pause")
    campaigns.service.move(actor=lead, campaign_id=row.id, action="resume")
    campaigns.service.move(actor=lead, campaign_id=row.id, action="finish")
    with pytest.raises(WrongState):
        campaigns.add_list_rows(row.id, [{"phone": "13800138000"}], lead)


def test_a_paused_campaign_leaves_the_queue_and_refuses_results(actor):
    agent, lead = actor("agent"), actor("shift_lead")
    row = started(lead, agents={"agent": ""}, phones=PHONES[:1])
    campaigns.service.move(actor=lead, campaign_id=row.id, action="pause")
    assert campaigns.calling.my_queue(actor=agent).due == []
    with pytest.raises(WrongState):
        campaigns.calling.record_result(actor=agent, target_id=_targets(row.id)[0].id, result="reached")


def test_scoping(actor):
    lead = actor("shift_lead")
    row = started(lead, agents={"agent": ""}, phones=PHONES[:1])
    target = _targets(row.id)[0]
    with pytest.raises(NotFound):        # not in the dispatcher's queue
        campaigns.calling.record_result(actor=actor("dispatcher"), target_id=target.id, result="reached")
    for login in ("agent", "visitor", "dh_hb_handler"):
        with pytest.raises(PermissionDenied):
            campaigns.service.get_campaign(actor=actor(login), campaign_id=row.id)
    with pytest.raises(PermissionDenied):
        campaigns.calling.my_queue(actor=actor("dh_hb_handler"))
    assert campaigns.service.get_campaign(actor=actor("leader"), campaign_id=row.id).id == row.id


def test_settings_and_rows_are_validated_naming_the_field(actor):
    lead = actor("shift_lead")
    with pytest.raises(ValidationFailed) as refused:
        campaigns.service.create(actor=lead, data={"name": "", "purpose": "x", "max_attempts": "0",
                                                   "retry_results": ["reached"]}, agents={})
    assert set(refused.value.errors) == {"name", "purpose", "max_attempts", "retry_results", "agents"}
    with pytest.raises(ValidationFailed) as refused:
        campaigns.service.create(actor=lead, data={"name": "回访", "purpose": "revisit"}, agents={user_id("agent"): ""})
    assert set(refused.value.errors) == {"agents"}                      # re-visits are the visitors' work
    assert campaigns.validate_list_row({"phone": "138-0013 8000", "name": " 张三 "}) == (
        {"phone": "13800138000", "name": "张三", "notes": "", "skill": ""}, {})
    assert campaigns.validate_list_row({"phone": "12"}) == (None, {"phone": "phone_invalid"})
    assert campaigns.validate_list_row({"name": "x" * 101}) == (None, {"phone": "required", "name": "max_length"})
    assert campaigns.LIST_FIELDS == ("phone", "name", "notes", "skill")


def test_adding_is_idempotent_per_phone(actor):
    lead = actor("shift_lead")
    row = started(lead, agents={"agent": ""}, phones=PHONES[:2])
    rows = [campaigns.validate_list_row({"phone": p})[0] for p in ("138 0013 0001", PHONES[2], PHONES[2])]
    assert campaigns.add_list_rows(row.id, rows, lead) == 1
    assert campaigns.add_list_rows(row.id, rows, lead) == 0
    assert campaigns.targets.add_pasted(actor=lead, campaign_id=row.id, text="13900139000, 李四, 老人\n13900139001\t王五") == 2
    with pytest.raises(ValidationFailed) as refused:
        campaigns.targets.add_pasted(actor=lead, campaign_id=row.id, text="13900139002\nabc")
    assert "2" in refused.value.errors["targets"][0]
    assert all(t.agent_id == user_id("agent") for t in _targets(row.id))     # running: assigned as added


def test_revisit_campaign_from_cases_awaiting_visit(actor, dept):
    case = to_handling(actor, dept, lead="dh_hb", phone="13700137000", citizen_name="赵六")
    actions.reply(case_id=case.id, actor=actor("dh_hb_handler"), result="resolved", reply_text="已修复")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    lead, visitor = actor("shift_lead"), actor("visitor")
    row = campaigns.service.create(actor=lead, data={"name": "回访", "purpose": "revisit"},
                                   agents={user_id("visitor"): ""})
    assert campaigns.targets.add_visits(actor=lead, campaign_id=row.id) == 1
    assert campaigns.targets.add_visits(actor=lead, campaign_id=row.id) == 0
    campaigns.service.move(actor=lead, campaign_id=row.id, action="start")
    (target, _), = campaigns.calling.my_queue(actor=visitor).due
    assert (target.phone, target.name, target.case_id) == ("13700137000", "赵六", case.id)
    outcome = campaigns.calling.record_result(actor=visitor, target_id=target.id, result="reached")
    assert outcome.visit_item_id is not None                             # on to the case's own visit form
    assert target.state == "done"
    actions.visit(case_id=case.id, actor=visitor, satisfaction="satisfied", resolved=True)   # the case's own action
    again = campaigns.service.create(actor=lead, data={"name": "再回访", "purpose": "revisit"},
                                     agents={user_id("visitor"): ""})
    assert campaigns.targets.add_visits(actor=lead, campaign_id=again.id) == 0           # nobody waits any more


def test_upkeep_closes_revisits_done_from_the_visit_console(actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    actions.reply(case_id=case.id, actor=actor("dh_hb_handler"), result="resolved", reply_text="已修复")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    lead = actor("shift_lead")
    row = campaigns.service.create(actor=lead, data={"name": "回访", "purpose": "revisit"},
                                   agents={user_id("visitor"): ""})
    campaigns.targets.add_visits(actor=lead, campaign_id=row.id)
    campaigns.service.move(actor=lead, campaign_id=row.id, action="start")
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    assert campaigns.jobs.upkeep() == {"reassigned": 0, "visited_elsewhere": 1, "finished": 1}
    assert _targets(row.id)[0].state == "closed" and row.state == "finished"
    assert campaigns.jobs.upkeep() == {"reassigned": 0, "visited_elsewhere": 0, "finished": 0}


def test_callback_campaign_from_the_callback_list_closes_the_entry(actor):
    now = clock_now()
    call = CallRecord(call_id="dissuaded-1", caller="13600136000", outcome="dissuaded", arrived_at=now,
                      callback_requested=True, callback_status="open")
    db.session.add(call)
    db.session.commit()
    lead, agent = actor("shift_lead"), actor("agent")
    row = campaigns.service.create(actor=lead, data={"name": "劝阻回拨", "purpose": "callback"},
                                   agents={user_id("agent"): ""})
    assert campaigns.targets.add_callbacks(actor=lead, campaign_id=row.id) == 1
    campaigns.service.move(actor=lead, campaign_id=row.id, action="start")
    (target, _), = campaigns.calling.my_queue(actor=agent).due
    assert target.call_record_id == call.id and target.phone == "13600136000"
    campaigns.calling.record_result(actor=agent, target_id=target.id, result="reached")
    assert db.session.get(CallRecord, call.id).callback_status == "done"


def test_click_to_call_queues_a_telephony_command(actor):
    agent = actor("agent")
    row = started(actor("shift_lead"), agents={"agent": ""}, phones=PHONES[:1])
    target = _targets(row.id)[0]
    with pytest.raises(WrongState):                                      # no seat yet
        campaigns.calling.dial(actor=agent, target_id=target.id)
    call_center.set_state(actor=agent, state="ready", extension="1001")
    placed = campaigns.calling.dial(actor=agent, target_id=target.id)
    command = db.session.execute(select(TelephonyCommand).where(TelephonyCommand.kind == "originate")).scalar_one()
    assert command.kind == "originate" and PHONES[0] in command.command and "user/1001" in command.command
    assert placed.masked == "138****0001" and target.dial_call_id == command.call_id
    db.session.add(CallRecord(call_id=command.call_id, caller="12345", outcome="answered", arrived_at=clock_now()))
    db.session.commit()
    attempt = campaigns.calling.record_result(actor=agent, target_id=target.id, result="reached").attempt
    assert attempt.call_id == command.call_id and attempt.call_record_id is not None


def test_upkeep_moves_due_calls_of_away_agents_and_finishes_decided_campaigns(actor):
    lead = actor("shift_lead")
    row = started(lead, agents={"agent": "", "dispatcher": ""}, phones=PHONES[:4])
    db.session.add(AgentStatus(user_id=user_id("dispatcher"), extension="1002", state="ready"))
    db.session.commit()
    result = campaigns.jobs.upkeep()
    assert result["reassigned"] == 2                                     # the agent never signed in to a seat
    assert {t.agent_id for t in _targets(row.id)} == {user_id("dispatcher")}
    assert campaigns.jobs.upkeep()["reassigned"] == 0                     # idempotent
    dispatcher = actor("dispatcher")
    for target in _targets(row.id):
        campaigns.calling.record_result(actor=dispatcher, target_id=target.id, result="wrong_number")
    assert row.state == "finished"
    figures = campaigns.progress.progress(actor=lead, campaign_id=row.id)
    assert (figures["percent"], figures["states"]["failed"], figures["results"]["wrong_number"]) == (100, 4, 4)
