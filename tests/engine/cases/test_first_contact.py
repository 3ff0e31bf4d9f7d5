"""首问责任制: the first person who took a request stays answerable for it and hears of every stage."""
from __future__ import annotations

from sqlalchemy import select

from engine.cases import actions, first_contact, urges
from engine.db import db
from engine.models import Notification, User
from tests.factories import open_case


def texts(user_id):
    return db.session.execute(select(Notification.body).where(
        Notification.user_id == user_id, Notification.kind == "first_contact").order_by(Notification.id)).scalars().all()


def test_the_registering_agent_of_a_call_is_the_first_contact_and_hears_of_each_stage(actor, dept):
    agent = actor("agent")
    case = open_case(agent)
    assert case.first_contact_id == agent.user_id
    actions.triage(case_id=case.id, actor=agent, decision="dispatch")
    assert texts(agent.user_id) == []                               # their own change: no message
    actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer", lead_department_id=dept("scj"))
    case = actions.sign_for(case_id=case.id, actor=actor("scj_handler"))
    assert case.first_contact_id == agent.user_id                   # others handle it: still theirs
    assert texts(agent.user_id) == [
        f"【12345】您首问的工单{case.case_no}(小区电梯长期故障)已由“派单”进入“签收”环节。",
        f"【12345】您首问的工单{case.case_no}(小区电梯长期故障)已由“签收”进入“办理”环节。"]
    assert db.session.execute(select(Notification.recipient).where(Notification.kind == "first_contact")
                              ).scalars().all() == [db.session.get(User, agent.user_id).phone] * 2
    # A step that leaves the stage as it is (an urge) sends nothing more.
    urges.urge(case_id=case.id, actor=actor("supervisor"), data={"opinion": "请尽快办理"})
    assert len(texts(agent.user_id)) == 2


def test_a_web_request_is_first_taken_by_whoever_triages_it(actor):
    # keyed in by the shift lead from the web form, taken up by the agent in triage
    case = open_case(actor("shift_lead"), channel="web")
    assert case.first_contact_id is None
    case = actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    assert case.first_contact_id == actor("agent").user_id


def test_their_list_shows_open_and_closed_cases(actor):
    agent = actor("agent")
    open_one = open_case(agent, title="路灯不亮")
    answered = open_case(agent, category="consult", title="办证时间")
    actions.triage(case_id=answered.id, actor=agent, decision="direct_answer", answer="工作日办理。")
    open_case(actor("shift_lead"), title="别人的工单")
    assert [c["case_no"] for c in first_contact.mine(agent).items] == [answered.case_no, open_one.case_no]
    assert [c["case_no"] for c in first_contact.mine(agent, state="open").items] == [open_one.case_no]
    assert [c["case_no"] for c in first_contact.mine(agent, state="closed").items] == [answered.case_no]
    assert first_contact.mine(agent, page_size=1, page=2).items[0]["case_no"] == open_one.case_no


def test_a_first_contact_without_a_phone_or_who_left_gets_no_text_and_the_step_goes_on(actor, dept):
    agent = actor("agent")
    user = db.session.get(User, agent.user_id)
    phone = user.phone
    case = open_case(agent)
    actions.triage(case_id=case.id, actor=agent, decision="dispatch")
    try:
        user.phone = ""
        db.session.commit()
        actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer", lead_department_id=dept("scj"))
        user = db.session.get(User, agent.user_id)
        user.phone, user.active = phone, False
        db.session.commit()
        case = actions.sign_for(case_id=case.id, actor=actor("scj_handler"))
        assert case.stage == "handling" and texts(agent.user_id) == []
        user = db.session.get(User, agent.user_id)
        user.active = True
        db.session.commit()
        actions.reply(case_id=case.id, actor=actor("scj_handler"), result="resolved", reply_text="已处理。")
        assert texts(agent.user_id) == [f"【12345】您首问的工单{case.case_no}(小区电梯长期故障)已由“办理”进入“审核”环节。"]
    finally:
        user = db.session.get(User, agent.user_id)
        user.phone, user.active = phone, True
        db.session.commit()
