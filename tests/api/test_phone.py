"""The agent's phone bar: seat state, screen pop over server-sent events (real HTTP), intake
pre-filled from the offered call and linked to it, click-to-call errors."""
from __future__ import annotations

import http.cookiejar
import json
import threading
import time
import urllib.request

import pytest
from sqlalchemy import select

from engine.db import db
from engine.models import AgentStatus, Case, Conference, TelephonyCommand
from engine.telephony import calls, live as call_live
from tests.api.test_pages import client, csrf, signin  # noqa: F401  (fixtures)
from tests.factories import open_case

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def _fresh_limits():
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


def token(client) -> str:
    return csrf(client, "/inbox")


def sign_in_seat(client, extension="1001", state="ready"):
    return client.post("/phone/state", json={"state": state, "extension": extension},
                       headers={"X-CSRFToken": token(client)})


def test_seat_states_and_their_commands(signin):
    agent = signin("agent")
    assert agent.get("/phone/state").json["state"] == "logged_out"
    assert agent.post("/phone/state", json={"state": "ready", "extension": "1001"}).status_code == 400  # no CSRF
    bad = agent.post("/phone/state", json={"state": "ready", "extension": "1x"}, headers={"X-CSRFToken": token(agent)})
    assert bad.status_code == 422 and "extension" in bad.json["errors"]
    res = sign_in_seat(agent)
    assert res.status_code == 200 and (res.json["state"], res.json["extension"]) == ("ready", "1001")
    assert res.json["state_label"] == "就绪"
    assert sign_in_seat(agent, state="break").json["state"] == "break"
    # the seat is taken: another agent cannot sign in to it
    lead = signin("shift_lead")
    taken = sign_in_seat(lead)
    assert taken.status_code == 409 and "1001" in taken.json["message"]
    commands = db.session.execute(select(TelephonyCommand.command).order_by(TelephonyCommand.id)).scalars().all()
    assert commands == ["callcenter_config agent set status 1001@default 'Available'",
                        "callcenter_config agent set status 1001@default 'On Break'"]


def test_phone_bar_is_for_phone_roles_only(signin):
    assert signin("dh_hb_handler").get("/phone/state").status_code == 403
    assert signin("visitor").post("/phone/dial", json={"case_id": 1}, headers={}).status_code in (400, 403)
    assert b'id="phone-bar"' in signin("agent").get("/inbox").data
    assert b'id="phone-bar"' not in signin("supervisor").get("/inbox").data
    visitor = signin("visitor").get("/visits").data        # visitors call citizens back from the visit list
    assert b'id="phone-bar"' in visitor


class SseReader:
    """Reads server-sent events from a real HTTP stream in a thread, timing each arrival."""

    def __init__(self, url: str, cookies) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
        self.response = opener.open(url, timeout=20)
        self.events: list[tuple[str, dict, float]] = []
        self.lines, self.ended = 0, threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        try:
            self._lines()
        except (OSError, ValueError, AttributeError):   # closed by the test
            pass
        self.ended.set()

    def _lines(self) -> None:
        kind, data = None, None
        for raw in self.response:
            self.lines += 1
            line = raw.decode().rstrip("\n")
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and kind:
                self.events.append((kind, data, time.time()))
                kind, data = None, None

    def wait(self, count: int, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while len(self.events) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(self.events) >= count, self.events
        return self.events

    def close(self) -> None:
        # shut the socket down: a blocked read ends at once (close() would wait for it)
        import socket
        if self.response.fp is not None:      # None: the server ended the stream already
            self.response.fp.raw._sock.shutdown(socket.SHUT_RDWR)


def browser_cookies(live_server, login="agent"):
    """Sign in over real HTTP; the cookie jar of that session."""
    import re
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(live_server + "/login").read().decode()
    csrf_token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": login, "password": "12345demo", "csrf_token": csrf_token}).encode()
    opener.open(live_server + "/login", data=body)
    return jar


def test_screen_pop_streams_offer_with_history_then_answer(app, live_server, actor):
    import urllib.parse  # noqa: F401  (browser_cookies)

    from engine.telephony import call_center
    call_center.set_state(actor=actor("agent"), state="ready", extension="1001")
    earlier = open_case(actor("agent"), phone="13900001111", title="上周反映的噪音")
    from datetime import timedelta

    from engine.ports import now as clock_now
    calls.record(call={"call_id": "before", "outcome": "answered", "caller": "13900001111",
                       "arrived_at": clock_now() - timedelta(days=3)})
    calls.record(call={"call_id": "long-ago", "outcome": "answered", "caller": "13900001111",
                       "arrived_at": clock_now() - timedelta(days=45)})
    db.session.rollback()
    reader = SseReader(live_server + "/phone/events", browser_cookies(live_server))
    try:
        time.sleep(0.3)   # the stream is subscribed
        call_live.feed(kind="offer", call_id="call-1", agent="1002@default", caller="13700000000")  # another seat
        call_live.feed(kind="offer", call_id="call-2", agent="1001@default", caller="13900001111",
                       queue="hotline@default")
        call_live.feed(kind="answer", call_id="call-2", agent="1001@default", caller="13900001111")
        db.session.rollback()
        events = reader.wait(2)
    finally:
        reader.close()
    (offer_kind, offer, _), (answer_kind, answer, _) = events[:2]
    assert (offer_kind, offer["call_id"], offer["caller"]) == ("offer", "call-2", "13900001111")
    assert [h["case_no"] for h in offer["history"]] == [earlier.case_no]
    assert offer["record"]["name"] == earlier.citizen_name and offer["record"]["calls_30d"] == 1
    assert offer["record"]["summary"] == "近30天来电 1 次"
    assert offer["intake_url"] == "/cases/new?call=call-2"
    assert (answer_kind, answer["call_id"]) == ("answer", "call-2") and "history" not in answer
    assert db.session.get(AgentStatus, actor("agent").user_id).state == "talking"


def test_stream_replays_missed_moments_after_last_event_id(app, live_server, actor):
    from engine.telephony import call_center
    call_center.set_state(actor=actor("agent"), state="ready", extension="1001")
    first = call_live.feed(kind="offer", call_id="call-1", agent="1001@default", caller="13700000000")
    call_live.feed(kind="answer", call_id="call-1", agent="1001@default", caller="13700000000")
    db.session.rollback()
    reader = SseReader(f"{live_server}/phone/events?last={first}", browser_cookies(live_server))
    try:
        [(kind, data, _)] = reader.wait(1)[:1]
    finally:
        reader.close()
    assert (kind, data["call_id"]) == ("answer", "call-1")


def test_intake_prefilled_from_the_offered_call_and_linked_to_it(signin, actor):
    agent = signin("agent")
    sign_in_seat(agent)
    call_live.feed(kind="offer", call_id="call-9", agent="1001@default", caller="13811112222")
    page = agent.get("/cases/new?call=call-9").data.decode()
    assert 'name="call" value="call-9"' in page and 'value="13811112222"' in page
    # somebody else's call is not pre-filled (and cannot be linked)
    call_live.feed(kind="offer", call_id="call-x", agent="1002@default", caller="13733334444")
    assert "13733334444" not in agent.get("/cases/new?call=call-x").data.decode()
    form = {"csrf_token": token(agent), "call": "call-9", "category": "complaint", "channel": "phone",
            "citizen_name": "张先生", "phone": "13811112222", "title": "路灯不亮", "content": "小区路灯坏了一周。"}
    assert agent.post("/cases/new", data=form).status_code == 302
    case = db.session.execute(select(Case).where(Case.title == "路灯不亮")).scalar_one()
    assert case.call_id == "call-9"
    # the record, written when the call ends, links to the case
    calls.record(call={"call_id": "call-9", "outcome": "answered", "caller": "13811112222"})
    assert calls.get("call-9").case_id == case.id
    # and a record that exists already is linked when the case is registered
    calls.record(call={"call_id": "call-10", "outcome": "answered", "caller": "13811112222"})
    call_live.feed(kind="offer", call_id="call-10", agent="1001@default", caller="13811112222")
    assert agent.post("/cases/new", data={**form, "call": "call-10", "title": "路灯又坏了"}).status_code == 302
    second = db.session.execute(select(Case).where(Case.title == "路灯又坏了")).scalar_one()
    db.session.expire_all()
    assert calls.get("call-10").case_id == second.id


def test_dial_needs_a_seat_and_a_visible_target(signin, actor):
    agent = signin("agent")
    case = open_case(actor("agent"))
    headers = {"X-CSRFToken": token(agent)}
    res = agent.post("/phone/dial", json={"case_id": case.id}, headers=headers)
    assert res.status_code == 409 and res.json["error"] == "seat_first" and "签入话机" in res.json["message"]
    sign_in_seat(agent)
    assert agent.post("/phone/dial", json={}, headers=headers).status_code == 422
    assert agent.post("/phone/dial", json={"case_id": "x"}, headers=headers).status_code == 422
    assert agent.post("/phone/dial", json={"case_id": 999999}, headers=headers).status_code == 404
    ok = agent.post("/phone/dial", json={"case_id": case.id}, headers=headers)
    assert ok.status_code == 202 and ok.json["number"] == "138****8000"
    status = agent.get(ok.json["status_url"]).json
    assert (status["status"], status["finished"]) == ("pending", False)
    # another user cannot read this command's result
    assert signin("shift_lead").get(ok.json["status_url"]).status_code == 404


def test_three_way_call_with_the_cases_department(signin, actor, dept):
    from engine.models import User
    from engine.organisation import directory as org
    from tests.factories import to_handling
    case = to_handling(actor, dept)
    handler = org.get_user("dh_hb_handler")
    old_phone, handler.phone = handler.phone, "0571-8888 1234"
    db.session.commit()
    try:
        agent = signin("agent")
        sign_in_seat(agent)
        headers = {"X-CSRFToken": token(agent)}
        assert 'id="three-way"' not in agent.get(f"/cases/{case.id}").data.decode()   # not on a call
        refused = agent.post("/phone/conference", json={"call_id": "c-3", "case_id": case.id, "user_id": handler.id},
                             headers=headers)
        assert refused.status_code == 409
        call_live.feed(kind="offer", call_id="c-3", agent="1001@default", caller="13800138000")
        call_live.feed(kind="answer", call_id="c-3", agent="1001@default", caller="13800138000")
        page = agent.get(f"/cases/{case.id}").data.decode()
        assert 'id="three-way"' in page and 'data-call-id="c-3"' in page and f'value="{handler.id}"' in page
        ok = agent.post("/phone/conference", json={"call_id": "c-3", "case_id": case.id, "user_id": handler.id},
                        headers=headers)
        assert ok.status_code == 202 and len(ok.json["commands"]) == 2
        lines = db.session.execute(select(TelephonyCommand.command).where(TelephonyCommand.kind == "conference")
                                   .order_by(TelephonyCommand.id)).scalars().all()
        # the room is a conference of the case like any other, hosted by the agent
        room = db.session.execute(select(Conference).where(Conference.case_id == case.id)).scalar_one()
        assert room.name == f"case-{case.case_no}-{room.id}" and room.host_id == org.get_user("agent").id
        assert lines[0] == f"uuid_transfer c-3 -both conference:{room.name}@default inline"
        assert lines[1].startswith(f"conference {room.name}@default dial {{origination_uuid=")
        assert "sofia/gateway/carrier/057188881234 " in lines[1]
    finally:
        handler = db.session.get(User, handler.id)
        handler.phone = old_phone
        db.session.commit()


def test_a_screen_stream_ends_when_the_user_signs_out_elsewhere(app, live_server, actor, monkeypatch):
    from api.pages.telephony import phone
    from engine.models import User
    from engine.telephony import call_center
    monkeypatch.setattr(phone, "KEEPALIVE_SECONDS", 0.2)
    call_center.set_state(actor=actor("agent"), state="ready", extension="1001")
    db.session.rollback()
    reader = SseReader(live_server + "/phone/events", browser_cookies(live_server))
    try:
        time.sleep(0.6)
        assert not reader.ended.is_set() and reader.lines >= 2    # retry + keep-alives
        user = db.session.get(User, actor("agent").user_id)
        user.session_epoch += 1          # what signing out (or a password reset) does
        db.session.commit()
        assert reader.ended.wait(3), "the stream kept running for a signed-out session"
    finally:
        reader.close()


def test_one_call_is_one_case_unless_another_request_is_said(signin, actor):
    agent = signin("agent")
    sign_in_seat(agent)
    call_live.feed(kind="offer", call_id="call-7", agent="1001@default", caller="13811117777")
    form = {"csrf_token": token(agent), "call": "call-7", "category": "complaint", "channel": "phone",
            "citizen_name": "王女士", "phone": "13811117777", "title": "噪音扰民", "content": "夜间施工噪音。"}
    assert agent.post("/cases/new", data=form).status_code == 302
    first = db.session.execute(select(Case).where(Case.call_id == "call-7")).scalar_one()
    assert first.call_seq == 1
    again = agent.get("/cases/new?call=call-7").data.decode()
    assert "本次来电已登记工单" in again and first.case_no in again
    twice = agent.post("/cases/new", data={**form, "title": "噪音扰民(重复提交)"})
    assert twice.status_code == 409 and first.case_no in twice.data.decode()
    more = agent.post("/cases/new", data={**form, "title": "小区路面坑洼", "another_request": "1"})
    assert more.status_code == 302
    rows = db.session.execute(select(Case.title, Case.call_seq).where(Case.call_id == "call-7")
                              .order_by(Case.call_seq)).all()
    assert rows == [("噪音扰民", 1), ("小区路面坑洼", 2)]


def test_the_engine_refuses_a_second_case_for_a_call(actor):
    from engine.cases import service as cases
    from tests.factories import INTAKE
    first = cases.open_case(actor=actor("agent"), data=INTAKE, call_id="call-8")
    with pytest.raises(cases.CallAlreadyRegistered) as refused:
        cases.open_case(actor=actor("agent"), data=INTAKE, call_id="call-8")
    assert refused.value.case.id == first.id
    second = cases.open_case(actor=actor("agent"), data=INTAKE, call_id="call-8", another_request=True)
    assert (first.call_seq, second.call_seq) == (1, 2)

