"""Call controls and supervision over real TCP: the web's service queues the command, the worker
sends it to the simulated switch, the switch answers and its events confirm it (feed moments,
seats, the command's audit entry); outbound calls get their call record."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed, WrongState
from engine.models import AgentStatus, CallFeed, CallRecord, TelephonyCommand
from engine.telephony import call_center, controls, supervision
from tests.factories import open_case
from tests.telephony.test_live_features import read, seat, switch, wait_for

pytestmark = pytest.mark.timeout(60)


def confirmed(command_id: int, event: str) -> TelephonyCommand:
    """Wait until the command is answered +OK and confirmed by the switch's event."""
    return wait_for(lambda: (c := db.session.get(TelephonyCommand, command_id)).status == "done"
                    and (c.result or "").startswith(f"[confirmed: {event}]") and c, what=f"{event} confirmation")


def phone(actor, login: str) -> AgentStatus:
    return db.session.get(AgentStatus, actor(login).user_id)


def talking(sim, actor, login="agent", ext="1001") -> tuple[str, str]:
    a, b = sim.talking_call(f"{ext}@default", caller="13900001111")
    wait_for(lambda: phone(actor, login).state == "talking" and phone(actor, login).call_id == a, what="talking")
    wait_for(lambda: controls.agent_calls().get(a, {}).get("agent_leg") == b, what="the agent leg in the snapshot")
    return a, b


def test_hold_and_resume_are_confirmed_by_the_switchs_events(app, live_server, actor):
    seat(actor)
    with switch(app, live_server) as (sim, worker):
        a, b = talking(sim, actor)
        hold = controls.control(actor=actor("agent"), call_id=a, action="hold")
        row = confirmed(hold.id, "CHANNEL_HOLD")
        assert row.result.endswith("+OK Success") and f"bgapi uuid_hold {b}" in sim.commands
        assert read(lambda: controls.is_held(a)) and sim.board.legs[b].held
        with pytest.raises(WrongState):
            controls.control(actor=actor("agent"), call_id=a, action="hold")
        db.session.rollback()
        resume = controls.control(actor=actor("agent"), call_id=a, action="unhold")
        confirmed(resume.id, "CHANNEL_UNHOLD")
        assert f"bgapi uuid_hold off {b}" in sim.commands and not sim.board.legs[b].held
        with pytest.raises(WrongState):   # resume a call not on hold
            controls.control(actor=actor("agent"), call_id=a, action="unhold")
        db.session.rollback()
        with pytest.raises(NotFound):     # another agent's call
            seat(actor, "dispatcher", "1002")
            controls.control(actor=actor("dispatcher"), call_id=a, action="hold")
        db.session.rollback()
        kinds = read(lambda: [k for (k,) in db.session.execute(select(CallFeed.kind).where(CallFeed.call_id == a))])
        assert kinds[-2:] == ["hold", "unhold"]
        hangup = controls.control(actor=actor("agent"), call_id=a, action="hangup")
        wait_for(lambda: db.session.get(TelephonyCommand, hangup.id).status == "done")
        record = wait_for(lambda: db.session.execute(select(CallRecord).where(CallRecord.call_id == a)).scalar())
        assert record.outcome == "answered" and record.agent == "1001@default"
        assert [r["kind"] for r in read(lambda: supervision.audit(a))] == ["hold", "unhold", "hangup"]


def test_blind_transfer_to_a_colleague_moves_the_call_to_their_seat(app, live_server, actor):
    seat(actor)
    seat(actor, "dispatcher", "1002")
    with switch(app, live_server) as (sim, worker):
        a, b = talking(sim, actor)
        command = controls.control(actor=actor("agent"), call_id=a, action="transfer", target="agent:1002")
        assert command.command == f"uuid_transfer {a} bridge:user/1002 inline"
        confirmed(command.id, "TRANSFER")
        wait_for(lambda: phone(actor, "dispatcher").state == "talking" and phone(actor, "dispatcher").call_id == a,
                 what="the colleague talking")
        assert read(lambda: phone(actor, "agent").state) == "ready"
        # the colleague now controls the call: hold it
        hold = controls.control(actor=actor("dispatcher"), call_id=a, action="hold")
        confirmed(hold.id, "CHANNEL_HOLD")


def test_attended_transfer_consult_cancel_then_complete(app, live_server, actor):
    seat(actor)
    seat(actor, "dispatcher", "1002")
    with switch(app, live_server) as (sim, worker):
        a, b = talking(sim, actor)
        consult = controls.control(actor=actor("agent"), call_id=a, action="consult", target="agent:1002")
        assert consult.command.startswith(f"uuid_broadcast {b} att_xfer::{{origination_uuid=")
        confirmed(consult.id, "CHANNEL_BRIDGE")
        assert read(lambda: controls.open_consult(a)) is not None
        with pytest.raises(WrongState):
            controls.control(actor=actor("agent"), call_id=a, action="transfer", target="agent:1002")
        db.session.rollback()
        cancel = controls.control(actor=actor("agent"), call_id=a, action="xfer_cancel")
        confirmed(cancel.id, "CHANNEL_BRIDGE")
        assert read(lambda: phone(actor, "agent").state) == "talking"
        with pytest.raises(WrongState):   # nothing to complete any more
            controls.control(actor=actor("agent"), call_id=a, action="xfer_complete")
        db.session.rollback()
        again = controls.control(actor=actor("agent"), call_id=a, action="consult", target="agent:1002")
        confirmed(again.id, "CHANNEL_BRIDGE")
        complete = controls.control(actor=actor("agent"), call_id=a, action="xfer_complete")
        confirmed(complete.id, "TRANSFER")
        wait_for(lambda: phone(actor, "dispatcher").call_id == a and phone(actor, "dispatcher").state == "talking")
        assert read(lambda: phone(actor, "agent").state) == "ready"


def test_pickup_and_answer_of_a_ringing_call(app, live_server, actor):
    seat(actor)
    seat(actor, "dispatcher", "1002")
    with switch(app, live_server) as (sim, worker):
        a, b = sim.talking_call("1001@default", answered=False)
        wait_for(lambda: phone(actor, "agent").state == "ringing")
        with pytest.raises(WrongState):   # hold a ringing call
            controls.control(actor=actor("agent"), call_id=a, action="hold")
        db.session.rollback()
        pick = controls.pickup(actor=actor("dispatcher"))
        assert pick.call_id == a and pick.command.endswith(f"user/1002 &intercept({a})")
        confirmed(pick.id, "CHANNEL_BRIDGE")
        wait_for(lambda: phone(actor, "dispatcher").state == "talking" and phone(actor, "agent").state == "ready")
        a2, b2 = sim.talking_call("1001@default", answered=False)
        wait_for(lambda: phone(actor, "agent").call_id == a2 and controls.agent_calls().get(a2, {}).get("agent_leg"))
        answer = controls.control(actor=actor("agent"), call_id=a2, action="answer")
        assert answer.command == f"uuid_phone_event {b2} talk"
        wait_for(lambda: phone(actor, "agent").state == "talking", what="answered remotely")


def test_a_shift_lead_listens_whispers_barges_and_leaves(app, live_server, actor):
    seat(actor)
    seat(actor, "shift_lead", "1009")
    with switch(app, live_server) as (sim, worker):
        a, b = talking(sim, actor)
        with pytest.raises(Exception) as refused:     # agents do not supervise
            supervision.start(actor=actor("agent"), call_id=a)
        assert refused.value.code == "needs_role"
        db.session.rollback()
        start = supervision.start(actor=actor("shift_lead"), call_id=a)
        assert "eavesdrop_enable_dtmf=true" in start.command and start.command.endswith(f"user/1009 &eavesdrop({b})")
        done = wait_for(lambda: (c := db.session.get(TelephonyCommand, start.id)).status == "done" and c)
        ours = done.result.split()[-1]
        assert sim.board.legs[ours].role == "supervisor"
        for mode, digit in (("whisper", "2"), ("barge", "3"), ("listen", "0")):
            command = supervision.mode(actor=actor("shift_lead"), mode=mode)
            wait_for(lambda: db.session.get(TelephonyCommand, command.id).status == "done")
            assert sim.board.legs[ours].mode == digit and f"bgapi uuid_recv_dtmf {ours} {digit}" in sim.commands
        stop = supervision.stop(actor=actor("shift_lead"))
        wait_for(lambda: db.session.get(TelephonyCommand, stop.id).status == "done")
        assert ours not in sim.board.legs and a in sim.board.legs     # the call goes on
        assert read(lambda: phone(actor, "agent").state) == "talking"
        assert [r["kind"] for r in read(lambda: supervision.audit(a))] == \
            ["eavesdrop", "supervise", "supervise", "supervise", "supervise_end"]


def test_an_outbound_call_is_recorded_like_an_inbound_one(app, live_server, actor):
    case = open_case(actor("agent"), phone="13800138000")
    db.session.rollback()
    seat(actor, "visitor", "1005")
    with switch(app, live_server) as (sim, worker):
        dialled = call_center.dial(actor=actor("visitor"), case_id=case.id)
        ours = dialled.command.call_id
        wait_for(lambda: phone(actor, "visitor").state == "talking" and phone(actor, "visitor").call_id == ours)
        hold = controls.control(actor=actor("visitor"), call_id=ours, action="hold")
        assert hold.command == f"uuid_hold {ours}"
        confirmed(hold.id, "CHANNEL_HOLD")
        controls.control(actor=actor("visitor"), call_id=ours, action="hangup")
        record = wait_for(lambda: db.session.execute(select(CallRecord).where(CallRecord.call_id == ours)).scalar(),
                          what="the outbound call record")
        assert (record.queue, record.outcome, record.caller, record.agent, record.case_id) == \
            ("outbound", "answered", "13800138000", "1005@default", case.id)
        assert record.recording_path == f"/var/lib/freeswitch/recordings/outbound/{ours}.wav"
        assert record.answered_at and record.ended_at
        wait_for(lambda: phone(actor, "visitor").state == "ready")


def test_the_simulator_refuses_controls_on_unknown_channels(app):
    from telephony.simulator import Simulator

    sim = Simulator()
    for command in ("uuid_hold nope", "uuid_hold off nope", "uuid_kill nope", "uuid_answer nope",
                    "uuid_send_dtmf nope 2", "uuid_recv_dtmf nope 2", "uuid_bridge nope other"):
        assert sim.run_api(command) == "-ERR No such channel!\n", command
    sim.close()


def test_who_may_not_control_calls_is_refused_before_the_request_is_read(app, actor):
    """A department handler learns nothing of the controls, not even that the action is unknown."""
    for action in ("hangup", "explode"):
        with pytest.raises(PermissionDenied):
            controls.control(actor=actor("dh_handler"), call_id="any", action=action)
    with pytest.raises(ValidationFailed):        # an agent is told what is wrong with the request
        controls.control(actor=actor("agent"), call_id="any", action="explode")
