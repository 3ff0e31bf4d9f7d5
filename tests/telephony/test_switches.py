"""Several switches on one database, over real TCP: two simulated switches (`a`, the default, and
`b`), each with its own worker (engine.telephony.switch_hooks); what each writes carries its
switch, and every command reaches only the switch that carries its call or seat."""
from __future__ import annotations

import contextlib
import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.cli_telephony import is_default_switch, switch_entries
from engine.db import db
from engine.models import AgentStatus, CallCdr, CallFeed, CallRecord, TelephonyCommand
from engine.ports import now as clock_now
from engine.telephony import call_center, calls, controls, live as call_live, switches
from engine.telephony.switch_hooks import SwitchHooks
from telephony import esl
from telephony.simulated_outputs import CdrPoster
from telephony.simulator import Simulator
from telephony.worker import Worker
from tests.conftest import CDR_PASSWORD
from tests.factories import open_case
from tests.telephony.test_call_controls import confirmed
from tests.telephony.test_live_features import read, seat, wait_for

pytestmark = pytest.mark.timeout(90)


class Switches:
    """Simulated switches by id, each with a worker of its own (started by `start`)."""

    def __init__(self, app, live_server) -> None:
        self.app, self.live_server = app, live_server
        self.sims: dict[str, Simulator] = {}
        self.workers: dict[str, Worker] = {}

    def add(self, switch_id: str) -> Simulator:
        poster = CdrPoster(self.live_server + "/telephony/cdr", password=CDR_PASSWORD)
        self.sims[switch_id] = Simulator(cdr_sink=poster).start()
        return self.sims[switch_id]

    def start(self, switch_id: str, default: bool) -> Worker:
        sim = self.sims[switch_id]
        hooks = SwitchHooks(switch_id, default=default)
        factory = lambda: esl.EslClient(esl.Settings(port=sim.port, backoff=(0.05, 0.2), connect_timeout=1.0))  # noqa: E731
        worker = Worker(factory, hooks.store, context=self.app.app_context, grace=0.3, hooks=hooks).start()
        self.workers[switch_id] = worker
        worker.client.wait_connected(5)
        sim.wait_for_clients()
        return worker

    def close(self) -> None:
        for worker in self.workers.values():
            worker.stop()
        for sim in self.sims.values():
            sim.close()


@contextlib.contextmanager
def two_switches(app, live_server, start_b: bool = True):
    both = Switches(app, live_server)
    try:
        both.add("a"), both.add("b")
        both.start("a", default=True)
        if start_b:
            both.start("b", default=False)
            wait_for(lambda: set(switches.running()) == {"a", "b"}, what="both switches' snapshots")
        yield both
    finally:
        both.close()


def phone(actor, login: str) -> AgentStatus:
    return db.session.get(AgentStatus, actor(login).user_id)


def commands_of(kind: str) -> list[tuple[str | None, str, str]]:
    return read(lambda: [tuple(r) for r in db.session.execute(
        select(TelephonyCommand.switch_id, TelephonyCommand.command, TelephonyCommand.status)
        .where(TelephonyCommand.kind == kind).order_by(TelephonyCommand.id))])


def sent(sim: Simulator, verb: str) -> list[str]:
    return [c for c in sim.commands if c.startswith(f"bgapi {verb}")]


def talking(sim, actor, login: str, ext: str) -> tuple[str, str]:
    a, b = sim.talking_call(f"{ext}@default")
    wait_for(lambda: phone(actor, login).state == "talking" and phone(actor, login).call_id == a, what="talking")
    wait_for(lambda: controls.agent_calls().get(a, {}).get("agent_leg") == b, what="the agent leg in the snapshot")
    return a, b


def signed_in_everywhere(both, actor, *seats: tuple[str, str]) -> None:
    """Seats signed in while their switch is unknown: their status goes to every running switch."""
    for login, ext in seats:
        seat(actor, login, ext)
    for _, ext in seats:
        agent = f"{ext}@default"
        wait_for(lambda: all(sim.agents.get(agent) == "Available" for sim in both.sims.values()),
                 what=f"{agent} available on both switches")
    wait_for(lambda: all(status == "done" for _, _, status in commands_of("agent_status")), what="statuses done")


def hang_up_both(both, actor, a1: str, b1: str, a2: str) -> None:
    """Hang up a1 (switch a, the agent's) and a2 (switch b, the visitor's): records and CDRs carry
    their switch."""
    for login, call in (("agent", a1), ("visitor", a2)):
        hangup = controls.control(actor=actor(login), call_id=call, action="hangup")
        wait_for(lambda: db.session.get(TelephonyCommand, hangup.id).status == "done", what="hung up")
    assert sent(both.sims["a"], "uuid_kill") == [f"bgapi uuid_kill {a1} NORMAL_CLEARING"]
    assert sent(both.sims["b"], "uuid_kill") == [f"bgapi uuid_kill {a2} NORMAL_CLEARING"]
    for call, switch in ((a1, "a"), (a2, "b")):
        record = wait_for(lambda: calls.get(call), what="the call record")
        assert (record.switch_id, record.direction, record.outcome) == (switch, "inbound", "answered")

    def stamped():   # mod_json_cdr's posts, stamped by the worker of their switch as it reads them
        rows = dict(db.session.execute(select(CallCdr.leg_id, CallCdr.switch_id)
                                       .where(CallCdr.leg_id.in_([a1, b1, a2]))).all())
        return len(rows) == 3 and None not in rows.values() and rows
    assert wait_for(stamped, what="the CDRs stamped") == {a1: "a", b1: "a", a2: "b"}


def test_calls_and_their_controls_stay_on_their_own_switch(app, live_server, actor):
    with two_switches(app, live_server) as both:
        sim_a, sim_b = both.sims["a"], both.sims["b"]
        signed_in_everywhere(both, actor, ("agent", "1001"), ("dispatcher", "2001"), ("visitor", "2005"))
        assert sorted(s for s, c, _ in commands_of("agent_status") if "1001@default" in c) == ["a", "b"]
        a1, b1 = talking(sim_a, actor, "agent", "1001")
        a2, b2 = talking(sim_b, actor, "dispatcher", "2001")
        # the switch whose events moved a seat is the seat's switch; moments carry their switch
        assert read(lambda: (phone(actor, "agent").switch_id, phone(actor, "dispatcher").switch_id)) == ("a", "b")
        assert read(lambda: {s for (s,) in db.session.execute(select(CallFeed.switch_id)
                                                              .where(CallFeed.call_id == a2))}) == {"b"}
        assert read(lambda: {c["uuid"]: c["switch"] for c in switches.live_state()[0]["agent_calls"]}) == \
            {a1: "a", a2: "b"}

        hold = controls.control(actor=actor("agent"), call_id=a1, action="hold")
        assert hold.switch_id == "a"
        confirmed(hold.id, "CHANNEL_HOLD")
        assert sent(sim_a, "uuid_hold") == [f"bgapi uuid_hold {b1}"] and sent(sim_b, "uuid_hold") == []

        transfer = controls.control(actor=actor("dispatcher"), call_id=a2, action="transfer", target="agent:2005")
        assert transfer.switch_id == "b"
        confirmed(transfer.id, "TRANSFER")
        assert sent(sim_b, "uuid_transfer") == [f"bgapi uuid_transfer {a2} bridge:user/2005 inline"]
        assert sent(sim_a, "uuid_transfer") == []
        wait_for(lambda: phone(actor, "visitor").state == "talking" and phone(actor, "visitor").call_id == a2,
                 what="the colleague on switch b talking")
        assert read(lambda: phone(actor, "visitor").switch_id) == "b"

        hang_up_both(both, actor, a1, b1, a2)

        # the agent's status now goes to the seat's switch only
        wait_for(lambda: phone(actor, "agent").state == "ready", what="the agent free again")
        call_center.set_state(actor=actor("agent"), state="break")
        wait_for(lambda: sim_a.agents["1001@default"] == "On Break", what="on break at switch a")
        assert commands_of("agent_status")[-1][0] == "a"
        time.sleep(0.5)    # both workers polled
        assert sim_b.agents["1001@default"] == "Available"


def test_click_to_call_starts_on_the_seats_switch_and_is_recorded_outbound(app, live_server, actor):
    case = open_case(actor("agent"), phone="13800138000")
    db.session.rollback()
    with two_switches(app, live_server) as both:
        sim_a, sim_b = both.sims["a"], both.sims["b"]
        signed_in_everywhere(both, actor, ("visitor", "2005"))
        first, _ = talking(sim_b, actor, "visitor", "2005")     # switch b's call makes b the seat's switch
        assert read(lambda: phone(actor, "visitor").switch_id) == "b"
        controls.control(actor=actor("visitor"), call_id=first, action="hangup")
        wait_for(lambda: phone(actor, "visitor").state == "ready", what="the seat free again")
        dialled = call_center.dial(actor=actor("visitor"), case_id=case.id)
        ours = dialled.command.call_id
        assert dialled.command.switch_id == "b"
        wait_for(lambda: phone(actor, "visitor").state == "talking" and phone(actor, "visitor").call_id == ours)
        assert sent(sim_a, "originate") == [] and len(sent(sim_b, "originate")) == 1
        hangup = controls.control(actor=actor("visitor"), call_id=ours, action="hangup")
        assert hangup.switch_id == "b"     # a command about the outbound call: the switch that fed it
        record = wait_for(lambda: calls.get(ours), what="the outbound call record")
        assert (record.direction, record.switch_id, record.queue, record.case_id) == ("outbound", "b", "outbound", case.id)


def test_the_wallboard_shows_every_switchs_queues(app, live_server, actor):
    with two_switches(app, live_server) as both:
        signed_in_everywhere(both, actor, ("agent", "1001"), ("dispatcher", "2001"))
        both.sims["a"].talking_call("1001@default", answered=False)
        both.sims["b"].talking_call("2001@default", answered=False)
        board = wait_for(lambda: (w := call_center.wallboard(actor=actor("shift_lead"), day_start=clock_now()
                                                             - timedelta(hours=1))) and len(w["queues"]) == 2 and w,
                         what="both switches' queues on the wallboard")
        assert sorted((q["switch"], q["name"], q["ringing"]) for q in board["queues"]) == \
            [("a", "hotline@default", 1), ("b", "hotline@default", 1)]
        assert board["live_stale"] is False and board["agents"]["ringing"] == 2


def test_a_command_for_switch_b_waits_for_switch_bs_worker(app, live_server, actor):
    with two_switches(app, live_server, start_b=False) as both:
        row = call_live.queue_command(kind="originate", command="originate {origination_uuid=x}user/2001 &park()",
                                      switch_id="b")
        time.sleep(1.0)    # worker a polls five times
        assert read(lambda: db.session.get(TelephonyCommand, row.id).status) == "pending"
        assert sent(both.sims["a"], "originate") == []
        both.start("b", default=False)
        wait_for(lambda: db.session.get(TelephonyCommand, row.id).status != "pending", what="taken by b")
        assert len(sent(both.sims["b"], "originate")) == 1 and sent(both.sims["a"], "originate") == []


def test_take_commands_takes_only_the_switchs_own(app):
    for_b = call_live.queue_command(kind="originate", command="originate b", switch_id="b").id
    nobody = call_live.queue_command(kind="originate", command="originate any").id
    assert call_live.take_commands("a", default=False) == []
    assert call_live.take_commands("b", default=False) == [(for_b, "originate b")]
    assert call_live.take_commands("a", default=True) == [(nobody, "originate any")]
    again = call_live.queue_command(kind="originate", command="originate any again").id
    assert call_live.take_commands() == [(again, "originate any again")]   # a worker without an id


def test_a_seats_switch_is_learnt_from_the_switches_answers(app, actor):
    for switch in ("a", "b"):
        SwitchHooks(switch, default=switch == "a").write_state("live", {"queues": [], "peak": False})
    seat(actor, "agent", "1001")
    first = db.session.execute(select(TelephonyCommand).where(TelephonyCommand.kind == "agent_status")).scalars().all()
    assert sorted(c.switch_id for c in first) == ["a", "b"]
    by_switch = {c.switch_id: c.id for c in first}
    call_live.finish_command(by_switch["a"], ok=False, result="-ERR Invalid Agent!")
    assert phone(actor, "agent").switch_id is None
    call_live.finish_command(by_switch["b"], ok=True, result="+OK")
    assert phone(actor, "agent").switch_id == "b"
    assert seat(actor, "agent", "1001", state="break") and \
        db.session.execute(select(TelephonyCommand.switch_id).order_by(TelephonyCommand.id.desc())).scalar() == "b"
    # the seat's switch no longer knows the agent (moved): forgotten, the next status goes everywhere
    last = db.session.execute(select(TelephonyCommand.id).order_by(TelephonyCommand.id.desc())).scalar()
    call_live.finish_command(last, ok=False, result="-ERR Invalid Agent!")
    assert phone(actor, "agent").switch_id is None
    seat(actor, "agent", "1001", state="ready")
    newest = db.session.execute(select(TelephonyCommand.switch_id).where(TelephonyCommand.id > last)).scalars().all()
    assert sorted(newest) == ["a", "b"]


def test_snapshots_merge_and_a_removed_switch_drops_out(app):
    SwitchHooks("a", default=True).write_state("live", {"queues": [{"name": "hotline@default", "waiting": 2}],
                                                        "stages": {"queue": 2}, "calls": 2, "peak": False})
    SwitchHooks("b", default=False).write_state("live", {"queues": [{"name": "hotline@default", "waiting": 3}],
                                                         "stages": {"queue": 3}, "calls": 3, "peak": True})
    merged, _ = switches.live_state()
    assert [(q["switch"], q["waiting"]) for q in merged["queues"]] == [("a", 2), ("b", 3)]
    assert (merged["calls"], merged["stages"], merged["peak"]) == (5, {"queue": 5}, True)
    assert [s["id"] for s in merged["switches"]] == ["a", "b"]
    from engine.models import TelephonyState
    db.session.get(TelephonyState, "live:b").updated_at = clock_now() - switches.SWITCH_GONE - timedelta(minutes=1)
    db.session.commit()
    merged, _ = switches.live_state()
    assert [s["id"] for s in merged["switches"]] == ["a"] and switches.running() == ["a"]


def test_one_switch_without_an_id_writes_and_takes_as_before(app, actor):
    call_live.write_state("live", {"queues": [{"name": "hotline@default", "waiting": 1}], "peak": False})
    merged, _ = switches.live_state()
    assert merged["queues"] == [{"name": "hotline@default", "waiting": 1}]     # no switch tag
    seat(actor, "agent", "1001")
    assert db.session.execute(select(TelephonyCommand.switch_id)).scalars().all() == [None]


def test_switch_ids_from_the_configuration():
    assert switch_entries("fs1=10.0.0.5:8021, 10.0.0.6:8021,") == [("fs1", "10.0.0.5", 8021),
                                                                   ("10.0.0.6:8021", "10.0.0.6", 8021)]
    assert is_default_switch("fs1", "fs1=10.0.0.5:8021,10.0.0.6:8021")
    assert not is_default_switch("10.0.0.6:8021", "fs1=10.0.0.5:8021,10.0.0.6:8021")
    assert is_default_switch("127.0.0.1:8021", "")
    with pytest.raises(ValueError):
        SwitchHooks("a b; rm")


def test_an_old_style_outbound_record_is_outbound(app):
    assert calls.record(call={"call_id": "old-1", "outcome": "answered", "queue": "outbound"})
    assert calls.record(call={"call_id": "in-1", "outcome": "answered", "queue": "hotline@default"})
    rows = dict(db.session.execute(select(CallRecord.call_id, CallRecord.direction)).all())
    assert rows == {"old-1": "outbound", "in-1": "inbound"}
