"""The worker's live side against the simulator over real TCP, with CDRs posted over real HTTP:
screen-pop feed and phone states, agent-ID announcement, queued commands (agent status,
click-to-call), voicemail -> case, callback list, peak switch, rebuild after a gap, switch restart."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from engine.db import db
from engine.models import AgentStatus, CallFeed, Case, TelephonyCommand
from engine.organisation import settings
from engine.telephony import call_center, calls, live as call_live
from tests.conftest import CDR_PASSWORD
from tests.telephony.helpers import switch_with_worker

pytestmark = pytest.mark.timeout(60)


def read(fn):
    """Run a read in the test's session and end its transaction (SQLite: the worker writes too)."""
    db.session.rollback()
    db.session.expire_all()   # rollback outside a transaction expires nothing: reload what we read
    try:
        return fn()
    finally:
        db.session.rollback()


def wait_for(condition, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = read(condition)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def switch(app, live_server, **worker_options):
    """Simulator (posting CDRs to the live server) + a worker with the engine's hooks."""
    return switch_with_worker(app, live_server, **worker_options)


def seat(actor, login="agent", extension="1001", state="ready"):
    return call_center.set_state(actor=actor(login), state=state, extension=extension)


def test_agent_status_reaches_the_switch_and_calls_go_to_ready_agents(app, live_server, actor):
    seat(actor)
    with switch(app, live_server) as (sim, worker):
        wait_for(lambda: sim.agents.get("1001@default") == "Available", what="agent status on the switch")
        [leg] = sim.play(["answered"], rate=100, step=0.002)
        wait_for(lambda: calls.get(leg.uuid), what="the call record")
        kinds = read(lambda: [(f.kind, f.agent, f.caller) for f in db.session.execute(
            select(CallFeed).where(CallFeed.call_id == leg.uuid).order_by(CallFeed.id)).scalars()])
        assert kinds == [("offer", "1001@default", leg.number), ("answer", "1001@default", leg.number),
                         ("end", "1001@default", leg.number)]
        # the agent heard announced on bridge: uuid_broadcast to the caller's leg with the seat number
        assert f"bgapi uuid_broadcast {leg.uuid} phrase:agent_id:1001 aleg" in sim.commands
        assert read(lambda: calls.get(leg.uuid).agent) == "1001@default"
        # phone state followed the call and is back to ready
        assert read(lambda: db.session.get(AgentStatus, actor("agent").user_id).state) == "ready"
        status = wait_for(lambda: (row := db.session.execute(
            select(TelephonyCommand.status, TelephonyCommand.result)
            .where(TelephonyCommand.kind == "agent_status")).one())[0] != "sent" and row)
        assert status[0] == "done" and status[1].startswith("+OK")


def test_phone_state_is_ringing_then_talking_while_the_call_lasts(app, live_server, actor):
    seat(actor)
    with switch(app, live_server) as (sim, worker):
        wait_for(lambda: sim.agents.get("1001@default") == "Available")
        import threading
        threading.Thread(target=sim.play, args=(["answered"],), kwargs={"rate": 100, "step": 0.05}, daemon=True).start()
        uid = actor("agent").user_id
        wait_for(lambda: db.session.get(AgentStatus, uid).state == "ringing", what="ringing")
        wait_for(lambda: db.session.get(AgentStatus, uid).state == "talking", what="talking")
        wait_for(lambda: db.session.get(AgentStatus, uid).state == "ready", what="ready again")


def test_an_agent_on_break_is_not_moved_by_a_late_end(app, actor):
    seat(actor)
    call_live.feed(kind="offer", call_id="c1", agent="1001@default", caller="13800000000")
    call_live.feed(kind="end", call_id="c1", agent="1001@default")
    seat(actor, state="break")
    call_live.feed(kind="end", call_id="c1", agent="1001@default")
    assert db.session.get(AgentStatus, actor("agent").user_id).state == "break"


def test_click_to_call_originates_from_the_agents_seat_and_reports_the_result(app, live_server, actor):
    case = calls_case(actor)
    seat(actor)
    with switch(app, live_server) as (sim, worker):
        dialled = call_center.dial(actor=actor("agent"), case_id=case.id)
        assert dialled.masked == "138****8000"
        done = wait_for(lambda: (c := db.session.get(TelephonyCommand, dialled.command.id)).status in ("done", "failed") and c,
                        what="the originate result")
        assert done.status == "done" and done.result == f"+OK {dialled.command.call_id}"
        assert any(c.startswith("bgapi originate {origination_uuid=" + dialled.command.call_id) and
                   "user/1001 &bridge(sofia/gateway/carrier/13800138000)" in c for c in sim.commands)


def calls_case(actor):
    from tests.factories import open_case
    return open_case(actor("agent"))


def test_a_failing_command_is_reported_failed(app, live_server, actor):
    seat(actor)
    with switch(app, live_server) as (sim, worker):
        row = call_live.queue_command(kind="conference", command="uuid_transfer not-a-call -both conference:x inline")
        done = wait_for(lambda: (c := db.session.get(TelephonyCommand, row.id)).status in ("done", "failed") and c)
        assert done.status == "failed" and done.result.startswith("-ERR")


def test_voicemail_waits_in_the_queue_linked_to_the_call(app, live_server):
    with switch(app, live_server) as (sim, worker):
        [leg] = sim.play(["overflow"], rate=100, step=0.002)
        record = wait_for(lambda: calls.get(leg.uuid), what="the call record")
    assert record.voicemail_path == f"/var/lib/freeswitch/voicemail/{leg.uuid}.wav"
    assert (record.voicemail_status, record.case_id) == ("open", None)       # no case before someone listens
    assert read(lambda: db.session.execute(select(Case).where(Case.call_id == leg.uuid)).scalar()) is None


def test_dissuaded_call_opens_a_callback(app, live_server, actor):
    with switch(app, live_server) as (sim, worker):
        [leg] = sim.play(["dissuaded"], rate=100, step=0.002)
        record = wait_for(lambda: calls.get(leg.uuid), what="the call record")
    assert (record.callback_status, record.callback_number) == ("open", leg.number)
    assert [r.call_id for r in call_center.callbacks(actor=actor("agent"))] == [leg.uuid]
    call_center.finish_callback(actor=actor("agent"), call_record_id=record.id, result="done")
    assert call_center.callbacks(actor=actor("agent")) == []
    from engine.errors import WrongState
    with pytest.raises(WrongState):
        call_center.finish_callback(actor=actor("shift_lead"), call_record_id=record.id, result="failed")


@pytest.mark.parametrize("mode,expected", [(1, "1"), (0, "0")])
def test_peak_switch_sets_the_switchs_global(app, live_server, actor, mode, expected):
    call_center.set_peak_mode(actor=actor("shift_lead"), mode=mode)
    try:
        with switch(app, live_server) as (sim, worker):
            deadline = time.monotonic() + 5
            while sim.globals.get("cc_peak") != expected and time.monotonic() < deadline:
                time.sleep(0.05)
            assert sim.globals.get("cc_peak") == expected
            # the worker sets the switch's global first and writes its snapshot after: wait for it
            wait_for(lambda: call_live.read_state("live")[0].get("peak") is (mode == 1),
                     what=f"the live snapshot saying peak={mode == 1}")
    finally:
        settings.write_audited("telephony.peak_mode", 2, actor_id=None, reason="test reset")


def test_a_gap_rebuilds_live_calls_and_cdrs_decide_calls_ended_in_it(app, live_server):
    with switch(app, live_server) as (sim, worker):
        worker.client.stop()            # the worker goes deaf: the switch keeps working
        import threading
        # a caller who reaches the queue during the gap (at 5 s) and still waits when the worker returns
        waiting = threading.Thread(target=sim.play, args=(["queue"],), kwargs={"rate": 1, "step": 2.0}, daemon=True)
        waiting.start()
        legs = sim.play(["answered", "ivr", "queue"], rate=100, step=0.002)
        time.sleep(5.5)
        worker.client = worker.client_factory().start()
        worker.client.wait_connected(5)
        for leg in legs:
            wait_for(lambda: calls.get(leg.uuid), what="a call decided from its CDR")
        assert read(lambda: [calls.get(leg.uuid).outcome for leg in legs]) == ["answered", "ivr", "queue"]
        assert worker.reconciled >= 3
        live = wait_for(lambda: call_live.read_state("live")[0].get("queues"), what="the rebuilt queue")
        assert live[0]["name"] == "hotline@default" and live[0]["waiting"] == 1


def test_a_switch_restart_decides_the_calls_it_dropped_once(app, live_server):
    with switch(app, live_server, orphan_wait=0.5) as (sim, worker):
        import threading
        player = threading.Thread(target=sim.play, args=(["answered"] * 3,), kwargs={"rate": 100, "step": 0.2},
                                  daemon=True)
        player.start()
        time.sleep(2.0)                 # the three calls are in the queue / talking
        old_core = sim.core_uuid
        sim.restart()
        wait_for(lambda: worker.restarts == 1, what="the restart noticed")
        assert worker.core_uuid == sim.core_uuid != old_core
        wait_for(lambda: worker.orphaned == 3, what="the dropped calls decided")
        wait_for(lambda: worker.recorded == 3, what="three records")
    assert worker.repeated == 0


def test_the_cdr_endpoint_needs_the_switchs_credentials_and_stores_each_leg_once(client):
    doc = {"core-uuid": "core", "variables": {"uuid": "leg-1", "direction": "inbound"}}
    assert client.post("/telephony/cdr", json=doc).status_code == 401
    assert client.post("/telephony/cdr", json=doc, auth=("freeswitch", "wrong")).status_code == 401
    ok = client.post("/telephony/cdr", json=doc, auth=("freeswitch", CDR_PASSWORD))
    assert ok.status_code == 200 and ok.json == {"stored": True}
    again = client.post("/telephony/cdr", data={"cdr": __import__("json").dumps(doc)}, auth=("freeswitch", CDR_PASSWORD))
    assert again.status_code == 200 and again.json == {"stored": False}
    bad = client.post("/telephony/cdr", json={"variables": {}}, auth=("freeswitch", CDR_PASSWORD))
    assert bad.status_code == 422 and "variables.uuid" in bad.json["errors"]
    garbage = client.post("/telephony/cdr", data="{not json", content_type="application/json",
                          auth=("freeswitch", CDR_PASSWORD))
    assert garbage.status_code == 422
    assert [(i, d["variables"]["uuid"]) for i, d in call_live.cdrs_after(0)][0][1] == "leg-1"


def test_a_worker_reads_only_its_own_switchs_cdrs(app):
    other = {"core-uuid": "other-switch", "variables": {"uuid": "leg-b", "direction": "inbound"}}
    ours = {"core-uuid": "our-switch", "variables": {"uuid": "leg-a", "direction": "inbound"}}
    call_live.store_cdr(other)
    call_live.store_cdr(ours)
    assert [d["variables"]["uuid"] for _, d in call_live.cdrs_after(0, core_uuids={"our-switch"})] == ["leg-a"]
    assert len(call_live.cdrs_after(0)) == 2


def test_trim_removes_only_what_outlived_its_use(app):
    from datetime import timedelta

    from engine.models import CallCdr
    from engine.ports import now as clock_now
    now = clock_now()
    old_feed = call_live.feed(kind="offer", call_id="old", agent="1001@default")
    new_feed = call_live.feed(kind="offer", call_id="new", agent="1001@default")
    db.session.get(CallFeed, old_feed).created_at = now - timedelta(days=2)
    done = call_live.queue_command(kind="originate", command="originate x")
    call_live.finish_command(done.id, ok=True, result="+OK")
    pending = call_live.queue_command(kind="originate", command="originate y")
    for row in (done, pending):
        db.session.get(TelephonyCommand, row.id).created_at = now - timedelta(days=8)
    call_live.store_cdr({"core-uuid": "c", "variables": {"uuid": "old-leg"}})
    call_live.store_cdr({"core-uuid": "c", "variables": {"uuid": "new-leg"}})
    db.session.execute(CallCdr.__table__.update().where(CallCdr.leg_id == "old-leg")
                       .values(received_at=now - timedelta(days=40)))
    db.session.commit()
    assert call_live.trim(now) == {"feed": 1, "commands": 1, "cdrs": 1}
    # only this test's rows: an earlier test's simulator may still be posting CDRs of its calls
    assert [r[0] for r in call_live.feed_after(0) if r[0] in (old_feed, new_feed)] == [new_feed]
    assert db.session.get(TelephonyCommand, pending.id) is not None   # never carried out: kept
    assert [d["variables"]["uuid"] for _, d in call_live.cdrs_after(0)
            if d["variables"]["uuid"] in ("old-leg", "new-leg")] == ["new-leg"]


def test_a_command_nobody_carried_out_in_time_expires_instead_of_ringing_later(app):
    from datetime import timedelta

    from engine.ports import now as clock_now
    stale = call_live.queue_command(kind="originate", command="originate stale")
    fresh = call_live.queue_command(kind="originate", command="originate fresh")
    db.session.get(TelephonyCommand, stale.id).created_at = clock_now() - timedelta(minutes=5)
    db.session.commit()
    assert call_live.take_commands() == [(fresh.id, "originate fresh")]
    expired = db.session.get(TelephonyCommand, stale.id)
    db.session.refresh(expired)
    assert expired.status == "failed" and "expired" in expired.result


