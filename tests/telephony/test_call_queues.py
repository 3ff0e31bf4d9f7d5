"""Queues and the IVR menu against the simulator over real TCP, the switch fetching callcenter.conf
over real HTTP (as mod_xml_curl does): a saved queue reaches the switch through `callcenter_config`,
a menu key leads to its queue, and waiting callers hear their position move up."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import delete, select

from engine.db import db
from engine.models import CallQueue, TelephonyCommand
from engine.telephony import call_center, calls, live as call_live, queues
from telephony.queue_announce import Announcer
from tests.telephony.helpers import switch_with_worker
from tests.telephony.test_live_features import read, wait_for

pytestmark = pytest.mark.timeout(90)


def switch(app, live_server, announcer=None):
    """Simulator fetching callcenter.conf from the live server + a worker with the engine's hooks."""
    return switch_with_worker(app, live_server, conf_over_http=True, announcer=announcer)


@pytest.fixture
def scratch_queue(app):
    """Queues a test creates (names ending in _t) are removed afterwards."""
    yield
    db.session.rollback()
    db.session.execute(delete(CallQueue).where(CallQueue.name.like("%\\_t@default", escape="\\")))
    db.session.commit()


def form(**changes):
    data = {"name": "tax_t", "label": "税务专线", "digit": "7", "priority": "4", "strategy": "round-robin",
            "max_wait_time": "45", "max_wait_time_with_no_agent": "20", "voicemail_wait": "30",
            "announce_position": True, "announce_frequency": "20", "active": True, "agents": "1001 1002"}
    return {**data, **changes}


def commands_done(prefix: str) -> list[tuple[str, str, str]]:
    return [(c.command, c.status, c.result or "") for c in db.session.execute(
        select(TelephonyCommand).where(TelephonyCommand.kind == "queue_config").order_by(TelephonyCommand.id)).scalars()
        if c.command.startswith(prefix)]


def test_a_saved_queue_reaches_the_switch_through_callcenter_config(app, live_server, actor, scratch_queue):
    with switch(app, live_server) as (sim, worker):
        row = queues.save(actor=actor("admin"), data=form(), reason="new line")
        wait_for(lambda: "tax_t@default" in sim.ivr.queues and len(sim.ivr.tiers) >= 2, what="queue loaded")
        # the switch read the parameters from the web (callcenter.conf over HTTP), not from a file
        params = sim.ivr.queues["tax_t@default"]
        assert params["strategy"] == "round-robin" and params["max-wait-time"] == "45"
        assert params["max-wait-time-with-no-agent"] == "20"
        assert sim.ivr.tiers == {("tax_t@default", "1001@default"): (4, 1), ("tax_t@default", "1002@default"): (4, 2)}
        wait_for(lambda: all(s == "done" for _, s, _ in commands_done("callcenter_config")), what="answers")
        assert [c for c, _, _ in read(lambda: commands_done("callcenter_config"))] == [
            "callcenter_config queue load tax_t@default",
            "callcenter_config tier add tax_t@default 1001@default 4 1",
            "callcenter_config tier add tax_t@default 1002@default 4 2"]
        # the menu key's global variables follow the data (the dialplan reads them); they are set one
        # after the other (queue, then score), so the test waits for both (it read between them once)
        wanted = {"hotline_queue_7": "tax_t@default", "hotline_score_7": str(queues.base_score(4))}
        wait_for(lambda: {name: sim.globals.get(name) for name in wanted} == wanted, what="menu variables")

        # a change: one seat leaves, the other gets level 1, the wait changes -> reload + tier commands
        queues.save(actor=actor("admin"), queue_id=row.id, data=form(agents="1001:1", max_wait_time="90"))
        wait_for(lambda: sim.ivr.tiers == {("tax_t@default", "1001@default"): (1, 1)}, what="tiers changed")
        wait_for(lambda: sim.ivr.queues.get("tax_t@default", {}).get("max-wait-time") == "90", what="reloaded")
        assert "api callcenter_config queue reload tax_t@default" in sim.commands \
            or "bgapi callcenter_config queue reload tax_t@default" in sim.commands

        # switched off: tiers removed, queue unloaded, the key falls back to the general queue
        queues.save(actor=actor("admin"), queue_id=row.id, data=form(agents="1001:1", active=False))
        wait_for(lambda: "tax_t@default" not in sim.ivr.queues and not sim.ivr.tiers, what="unloaded")
        wait_for(lambda: sim.globals.get("hotline_queue_7") == "hotline@default", what="menu fallback")


def test_a_queue_the_switch_cannot_find_is_reported_as_failed(app, live_server, actor, scratch_queue):
    with switch(app, live_server) as (sim, worker):
        empty = queues.callcenter_document("nothing@default")   # a document without the queue
        sim.ivr.source = lambda name: empty
        queues.save(actor=actor("admin"), data=form(agents=""))
        wait_for(lambda: commands_done("callcenter_config queue load") and
                 commands_done("callcenter_config queue load")[0][1] == "failed", what="failed load")
        assert "Queue not found" in read(lambda: commands_done("callcenter_config queue load"))[0][2]


def test_a_caller_pressing_a_key_lands_in_that_queue_and_its_figures(app, live_server, actor):
    call_center.set_state(actor=actor("agent"), state="ready", extension="1002")
    since = call_live.clock_now()
    with switch(app, live_server) as (sim, worker):
        wait_for(lambda: sim.globals.get("hotline_queue_2") == "complaint@default", what="menu variables")
        wait_for(lambda: sim.agents.get("1002@default") == "Available", what="seat ready")
        [complaint, general] = sim.play(["answered", "queue"], rate=50, step=0.002, digits=["2", ""])
        wait_for(lambda: calls.get(complaint.uuid) and calls.get(general.uuid), what="call records")
    assert read(lambda: calls.get(complaint.uuid).queue) == "complaint@default"
    assert read(lambda: calls.get(general.uuid).queue) == "hotline@default"   # no key: the general queue
    assert complaint.vars["cc_queue"] == "complaint@default" and complaint.vars["ivr_choice"] == "2"
    figures = {f["queue"]: f for f in read(lambda: queues.today_by_queue(since))}
    assert figures["complaint@default"]["calls"] == 1 and figures["complaint@default"]["answered"] == 1
    assert figures["complaint@default"]["label"] == "投诉"
    assert figures["hotline@default"]["calls"] == 1 and figures["hotline@default"]["answered"] == 0


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def broadcasts(sim, uid: str) -> list[str]:
    return [c.split(" ")[3] for c in list(sim.commands) if c.startswith(f"bgapi uuid_broadcast {uid} phrase:queue_")]


def test_waiting_callers_hear_their_position_and_it_moves_up_as_callers_leave(app, live_server):
    clock = Clock()
    with switch(app, live_server, announcer=Announcer(clock=clock)) as (sim, worker):
        wait_for(lambda: sim.globals.get("hotline_queue_1") == "consultation@default", what="menu variables")
        # caller 0 leaves after 3 s in the queue; callers 1 and 2 wait 20 s (nobody is offered)
        first = threading.Thread(target=sim.play, args=(["queue"],), kwargs={"rate": 1, "step": 1.0, "digits": ["1"]})
        first.start()
        time.sleep(0.2)
        rest: list = []
        threading.Thread(target=lambda: rest.extend(sim.play(["long_wait", "long_wait"], rate=5, step=1.0,
                                                             digits=["1", "1"])), daemon=True).start()
        wait_for(lambda: len(worker.queue_announcer.positions(worker.live)) == 3, timeout=8, what="3 waiting")
        order = sorted(worker.queue_announcer.positions(worker.live).items(), key=lambda kv: kv[1][1])
        uids = [uid for uid, _ in order]
        assert [p for _, p in order] == [("consultation@default", 1), ("consultation@default", 2),
                                         ("consultation@default", 3)]
        # everyone hears their place as they start to wait
        wait_for(lambda: all(broadcasts(sim, u) for u in uids), what="first announcements")
        assert [broadcasts(sim, u)[0] for u in uids] == [f"phrase:queue_position:{n}" for n in (1, 2, 3)]
        # the first caller leaves; at the next period the others hear that they moved up
        wait_for(lambda: len(worker.queue_announcer.positions(worker.live)) == 2, timeout=8, what="one left")
        clock.now += 30     # the queue's period (30 s in the demo data) has passed
        wait_for(lambda: len(broadcasts(sim, uids[1])) >= 2 and len(broadcasts(sim, uids[2])) >= 2,
                 what="second announcements")
        assert broadcasts(sim, uids[1])[1] == "phrase:queue_position:1"
        assert broadcasts(sim, uids[2])[1] == "phrase:queue_position:2"
        assert len(broadcasts(sim, uids[0])) == 1   # gone: not announced again
        # the switch accepted them: the callers were live legs
        assert worker.queue_announcer.sent >= 5
        first.join(5)
