"""The telephony worker alone at saturation: how many ESL events a second it can take.

    .venv/bin/python bench/telephony_drain.py [--calls 2000] [--agents 20]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_bench_tel .venv/bin/python bench/telephony_drain.py

bench/telephony.py plays calls in real time through the simulator, the ESL socket, the web and
the screens; there the worker is never saturated below 5× the peak and shares two cores with all
of them, so its capacity is an estimate (events ÷ busy time). This script measures it directly:
the events of `--calls` calls of the default mix (telephony.scenarios, every offer to one of
`--agents` signed-in seats) are queued at once, already decoded, in front of the real
telephony.worker.Worker with the real hooks (engine.telephony.switch_hooks: call records, screen
feed rows, seat states, the snapshot, commands, CDR reconciliation, position announcements), and
the worker drains them. Events/s = events ÷ the time from the first event taken to the last
call recorded. Then the deployed path with new calls of the same mix: a forked switch process (the
ESL simulator) sends all their events at once over TCP to the real client (telephony.esl, which
decodes in its own thread of the worker's process). The ESL decoding alone (telephony.protocol)
and the classifier alone (no I/O) are measured in the same run, as ceilings.

It checks every call has exactly one call record, every offer one screen feed row, and every
seat is free again at the end.
"""
from __future__ import annotations

import queue
import sys
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402
from bench.telephony_children import ensure_agents  # noqa: E402

CORE = "bench-drain-core"


class QueuedSwitch:
    """The EslClient's face to the worker: a filled event queue; every command answers +OK."""

    def __init__(self, events: list[dict]) -> None:
        self.events: queue.Queue = queue.Queue()
        for headers in [{"Event-Name": "ESL::connected"}] + events:
            self.events.put(SimpleNamespace(headers=headers))
        self.connected = threading.Event()
        self.connected.set()
        self.commands = 0

    def start(self) -> "QueuedSwitch":
        return self

    def stop(self) -> None:
        pass

    def api(self, line: str, timeout: float = 5.0) -> str:
        self.commands += 1
        return CORE if line.startswith("global_getvar core_uuid") else "+OK"

    def bgapi(self, line: str) -> Future:
        self.commands += 1
        future: Future = Future()
        future.set_result("+OK")
        return future


def build_events(calls: int, agents: list[str]) -> tuple[list[dict], list[str]]:
    """Every call's events in play order (as the switch would send them) and the A-leg ids."""
    from telephony import scenarios
    from telephony.worker import DEFAULT_MIX

    steps, legs = [], []
    start = time.time() - 3600
    for i, outcome in enumerate(scenarios.pick_outcomes(DEFAULT_MIX, calls)):
        leg, call_steps = scenarios.build_call(outcome, start + i * 0.08, CORE, agent=agents[i % len(agents)])
        legs.append(leg.uuid)
        steps += [(start + i * 0.08 + at, dict(headers)) for at, headers, _ in call_steps]
    steps.sort(key=lambda step: step[0])
    return [headers for _, headers in steps], legs


def classifier_only(events: list[dict]) -> float:
    """Events/s of telephony.classifier.CallTracker alone (the ceiling: no I/O, no hooks)."""
    from telephony.classifier import CallTracker

    tracker = CallTracker(grace=3.0)
    t0 = time.perf_counter()
    for headers in events:
        tracker.on_event(headers)
    tracker.tick(force=True)
    return len(events) / (time.perf_counter() - t0)


def decoding_only(events: list[dict]) -> float:
    """Events/s of the ESL reader (telephony.protocol) on the events' wire form (text/event-plain)."""
    import io

    from telephony import protocol

    wire = b"".join(protocol.frame("text/event-plain", protocol.encode_plain(list(h.items()))) for h in events)
    stream = io.BufferedReader(io.BytesIO(wire))
    t0 = time.perf_counter()
    for _ in events:
        protocol.decode_event(protocol.read_message(stream))
    return len(events) / (time.perf_counter() - t0)


def drain(app, events: list[dict], legs: list[str]) -> dict:
    """Run the worker over the queued events until every call is recorded; its figures."""
    from engine.telephony.switch_hooks import SwitchHooks
    from telephony.worker import Worker

    hooks = SwitchHooks("bench-drain", default=True)
    switch = QueuedSwitch(events)
    worker = Worker(lambda: switch, hooks.store, context=app.app_context, hooks=hooks, grace=0.5)
    t0 = time.perf_counter()
    worker.start()
    while worker.recorded + worker.repeated + worker.ignored < len(legs) and time.perf_counter() - t0 < 600:
        time.sleep(0.01)
    elapsed = time.perf_counter() - t0
    worker.stop()
    return {"seconds": elapsed, "events_per_s": len(events) / elapsed, "recorded": worker.recorded,
            "errors": worker.errors, "commands": switch.commands}


def switch_process(events: list[dict], conn) -> None:
    """The switch, forked: the ESL simulator; once the worker's client has subscribed, every event
    goes out at once, already framed (the switch's own encoding is not the worker's cost)."""
    from telephony import protocol
    from telephony.simulator import Simulator

    sim = Simulator().start()
    wire = b"".join(protocol.frame("text/event-plain", protocol.encode_plain(list(h.items()))) for h in events)
    conn.send(sim.port)
    sim.wait_for_clients(1, timeout=30.0)
    conn.recv()                     # the parent is ready to time
    conn.send(time.perf_counter())
    sim.send_raw(wire)
    conn.recv()                     # done: close
    sim.close()


def over_tcp(app, events: list[dict], legs: list[str]) -> dict:
    """The deployed path: switch process → TCP → telephony.esl.EslClient (decoding in its own
    thread) → the worker with the real hooks. Events/s from the first byte sent to the last record."""
    import multiprocessing

    from engine.telephony.switch_hooks import SwitchHooks
    from telephony import esl
    from telephony.worker import Worker

    ours, theirs = multiprocessing.get_context("fork").Pipe()
    child = multiprocessing.get_context("fork").Process(target=switch_process, args=(events, theirs), daemon=True)
    child.start()
    port = ours.recv()
    hooks = SwitchHooks("bench-drain-tcp", default=True)
    worker = Worker(lambda: esl.EslClient(esl.Settings(host="127.0.0.1", port=port, password="ClueCon")),
                    hooks.store, context=app.app_context, hooks=hooks, grace=0.5).start()
    time.sleep(1.0)                 # connected, subscribed, the live view rebuilt
    ours.send("go")
    t0 = ours.recv()
    while worker.recorded + worker.repeated + worker.ignored < len(legs) and time.perf_counter() - t0 < 600:
        time.sleep(0.01)
    elapsed = time.perf_counter() - t0
    worker.stop()
    ours.send("done")
    child.join(10)
    return {"seconds": elapsed, "events_per_s": len(events) / elapsed, "recorded": worker.recorded,
            "errors": worker.errors}


def check(app, events: list[dict], legs: list[str], agents: list[str]) -> None:
    """Every call exactly one record, every offer one feed row, every seat free again."""
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import AgentStatus, CallFeed, CallRecord

    offers = sum(1 for h in events if h.get("CC-Action") == "agent-offering")
    with app.app_context():
        rows = db.session.execute(select(CallRecord.call_id, func.count()).where(CallRecord.call_id.in_(legs))
                                  .group_by(CallRecord.call_id)).all()
        fed = db.session.execute(select(func.count()).where(CallFeed.kind == "offer",
                                                            CallFeed.call_id.in_(legs))).scalar()
        busy = db.session.execute(select(func.count()).where(
            AgentStatus.extension.in_([a.split("@")[0] for a in agents]), AgentStatus.state != "ready")).scalar()
    assert len(rows) == len(legs), f"{len(legs) - len(rows)} call(s) without a record"
    assert all(n == 1 for _, n in rows), "a call recorded twice"
    assert fed == offers, f"{offers} offers, {fed} offer rows in the screen feed"
    assert busy == 0, f"{busy} seat(s) still ringing or talking after every call ended"


def main() -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--agents", type=int, default=20)
    args = parser.parse_args()
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"telephony worker drain: {args.calls:,} calls queued at once")
    agents = [cc for _, cc in ensure_agents(app, args.agents)]
    events, legs = build_events(args.calls, agents)
    print(f"events: {len(events):,} ({len(events) / len(legs):.1f} per call)")
    print(f"classifier alone (no I/O): {classifier_only(events):,.0f} events/s")
    print(f"ESL decoding alone (telephony.protocol): {decoding_only(events):,.0f} events/s")
    figures = drain(app, events, legs)
    check(app, events, legs, agents)
    print(f"worker with the real hooks: {figures['events_per_s']:,.0f} events/s "
          f"({figures['seconds']:.1f} s for {len(events):,} events; {figures['recorded']:,} calls recorded, "
          f"{figures['commands']:,} switch commands, {figures['errors']} errors)")
    events, legs = build_events(args.calls, agents)     # new calls: the same mix, new ids
    figures = over_tcp(app, events, legs)
    check(app, events, legs, agents)
    print(f"the same over TCP from a switch process (ESL decoding included): {figures['events_per_s']:,.0f} events/s "
          f"({figures['seconds']:.1f} s; {figures['recorded']:,} calls recorded, {figures['errors']} errors)")
    print("checked each time: every call has exactly one call record, every offer one feed row, every seat is ready")


if __name__ == "__main__":
    main()
