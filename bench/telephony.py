"""Telephony at the seed's peak: 785 calls/minute through simulator → ESL client → worker → web → screens.

    .venv/bin/python bench/telephony.py [--speed 10] [--calls 7850] [--agents 20] [--mix answered=6,...]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_bench_tel .venv/bin/python bench/telephony.py

The real path:

* the switch: the ESL simulator (telephony.simulator, a real TCP server) plays `--calls` calls of
  the mix at 785 × K / 60 calls per real second, every scenario step scaled by 1/K (`--speed K`,
  default 10: ten simulated minutes in one real minute, i.e. ten times the peak's rate; `--speed 1`
  is the peak in real time). Each ended leg's CDR is posted over real HTTP to the web's
  `/telephony/cdr` (CdrPoster, as mod_json_cdr does);
* the worker: the hardened ESL client (telephony.esl) and telephony.worker.Worker with hooks =
  engine.telephony.live — call records, feed rows, agent states, queued commands, agent-ID
  announcements, the live snapshot, CDR reconciliation;
* the web: the app served by api.threaded_server.ThreadedServer;
* the screens: `--agents` users bench_agent_NN (role agent, created if missing), signed in to seat
  2000+NN with call_center.set_state; the simulator offers calls round-robin to the agents the
  worker set Available over ESL. Each signs in over HTTP with its own session and reads its own
  `GET /phone/events` stream (server-sent events), reconnecting with Last-Event-ID as EventSource
  does.

As deployed, switch, worker and web are separate processes: this script forks the switch, the web
and the screens (the agents' browsers) off the worker's process, so the load generator does not
compete with the worker for one interpreter lock. `--one-process` runs them as threads of one
process instead (as `flask telephony selftest` does): every latency then includes waits for the GIL.

Screen-pop latency = (the screen's HTTP client reads `event: offer`) − (the simulator emitted the
call's agent-offering), split into: emit → worker takes the event, → feed row committed,
→ the web sends it (`sent_at` in the event), → the client reads it.

Baseline in the same run: the classifier alone (telephony.classifier.CallTracker) fed the same
number of calls' events (telephony.scenarios.build_call) in play order, in-process, no I/O.
The worker path is rate-limited by the offered load, so the script prints the headroom (raw
capacity ÷ offered events/s) and the worker's busy share of the wall time.

Exits 1 if a played call has no call record (lost) or more than one (duplicated).
"""
from __future__ import annotations

import argparse
import logging
import multiprocessing
import secrets
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import (
    common,  # noqa: E402
    telephony_controls,  # noqa: E402
)
from bench.telephony_children import browsers_main, ensure_agents, switch_main, web_main  # noqa: E402
from bench.telephony_figures import print_intro, report  # noqa: E402
from bench.telephony_trace import PEAK_PER_MINUTE, Plan, RunResult, WorkerTrace, raw_classifier  # noqa: E402

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from flask import Flask


# ---------------------------------------------------------------- the command line

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The benchmark's options."""
    from telephony.worker import DEFAULT_MIX

    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--speed", type=float, default=10.0,
                        help="time compression K: 785×K/60 calls per real second, steps ×1/K (default 10; 1 = real time)")
    parser.add_argument("--calls", type=int, default=7850, help="calls to play (default 7850: ten minutes at the peak)")
    parser.add_argument("--agents", type=int, default=20, help="agent seats signed in with a screen each (default 20)")
    parser.add_argument("--mix", default=None,
                        help="outcome weights, e.g. answered=6,trunk=1 (default telephony.worker.DEFAULT_MIX: "
                             + ",".join(f"{k}={v}" for k, v in DEFAULT_MIX.items()) + ")")
    parser.add_argument("--grace", type=float, default=3.0,
                        help="the worker's grace for late agent-leg events, real seconds (default 3.0, as `telephony run`)")
    parser.add_argument("--settle", type=float, default=60.0,
                        help="seconds to wait after the last event for records and screen pops (default 60)")
    parser.add_argument("--controls", type=int, default=4,
                        help="seats that hold and resume a call of their own throughout the play (default 4; 0: none)")
    parser.add_argument("--one-process", action="store_true",
                        help="switch, web and screens as threads of the worker's process (default: processes)")
    return parser.parse_args(argv)


def parse_mix(text: str | None) -> dict[str, float]:
    """Outcome weights from `--mix` (name=weight,...); telephony.worker.DEFAULT_MIX without it."""
    from telephony.scenarios import OUTCOMES
    from telephony.worker import DEFAULT_MIX

    if not text:
        return dict(DEFAULT_MIX)
    mix = {}
    for part in text.split(","):
        name, _, weight = part.partition("=")
        if name.strip() not in OUTCOMES:
            raise SystemExit(f"bench: unknown outcome {name!r} in --mix (one of {', '.join(OUTCOMES)})")
        mix[name.strip()] = float(weight or 1)
    return mix


# ---------------------------------------------------------------- the real path

def _ask(conn: Connection, command: Any, timeout: float = 10.0) -> Any:
    """Send a command to a child and wait for its answer; None if the child is gone or silent."""
    try:
        conn.send(command)
        return conn.recv() if conn.poll(timeout) else None
    except (OSError, EOFError):
        return None


class RealPath:
    """The real path: web, switch and screens forked off (or threads), the worker in this process."""

    def __init__(self, app: Flask, plan: Plan) -> None:
        self.app, self.plan = app, plan
        self.one_process = plan.args.one_process
        self._fork = multiprocessing.get_context("fork")
        self.sampling = threading.Event()

    def spawn(self, target: Callable[..., None], *args: Any) -> Any:
        """A child running `target`: a process named after it, or a thread with `--one-process`."""
        if self.one_process:
            return threading.Thread(target=target, args=args, daemon=True)
        return self._fork.Process(target=target, args=args, daemon=True, name=target.__name__[:-5])

    def start_children(self) -> None:
        """Serve the web, start the switch, and start the browsers (their screens open now)."""
        from api.threaded_server import ThreadedServer
        from engine.db import db

        password = secrets.token_urlsafe(16)
        self.app.config["TELEPHONY_CDR_PASSWORD"] = password
        with self.app.app_context():
            db.engine.dispose()                # no connection crosses a fork
        self.server = ThreadedServer(self.app)
        base_url = self.server.url
        if self.one_process:
            self.web = self.server.thread
            self.server.start()
        else:
            self.web = self.spawn(web_main, self.server)
            self.web.start()
            self.server.server.socket.close()       # the web process listens; this one does not
        self.switch, switch_end = multiprocessing.Pipe()
        self.switch_proc = self.spawn(switch_main, switch_end, base_url + "/telephony/cdr", password)
        self.switch_proc.start()
        self.sim_port = self.switch.recv()
        # the browsers sign in and open their screens now (forked before this process starts threads)
        self.browsers, browsers_end = multiprocessing.Pipe()
        self.browsers_proc = self.spawn(browsers_main, browsers_end, base_url, self.plan.seats)
        self.browsers_proc.start()

    def make_worker(self) -> None:
        """The worker on the switch's ESL port, its hooks, store and busy methods instrumented."""
        from telephony.worker import Worker

        self.trace = WorkerTrace()
        self.worker = Worker(self._client, self.trace.store, context=self.app.app_context,
                             grace=self.plan.args.grace, hooks=self.trace.hooks)
        self.trace.instrument(self.worker)

    def _client(self) -> Any:
        """The worker's ESL client (each connection), its bgapi calls timed."""
        from telephony import esl

        client = esl.EslClient(esl.Settings(host="127.0.0.1", port=self.sim_port, password="ClueCon",
                                            backoff=(0.05, 0.5), connect_timeout=2.0))
        self.trace.time_bgapi(client)
        return client

    def wait_ready(self) -> None:
        """Start the worker; wait until it set every seat Available over ESL and every screen is open."""
        worker, agents = self.worker, self.plan.agents
        worker.start()
        worker.client.wait_connected(10)
        deadline = time.monotonic() + 30
        while True:
            self.switch.send(("agents",))
            available = self.switch.recv()
            if set(agents) <= set(available):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: the worker set {len(set(agents) & set(available))} of {len(agents)} "
                                 "seats Available over ESL in 30 s")
            time.sleep(0.05)
        if (answer := self.browsers.recv()) != "ready":
            raise SystemExit(f"bench: {answer}")
        threading.Thread(target=self._sample, daemon=True, name="bench-sampler").start()

    def _sample(self) -> None:
        """Note the worker's largest event queue until the run ends."""
        while not self.sampling.wait(0.1):
            self.trace.backlog = max(self.trace.backlog, self.worker.client.events.qsize())

    def play(self) -> dict:
        """Have the switch play the calls, with agents using call controls meanwhile (--controls);
        its answer (call ids, offers, wall times)."""
        self.controls = None
        if (k := self.plan.args.controls):
            calls = _ask(self.switch, ("reserve", self.plan.agents[-k:]))
            self.controls = telephony_controls.Controls(self.app, self.plan.seats, calls or []).start()
        self.trace.reset()
        t0 = time.monotonic()
        self.switch.send(("play", self.plan.outcomes, self.plan.rate, self.plan.step))
        played = self.switch.recv()
        if self.controls:
            self.controls.finish()
            self.controls.seconds = time.monotonic() - t0
        return played

    def settle(self, played: dict) -> float:
        """Wait for the records and the screen pops; the wall time the wait ended."""
        ids = played["ids"]
        # settle: every call recorded, the worker's queue empty and no screen pop for a second
        # (all offers in, or the rest will not come), or --settle runs out
        deadline = time.monotonic() + self.plan.args.settle
        popped, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            found = self._recorded(ids)
            self.browsers.send("offers")
            now_popped = self.browsers.recv()
            if now_popped != popped:
                popped, quiet_since = now_popped, time.monotonic()
            if found >= len(ids) and self.worker.client.events.qsize() == 0 and \
                    (popped >= len(played["offers"]) or time.monotonic() - quiet_since > 1.0):
                break
            time.sleep(0.2)
        return time.time()

    def _recorded(self, ids: list[str]) -> int:
        """How many of the calls have a call record."""
        from sqlalchemy import distinct, func, select

        from engine.db import db
        from engine.models import CallRecord

        with self.app.app_context():
            found = db.session.execute(select(func.count(distinct(CallRecord.call_id)))
                                       .where(CallRecord.call_id.in_(ids))).scalar()
            db.session.remove()
        return found

    def collect(self) -> tuple[dict, list]:
        """(the switch's CDRs and event times, every screen's events) once the CDRs are posted."""
        self.switch.send(("drain", self.plan.args.settle))
        drained = self.switch.recv()
        time.sleep(1.5)                    # one more reconciliation pass over the last CDRs
        self.browsers.send("collect")
        return drained, self.browsers.recv()

    def close(self) -> None:
        """Stop the screens, the worker (flushing), the switch and the web."""
        self.sampling.set()
        _ask(self.browsers, "close")
        self.worker.stop(flush=True)
        _ask(self.switch, ("close",))
        if self.one_process:
            self.server.stop()
        else:
            self.web.terminate()
        for child in (self.web, self.switch_proc, self.browsers_proc):
            child.join(5)

    def run(self) -> RunResult:
        """Set up, play, settle and collect; everything stopped again even if a phase fails."""
        self.start_children()
        self.make_worker()
        try:
            self.wait_ready()
            played = self.play()
            t_settled = self.settle(played)
            drained, screens = self.collect()
        finally:
            self.close()
        return RunResult(played, drained, screens, t_settled, self.trace, self.worker, self.controls)


# ---------------------------------------------------------------- the run

def main(argv: list[str] | None = None) -> int:
    """The benchmark; 1 if a played call has no call record (lost) or more than one (duplicated)."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(processName)s %(name)s %(levelname)s %(message)s")
    mix = parse_mix(args.mix)
    plan = Plan(args, mix, rate=PEAK_PER_MINUTE * args.speed / 60, step=1 / args.speed)

    app = common.make_app(reuse=args.reuse)
    print_intro(app, plan)

    from telephony import scenarios

    plan.outcomes = list(scenarios.pick_outcomes(mix, args.calls, seed=args.calls))
    plan.seats = ensure_agents(app, args.agents)
    plan.agents = [agent for _, agent in plan.seats]

    # (a) raw baseline: the classifier alone, same calls, same play order, nothing else running
    raw = raw_classifier(plan.outcomes, plan.agents, plan.rate, plan.step, args.grace)

    # (b) the real path: web, switch and screens forked off (or threads), the worker here
    run = RealPath(app, plan).run()
    status = report(app, plan, run, raw)
    telephony_controls.report(run.controls, getattr(run.controls, "seconds", 0.0))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
