"""Conferences over real TCP: the host's commands go through the command table and the worker to
the simulated mod_conference; its conference::maintenance events move the members in the
database; a reconnecting worker rebuilds them from `conference <room> list`. Scope of the pages."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from sqlalchemy import select, update

from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed, WrongState
from engine.models import AgentStatus, CaseEvent, Conference, ConferenceMember, User
from engine.telephony import calls, conference_events, conferences
from engine.telephony.switch_hooks import SwitchHooks
from telephony import conferences as worker_conferences, esl, protocol
from telephony.simulator import Simulator
from telephony.worker import Worker
from tests.api.test_pages import csrf, signin  # noqa: F401  (fixture)
from tests.factories import open_case
from tests.telephony.test_live_features import read, seat, wait_for

pytestmark = pytest.mark.timeout(120)
CORPUS = Path(__file__).parent.parent / "corpus" / "esl"


@contextlib.contextmanager
def switch(app):
    """The simulated switch and a function starting workers against it (stopped at the end)."""
    sim = Simulator().start()
    workers = []

    def start_worker():
        factory = lambda: esl.EslClient(esl.Settings(port=sim.port, backoff=(0.05, 0.2), connect_timeout=1.0))  # noqa: E731
        worker = Worker(factory, calls.record, context=app.app_context, grace=0.3, hooks=SwitchHooks(None)).start()
        worker.client.wait_connected(5)
        workers.append(worker)
        return worker
    try:
        yield sim, start_worker
    finally:
        for worker in workers:
            worker.stop()
        sim.close()


def members(room_id: int, status: str = "joined") -> list[ConferenceMember]:
    return list(db.session.execute(select(ConferenceMember).where(
        ConferenceMember.conference_id == room_id, ConferenceMember.status == status)
        .order_by(ConferenceMember.id)).scalars())


def joined(room_id: int, n: int) -> list[ConferenceMember]:
    return wait_for(lambda: len(rows := members(room_id)) == n and rows, timeout=30, what=f"{n} members joined")


def test_fifty_parties_join_and_are_shown_the_51st_is_refused(app, actor):
    case = open_case(actor("agent"))
    seat(actor)
    with switch(app) as (sim, start_worker):
        start_worker()
        sim.wait_for_clients()
        room = conferences.start(actor=actor("agent"), case_id=case.id)
        assert room.name == f"case-{case.case_no}-{room.id}"
        first = conferences.invite(actor=actor("agent"), conference_id=room.id, seats=["1001"])
        assert first[0].kind == "seat"
        for i in range(49):
            conferences.invite(actor=actor("agent"), conference_id=room.id, number=f"1380000{i:04d}")
        rows = joined(room.id, 50)
        assert len(sim.conferences.rooms[room.name].members) == 50
        assert {r.leg_id for r in rows} == {m.leg.uuid for m in sim.conferences.rooms[room.name].members.values()}
        command = next(c for c in sim.commands if "user/1001" in c)
        assert command.startswith(f"bgapi conference {room.name}@default dial {{origination_uuid={first[0].leg_id},")
        assert command.endswith("}user/1001 12345 12345")
        with pytest.raises(ValidationFailed) as refused:
            conferences.invite(actor=actor("agent"), conference_id=room.id, number="13900000000")
        assert "invitees" in refused.value.errors
        db.session.rollback()
        shown = conferences.view(actor=actor("agent"), conference_id=room.id)
        assert shown["in_room"] == 50 and shown["members"][1]["number"] == "13800000000"
        masked = conferences.view(actor=actor("admin"), conference_id=room.id)   # admin: numbers masked
        assert masked["members"][1]["number"] != "13800000000" and "*" in masked["members"][1]["number"]


def test_mute_and_kick_reach_the_switch_and_the_members_follow_its_events(app, actor):
    case = open_case(actor("agent"))
    with switch(app) as (sim, start_worker):
        start_worker()
        sim.wait_for_clients()
        room = conferences.start(actor=actor("agent"), case_id=case.id)
        conferences.invite(actor=actor("agent"), conference_id=room.id, number="13800001111")
        conferences.invite(actor=actor("agent"), conference_id=room.id, number="13800002222")
        a, b = joined(room.id, 2)
        mute = conferences.act(actor=actor("agent"), conference_id=room.id, member=a.id, action="mute")
        assert mute.command == f"conference {room.name} mute {a.member_id}"
        wait_for(lambda: db.session.get(ConferenceMember, a.id).muted, timeout=30, what="muted from mute-member")
        assert not sim.conferences.rooms[room.name].members[a.member_id].speak
        assert wait_for(lambda: db.session.get(type(mute), mute.id).status == "done" and
                        db.session.get(type(mute), mute.id)).result == f"+OK mute {a.member_id}"
        conferences.act(actor=actor("agent"), conference_id=room.id, member=a.id, action="unmute")
        wait_for(lambda: not db.session.get(ConferenceMember, a.id).muted, timeout=30, what="unmuted")
        with pytest.raises(PermissionDenied):      # not the host
            conferences.act(actor=actor("shift_lead"), conference_id=room.id, member=a.id, action="mute")
        db.session.rollback()
        conferences.act(actor=actor("agent"), conference_id=room.id, member=b.id, action="kick")
        wait_for(lambda: db.session.get(ConferenceMember, b.id).status == "left", timeout=30, what="kicked member left")
        assert b.member_id not in sim.conferences.rooms[room.name].members
        assert f"bgapi conference {room.name} kick {b.member_id}" in sim.commands
        with pytest.raises(WrongState):            # no longer in the room
            conferences.act(actor=actor("agent"), conference_id=room.id, member=b.id, action="mute")
        db.session.rollback()
        # the last member hangs up: the switch destroys the room, the conference ends, the timeline says so
        sim.conferences.hang_up(a.leg_id)
        wait_for(lambda: db.session.get(Conference, room.id).status == "ended", timeout=30, what="conference ended")
        assert read(lambda: db.session.get(ConferenceMember, a.id).status) == "left"
        actions = read(lambda: list(db.session.execute(select(CaseEvent.action).where(
            CaseEvent.case_id == case.id, CaseEvent.action.like("conference_%")).order_by(CaseEvent.id)).scalars()))
        assert actions == ["conference_started", "conference_ended"]
        with pytest.raises(WrongState):            # ended conference
            conferences.invite(actor=actor("agent"), conference_id=room.id, number="13800003333")
        db.session.rollback()


def test_a_member_hanging_up_leaves_and_a_busy_number_is_not_reached(app, actor):
    case = open_case(actor("agent"))
    with switch(app) as (sim, start_worker):
        start_worker()
        sim.wait_for_clients()
        sim.conferences.busy.add("13800009999")
        room = conferences.start(actor=actor("agent"), case_id=case.id)
        conferences.invite(actor=actor("agent"), conference_id=room.id, number="13800001111")
        conferences.invite(actor=actor("agent"), conference_id=room.id, number="13800002222")
        [busy] = conferences.invite(actor=actor("agent"), conference_id=room.id, number="13800009999")
        a, b = joined(room.id, 2)
        sim.conferences.hang_up(b.leg_id)
        wait_for(lambda: db.session.get(ConferenceMember, b.id).status == "left", what="the member left")
        wait_for(lambda: read(lambda: conferences.view(actor=actor("agent"), conference_id=room.id))["members"][2]
                 ["status"] == "failed", what="the busy party shown not reached")
        assert read(lambda: db.session.get(Conference, room.id).status) == "open"
        conferences.end(actor=actor("agent"), conference_id=room.id)
        wait_for(lambda: db.session.get(ConferenceMember, a.id).status == "left", what="kick all")
        assert not sim.conferences.rooms


def test_a_reconnecting_worker_rebuilds_the_members_from_the_list(app, actor):
    case = open_case(actor("agent"))
    with switch(app) as (sim, start_worker):
        first = start_worker()
        sim.wait_for_clients()
        room = conferences.start(actor=actor("agent"), case_id=case.id)
        for number in ("13800001111", "13800002222", "13800003333"):
            conferences.invite(actor=actor("agent"), conference_id=room.id, number=number)
        a, b, c = joined(room.id, 3)
        first.stop()
        wait_for(lambda: not sim.sessions, what="the worker gone")
        # while no worker listens: one member leaves, one is muted, one walks in from a three-way call
        sim.conferences.hang_up(b.leg_id)
        assert sim.run_api(f"conference {room.name} mute {c.member_id}") == f"+OK mute {c.member_id}\n"
        sim.run_api(f"conference {room.name}@default dial {{origination_uuid=walk-in-leg}}sofia/gateway/carrier/13900001234")
        db.session.rollback()   # SQLite: the reads above must not hold the database while the worker starts
        start_worker()
        wait_for(lambda: db.session.get(ConferenceMember, b.id).status == "left", what="b left in the gap")
        wait_for(lambda: db.session.get(ConferenceMember, c.id).muted, what="c muted in the gap")
        walk_in = wait_for(lambda: db.session.execute(select(ConferenceMember).where(
            ConferenceMember.leg_id == "walk-in-leg")).scalar(), what="the walk-in")
        assert (walk_in.status, walk_in.number, walk_in.kind) == ("joined", "13900001234", "caller")
        assert f"api conference {room.name} list" in sim.commands


def test_the_real_del_member_sample_and_the_list_format(app, actor):
    """FreeSWITCH's own del-member event (Kazoo's capture) moves a member of one of our rooms."""
    event = protocol.decode_plain((CORPUS / "custom_conference_maintenance_del_member.plain.txt").read_text())
    h = dict(event.headers)
    assert (h["Event-Subclass"], h["Action"], h["Member-ID"]) == ("conference::maintenance", "del-member", "75")
    case = open_case(actor("agent"))
    room = conferences.start(actor=actor("agent"), case_id=case.id)
    db.session.add(ConferenceMember(conference_id=room.id, leg_id=h["Unique-ID"], kind="caller", number="3148096307",
                                    status="joined", member_id=75))
    db.session.commit()
    assert not conference_events.on_maintenance(h)           # conference_2 is not a room of ours
    h["Conference-Name"] = room.name
    assert conference_events.on_maintenance(h)
    assert members(room.id, "left")[0].member_id == 75
    listed = worker_conferences.parse_list(
        "7;sofia/external/1001@10.0.0.1;0b5c…-uuid;Agent;1001;hear|speak|talking|floor;0;0;300\n"
        "8;sofia/external/139;1f2e-uuid;139;13900001234;hear;0;0;300\n")
    assert [(m["member_id"], m["number"], m["muted"]) for m in listed] == [(7, "1001", False), (8, "13900001234", True)]
    assert worker_conferences.parse_list("-ERR Conference case-x-1 not found\n") is None


def test_pages_scope_host_and_limits(app, actor, signin):
    case = open_case(actor("agent"))
    agent = signin("agent")
    res = agent.post(f"/cases/{case.id}/conferences", data={"csrf_token": csrf(agent, "/inbox")})
    assert res.status_code == 302
    room_id = int(res.location.rstrip("/").rsplit("/", 1)[1])
    page = agent.get(f"/conferences/{room_id}").get_data(as_text=True)
    assert "invite-form" in page and "end-conference" in page
    assert f"/conferences/{room_id}" in agent.get(f"/cases/{case.id}").get_data(as_text=True)
    token = {"X-CSRFToken": csrf(agent, "/inbox")}
    bad = agent.post(f"/conferences/{room_id}/invite", json={"number": "12ab"}, headers=token)
    assert bad.status_code == 422 and "number" in bad.json["errors"]
    nobody = agent.post(f"/conferences/{room_id}/invite", json={"contacts": [], "seats": [], "number": ""}, headers=token)
    assert nobody.status_code == 422 and "invitees" in nobody.json["errors"]
    lead = signin("shift_lead")   # sees the case, is not the host: may look, may not act
    assert lead.get(f"/conferences/{room_id}/members").status_code == 200
    assert lead.post(f"/conferences/{room_id}/invite", json={"number": "13800001111"},
                     headers={"X-CSRFToken": csrf(lead, "/inbox")}).status_code == 403
    handler = signin("dh_hb_handler")  # a department that does not have the case
    assert handler.get(f"/conferences/{room_id}").status_code == 403
    assert handler.get(f"/conferences/{room_id}/members").status_code == 403
    assert agent.get(f"/conferences/{room_id + 1000}/members").status_code == 404
    assert agent.post(f"/conferences/{room_id}/end", headers=token).status_code == 202
    assert agent.post(f"/conferences/{room_id}/end", headers=token).status_code == 409
    assert agent.post(f"/conferences/{room_id}/invite", json={"number": "13800001111"}, headers=token).status_code == 409
    visitor = signin("designer")   # no phone role: cannot host
    assert visitor.post(f"/cases/{case.id}/conferences", data={"csrf_token": csrf(visitor, "/inbox")}).status_code == 403


def talking_on(call_id: str) -> None:
    """The agent's seat (1001) is talking on that call, as the worker records a bridged call."""
    db.session.execute(update(AgentStatus).where(AgentStatus.extension == "1001").values(state="talking",
                                                                                      call_id=call_id))
    db.session.commit()


def test_a_three_way_call_is_a_room_of_the_case_its_host_sees_and_runs(app, actor):
    """三方通话: the agent's live call and a colleague meet in a conference of the case, listed like
    any other (the phone bar's links, the case's conferences), so its host mutes, removes or ends it."""
    case = open_case(actor("agent"))
    seat(actor)
    talking_on("call-3way")
    colleague = db.session.execute(select(User).where(User.username == "dh_handler")).scalar_one()
    move, call = conferences.three_way(actor=actor("agent"), call_id="call-3way", case_id=case.id,
                                       user_id=colleague.id)
    [room] = conferences.mine(actor=actor("agent"))
    assert conferences.ROOM.fullmatch(room.name) and room.case_id == case.id
    assert [r.id for r in conferences.of_case(actor=actor("dispatcher"), case_id=case.id)] == [room.id]
    assert move.command == f"uuid_transfer call-3way -both conference:{room.name}@default inline"
    assert call.command.startswith(f"conference {room.name}@default dial {{origination_uuid=")
    view = conferences.view(actor=actor("agent"), conference_id=room.id)
    assert [(m["kind"], m["label"], m["status"]) for m in view["members"]] == [
        ("contact", colleague.display_name, "invited")]
    assert view["is_host"] and db.session.execute(select(CaseEvent.action).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "conference_started")).scalar()
    conferences.end(actor=actor("agent"), conference_id=room.id)
    assert conferences.mine(actor=actor("agent")) == []


def test_a_three_way_call_needs_the_call_and_a_colleague_with_a_phone(app, actor):
    case = open_case(actor("agent"))
    seat(actor)
    colleague = db.session.execute(select(User).where(User.username == "dh_handler")).scalar_one()
    with pytest.raises(WrongState):             # not talking on that call
        conferences.three_way(actor=actor("agent"), call_id="call-3way", case_id=case.id, user_id=colleague.id)
    talking_on("call-3way")
    with pytest.raises(ValidationFailed) as refused:
        conferences.three_way(actor=actor("agent"), call_id="call-3way", case_id=case.id, user_id=99999999)
    assert set(refused.value.errors) == {"user_id"}
    assert conferences.mine(actor=actor("agent")) == []        # nothing opened
