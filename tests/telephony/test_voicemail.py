"""The voicemail queue: a message becomes nothing on its own; an agent who listened registers it,
adds it to an open case, or sets it aside with a reason."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions, service as cases
from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed, WrongState
from engine.models import Case, CaseEvent
from engine.telephony import calls, voicemail
from tests.api.test_call_pages import SWITCH, recordings, wav_bytes  # noqa: F401  (fixture)
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.factories import INTAKE, open_case, to_handling


def left_message(call_id: str = "vm-1", caller: str = "13700001111") -> int:
    calls.record(call={"call_id": call_id, "outcome": "overflow", "caller": caller,
                       "voicemail_path": f"{SWITCH}/voicemail/default/{call_id}.wav"})
    return calls.get(call_id).id


def test_a_message_waits_without_a_case(actor):
    message = left_message()
    rows, total = voicemail.waiting(actor=actor("agent"))
    assert [r.id for r in rows] == [message] and total == 1
    assert calls.get("vm-1").case_id is None
    assert db.session.execute(select(Case).where(Case.call_id == "vm-1")).scalar() is None


def test_nothing_is_decided_about_a_message_nobody_heard(actor):
    message, agent = left_message(), actor("agent")
    for attempt in (lambda: voicemail.for_intake(actor=agent, call_record_id=message),
                    lambda: voicemail.discard(actor=agent, call_record_id=message, reason="test"),
                    lambda: voicemail.merge(actor=agent, call_record_id=message, case_no="GD1")):
        with pytest.raises(voicemail.NotHeard):
            attempt()
    voicemail.heard(actor=actor("dispatcher"), call_record_id=message)     # a colleague's listening
    with pytest.raises(voicemail.NotHeard):                                # is not this agent's
        voicemail.discard(actor=agent, call_record_id=message, reason="test")
    with pytest.raises(PermissionDenied):
        voicemail.waiting(actor=actor("dh_hb_handler"))


def test_registering_a_heard_message_links_the_case_and_closes_the_entry(actor):
    message, agent = left_message(), actor("agent")
    voicemail.heard(actor=agent, call_record_id=message)
    row = voicemail.for_intake(actor=agent, call_record_id=message)
    case = cases.open_case(actor=agent, data={**INTAKE, "phone": row.caller}, call_id=row.call_id)
    db.session.expire_all()
    entry = calls.get("vm-1")
    assert (entry.voicemail_status, entry.case_id, entry.voicemail_by_id) == ("registered", case.id, agent.user_id)
    assert voicemail.waiting(actor=agent) == ([], 0)
    with pytest.raises(WrongState):
        voicemail.discard(actor=agent, call_record_id=message, reason="test")


def test_merging_adds_the_message_to_an_open_case(actor, dept):
    message, agent = left_message(), actor("agent")
    voicemail.heard(actor=agent, call_record_id=message)
    closed = open_case(agent)
    actions.triage(case_id=closed.id, actor=agent, decision="direct_answer", answer="已答复")
    with pytest.raises(ValidationFailed) as refused:
        voicemail.merge(actor=agent, call_record_id=message, case_no=closed.case_no)
    assert "case_no" in refused.value.errors
    with pytest.raises(ValidationFailed):
        voicemail.merge(actor=agent, call_record_id=message, case_no="GD20990101000001")
    target = to_handling(actor, dept)
    entry = voicemail.merge(actor=agent, call_record_id=message, case_no=target.case_no.lower(), note="补充说明")
    assert (entry.voicemail_status, entry.case_id) == ("merged", target.id)
    event = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == target.id,
                                                       CaseEvent.action == "voicemail_merged")).scalar_one()
    assert event.data == {"call_record_id": message, "note": "补充说明"}


def test_setting_aside_needs_a_reason(actor):
    message, agent = left_message(), actor("agent")
    voicemail.heard(actor=agent, call_record_id=message)
    for reason, note in (("", ""), ("bogus", ""), ("other", " ")):
        with pytest.raises(ValidationFailed):
            voicemail.discard(actor=agent, call_record_id=message, reason=reason, note=note)
    entry = voicemail.discard(actor=agent, call_record_id=message, reason="other", note="推销电话")
    assert (entry.voicemail_status, entry.voicemail_note) == ("discarded", "other: 推销电话")


# --- the pages ------------------------------------------------------------------------------------
def test_the_queue_page_listens_then_registers(signin, recordings, actor):  # noqa: F811
    calls.record(call={"call_id": "vm-9", "outcome": "overflow", "caller": "13700009999",
                       "voicemail_path": recordings("voicemail/default/vm-9.wav", wav_bytes())})
    message = calls.get("vm-9").id
    agent = signin("agent")
    page = agent.get("/voicemail").get_data(as_text=True)
    assert "语音留言" in page and f'src="/calls/{message}/voicemail"' in page and 'preload="none"' in page
    refused = agent.get(f"/cases/new?voicemail={message}")
    assert refused.status_code == 302 and refused.location.endswith("/voicemail")     # not heard yet
    assert agent.get(f"/calls/{message}/voicemail").status_code == 200                 # plays it
    form = agent.get(f"/cases/new?voicemail={message}").get_data(as_text=True)
    assert 'value="13700009999"' in form and f'name="voicemail" value="{message}"' in form
    posted = agent.post("/cases/new", data={**INTAKE, "phone": "13700009999", "voicemail": str(message),
                                            "call": "vm-9", "csrf_token": csrf(agent, "/cases/new")})
    assert posted.status_code == 302
    db.session.expire_all()
    assert calls.get("vm-9").voicemail_status == "registered"
    assert "没有待处理的留言" in agent.get("/voicemail").get_data(as_text=True)
