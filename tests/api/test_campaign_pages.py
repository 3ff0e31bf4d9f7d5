"""Outbound campaign pages: the lead creates and steers (422 names the field, 409 on a wrong move),
agents work only their own queue (404 for another's call), department users see nothing (403)."""
from __future__ import annotations

from sqlalchemy import select

from engine import campaigns
from engine.db import db
from engine.models import Campaign, CampaignTarget, TelephonyCommand
from engine.telephony import call_center
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.engine.campaigns.fixtures import clean_campaigns, started, user_id  # noqa: F401  (fixture)


def _create(lead, **form):
    data = {"csrf_token": csrf(lead, "/campaigns/new"), "name": "供暖回访", "purpose": "general", "assignment": "even",
            "max_attempts": "3", "retry_minutes": "60", "retry_results": ["no_answer"], **form}
    return lead.post("/campaigns/new", data=data)


def test_the_lead_creates_a_campaign_and_steers_it(signin):
    lead = signin("shift_lead")
    refused = _create(lead, name="", max_attempts="99")
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'data-field="name"' in page and "必填" in page and "请至少选择一名话务员" in page
    agent_id = user_id("agent")
    made = _create(lead, agent=[str(agent_id)], **{f"skills_{agent_id}": "粤语"})
    assert made.status_code == 302
    row = db.session.execute(select(Campaign)).scalar_one()
    assert (row.name, row.max_attempts, row.retry_results, row.state) == ("供暖回访", 3, "no_answer", "draft")
    token = csrf(lead, f"/campaigns/{row.id}")
    assert lead.post(f"/campaigns/{row.id}/pause", data={"csrf_token": token}).status_code == 409
    pasted = lead.post(f"/campaigns/{row.id}/targets", data={"csrf_token": token, "targets": "13800138001 刘先生\nabc"})
    assert pasted.status_code == 422 and "以下行的电话号码有误" in pasted.get_data(as_text=True) and 'data-field="targets"' in pasted.get_data(as_text=True)
    assert lead.post(f"/campaigns/{row.id}/targets", data={"csrf_token": token,
                                                           "targets": "13800138001, 刘先生\n13800138002"}).status_code == 302
    assert lead.post(f"/campaigns/{row.id}/start", data={"csrf_token": token}).status_code == 302
    db.session.rollback()
    assert db.session.get(Campaign, row.id).state == "running"
    page = lead.get(f"/campaigns/{row.id}").get_data(as_text=True)
    assert "13800138001" in page and "0%" in page and "运行中" in page
    assert lead.post(f"/campaigns/{row.id}/start", data={"csrf_token": token}).status_code == 409
    assert lead.get("/campaigns/999999").status_code == 404


def test_scoping_of_the_pages(signin, actor):
    row = started(actor("shift_lead"), agents={"agent": ""}, phones=["13800138001"])
    target_id = db.session.execute(select(CampaignTarget.id)).scalar_one()
    db.session.rollback()
    for login in ("agent", "visitor", "dh_hb_handler", "admin"):
        assert signin(login).get(f"/campaigns/{row.id}").status_code == 403
        assert signin(login).get("/campaigns").status_code == 403
    assert signin("dh_hb_handler").get("/outbound").status_code == 403
    assert signin("leader").get(f"/campaigns/{row.id}").status_code == 200
    dispatcher = signin("dispatcher")
    stolen = dispatcher.post(f"/outbound/{target_id}/result", data={"csrf_token": csrf(dispatcher, "/outbound"),
                                                                     "result": "reached"})
    assert stolen.status_code == 404
    assert "13800138001" not in dispatcher.get("/outbound").get_data(as_text=True)


def test_the_agent_works_the_queue(signin, actor):
    started(actor("shift_lead"), agents={"agent": ""}, phones=["13800138001", "13800138002"])
    ids = db.session.execute(select(CampaignTarget.id).order_by(CampaignTarget.id)).scalars().all()
    db.session.rollback()
    agent = signin("agent")
    page = agent.get("/outbound").get_data(as_text=True)
    assert "13800138001" in page and f'data-dial-url="/outbound/{ids[0]}/dial"' in page
    token = csrf(agent, "/outbound")
    no_seat = agent.post(f"/outbound/{ids[0]}/dial", headers={"X-CSRFToken": token})
    assert no_seat.status_code == 409 and no_seat.json["message"] == "请先签入话机坐席"
    call_center.set_state(actor=actor("agent"), state="ready", extension="1001")
    placed = agent.post(f"/outbound/{ids[0]}/dial", headers={"X-CSRFToken": token})
    assert placed.status_code == 202 and placed.json["number"] == "138****8001"
    assert db.session.execute(select(TelephonyCommand).where(TelephonyCommand.kind == "originate")).scalar_one()
    db.session.rollback()
    later = agent.post(f"/outbound/{ids[0]}/result", data={"csrf_token": token, "result": "call_back"})
    assert later.status_code == 422 and 'data-field="call_back_at"' in later.get_data(as_text=True)
    done = agent.post(f"/outbound/{ids[0]}/result", data={"csrf_token": token, "result": "reached", "note": "满意"})
    assert done.status_code == 302
    back = agent.post(f"/outbound/{ids[1]}/result", data={"csrf_token": token, "result": "call_back",
                                                         "call_back_at": "2099-01-01T09:30"})
    assert back.status_code == 302
    db.session.rollback()
    target = db.session.get(CampaignTarget, ids[1])
    assert target.next_attempt_at.isoformat() == "2099-01-01T01:30:00"    # 09:30 in Shanghai, stored as UTC
    assert agent.post(f"/outbound/{ids[0]}/result", data={"csrf_token": token, "result": "busy"}).status_code == 409
    assert campaigns.attempts_by_phone("13800138001")[0].note == "满意"


def test_a_reached_revisit_leads_to_the_cases_visit_form(signin, actor, dept):
    from engine.cases import actions
    from tests.factories import to_handling
    case = to_handling(actor, dept, lead="dh_hb")
    actions.reply(case_id=case.id, actor=actor("dh_hb_handler"), result="resolved", reply_text="已修复")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    lead = actor("shift_lead")
    row = campaigns.service.create(actor=lead, data={"name": "回访", "purpose": "revisit"},
                                   agents={user_id("visitor"): ""})
    campaigns.targets.add_visits(actor=lead, campaign_id=row.id)
    campaigns.service.move(actor=lead, campaign_id=row.id, action="start")
    target_id = db.session.execute(select(CampaignTarget.id)).scalar_one()
    db.session.rollback()
    visitor = signin("visitor")
    reached = visitor.post(f"/outbound/{target_id}/result", data={"csrf_token": csrf(visitor, "/outbound"),
                                                                   "result": "reached"})
    assert reached.status_code == 302 and "/work-items/" in reached.location and "next=/outbound" in reached.location
    form = visitor.get(reached.location).get_data(as_text=True)
    assert 'name="satisfaction"' in form and case.case_no in form
