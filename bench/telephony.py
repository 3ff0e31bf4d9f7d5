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

import gc
import heapq
import http.cookiejar
import json
import logging
import multiprocessing
import re
import secrets
import signal
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

PEAK_PER_MINUTE = 785          # the seed's busiest minute
SEAT_BASE = 2000
AGENT_LOGIN = "bench_agent_{:02d}"
PASSWORD = "12345demo"


# ---------------------------------------------------------------- agents

def ensure_agents(app, count: int) -> list[tuple[str, str]]:
    """(login, cc agent) of `count` agents, created if missing, each signed in to seat 2000+NN."""
    from sqlalchemy import select

    from engine.db import db
    from engine.models import Department, User
    from engine.organisation import directory as org, roles as R
    from engine.organisation.actor import actor_from_user
    from engine.telephony import call_center, live as call_live

    seats = []
    with app.app_context():
        center = db.session.execute(select(Department).where(Department.code == "center")).scalar_one()
        for n in range(1, count + 1):
            login = AGENT_LOGIN.format(n)
            if db.session.execute(select(User.id).where(User.username == login)).scalar() is None:
                org.create_user(username=login, display_name=f"压测话务员 {n:02d}", password=PASSWORD,
                                department=center, roles=[R.AGENT], phone=f"13700{n:06d}")
                db.session.commit()
        for n in range(1, count + 1):
            login, extension = AGENT_LOGIN.format(n), str(SEAT_BASE + n)
            call_center.set_state(actor=actor_from_user(org.get_user(login)), state="ready", extension=extension)
            seats.append((login, call_live.cc_agent(extension)))
        db.session.remove()
    return seats


# ---------------------------------------------------------------- the switch (simulator + CDR poster)

def switch_main(conn, cdr_url: str, password: str) -> None:
    """The switch's side: answers commands from the bench over `conn` until `close`."""
    from telephony.simulator import CdrPoster, Simulator

    poster = CdrPoster(cdr_url, password=password)
    sim = Simulator(port=0, cdr_sink=poster).start()
    emitted: dict[str, float] = {}         # Event-Sequence -> wall time sent to the worker's session
    emit_times: list[float] = []           # every event sent to a session (incl. BACKGROUND_JOB)
    offered_agent: dict[str, str] = {}     # A leg -> the agent its agent-offering named
    real_emit = sim.emit

    def emit(headers, body=None):
        h = dict(headers)
        with sim._lock:
            wanted = any(s.wants(h) for s in sim.sessions)
        now = time.time()
        if wanted:
            emit_times.append(now)
            if "Event-Sequence" in h:
                emitted[h["Event-Sequence"]] = now
        if h.get("CC-Action") == "agent-offering":
            offered_agent[h.get("CC-Member-Session-UUID", "")] = h.get("CC-Agent", "")
        real_emit(headers, body)
    sim.emit = emit

    backlog = [0]
    sampling = threading.Event()

    def sample():
        while not sampling.wait(0.1):
            backlog[0] = max(backlog[0], poster._queue.qsize())

    conn.send(sim.port)
    while True:
        command, *args = conn.recv()
        if command == "agents":
            conn.send(sim.available_agents())
        elif command == "play":
            outcomes, rate, step = args
            threading.Thread(target=sample, daemon=True).start()
            emit_times.clear()
            t_call = time.time()
            legs = sim.play(outcomes, rate=rate, step=step)
            conn.send({"ids": [leg.uuid for leg in legs], "t_call": t_call, "t_played": time.time(),
                       "offers": dict(sim.offers), "offered_agent": dict(offered_agent)})
        elif command == "drain":
            poster.drain(timeout=args[0])
            sampling.set()
            conn.send({"posted": poster.posted, "failed": poster.failed, "backlog": backlog[0],
                       "emitted": dict(emitted), "emit_times": list(emit_times)})
        elif command == "close":
            sim.close()
            conn.send(None)
            return


# ---------------------------------------------------------------- the agents' browsers

def sign_in(base_url: str, login: str) -> http.cookiejar.CookieJar:
    """Sign in over real HTTP as a browser does; the session's cookie jar."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base_url + "/login", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": login, "password": PASSWORD, "csrf_token": token}).encode()
    opener.open(base_url + "/login", data=body, timeout=10).read()
    return jar


class Screen:
    """One agent's `/phone/events` stream read in a thread, as EventSource does: each event
    timed on arrival; when the server ends the stream, reconnect after `retry` ms with
    Last-Event-ID (the server replays what was missed)."""

    def __init__(self, url: str, jar: http.cookiejar.CookieJar, agent: str) -> None:
        self.url, self.agent = url, agent
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.events: list[tuple[str, dict, float]] = []
        self.connects = 0
        self.last_id = ""
        self.retry = 2.0
        self.ready = threading.Event()
        self.response = None
        self._closing = False
        threading.Thread(target=self._run, daemon=True, name=f"screen-{agent}").start()

    def _run(self) -> None:
        while not self._closing:
            request = urllib.request.Request(self.url, headers={"Last-Event-ID": self.last_id} if self.last_id else {})
            try:
                self.response = self.opener.open(request, timeout=60)
                self.connects += 1
                self._read(self.response)
            except (OSError, ValueError, AttributeError):
                pass
            if not self._closing:
                time.sleep(self.retry)

    def _read(self, response) -> None:
        kind, data, event_id = None, None, None
        for raw in response:
            line = raw.decode().rstrip("\n")
            if line.startswith("retry: "):
                self.retry = int(line[7:]) / 1000
                self.ready.set()           # the server subscribed this screen before the first line
            elif line.startswith("id: "):
                event_id = line[4:]
            elif line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: "):
                data = json.loads(line[6:])
            elif line == "" and kind:
                self.events.append((kind, data, time.time()))
                self.last_id = event_id or self.last_id
                kind, data, event_id = None, None, None

    def close(self) -> None:
        self._closing = True
        try:
            # a blocked read ends at once on shutdown (close() would wait for it)
            self.response.fp.raw._sock.shutdown(socket.SHUT_RDWR)
        except (OSError, AttributeError):
            pass


def browsers_main(conn, base_url: str, seats: list[tuple[str, str]]) -> None:
    """The agents' browsers: sign in, open every screen, answer `offers` / `collect` / `close`."""
    try:
        screens = [Screen(base_url + "/phone/events", sign_in(base_url, login), agent) for login, agent in seats]
        opened = all(screen.ready.wait(10) for screen in screens)
    except Exception as exc:  # noqa: BLE001 — reported by the bench, which then stops
        conn.send(f"could not open the screens: {exc!r}")
        return
    conn.send("ready" if opened else "a screen did not open in 10 s")
    while True:
        command = conn.recv()
        if command == "offers":
            conn.send(sum(1 for s in screens for kind, _, _ in list(s.events) if kind == "offer"))
        elif command == "collect":
            conn.send([(s.agent, s.connects, list(s.events)) for s in screens])
        elif command == "close":
            for screen in screens:
                screen.close()
            conn.send(None)
            return


# ---------------------------------------------------------------- the web

def web_main(server) -> None:
    """The web process: serve until terminated."""
    from engine.db import db

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with server.server.app.app_context():
        db.engine.dispose(close=False)     # never use the parent's connections
    server.server.serve_forever()


# ---------------------------------------------------------------- instrumentation (bench side only)

class BusyTimer:
    """Wall time spent inside the wrapped worker methods (outermost call only)."""

    def __init__(self) -> None:
        self.busy, self.depth = 0.0, 0

    def wrap(self, fn, on_call=None):
        def wrapper(*args, **kwargs):
            if on_call is not None:
                on_call(*args)
            if self.depth:
                return fn(*args, **kwargs)
            self.depth += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.busy += time.perf_counter() - t0
                self.depth -= 1
        return wrapper


class TimedHooks:
    """engine.telephony.live for the worker, noting when each offer's feed row was committed."""

    def __init__(self) -> None:
        from engine.telephony import live as call_live
        self._live = call_live
        self.offer_committed: dict[str, float] = {}

    def __getattr__(self, name):
        return getattr(self._live, name)

    def feed(self, **kwargs):
        row = self._live.feed(**kwargs)
        if kwargs.get("kind") == "offer":
            self.offer_committed.setdefault(kwargs["call_id"], time.time())
        return row


def parse_mix(text: str | None) -> dict[str, float]:
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


def longest_call(mix: dict[str, float]) -> float:
    """The longest scenario of the mix, in scenario seconds."""
    from telephony import scenarios

    return max(scenarios.build_call(outcome, 0.0, "probe")[1][-1][0] for outcome, w in mix.items() if w > 0)


def steady_window(first: float, calls: int, rate: float, longest: float) -> tuple[float, float]:
    """(from, to) wall times of the steady state: every call length is in play (the longest call
    started at the first event has ended) and calls still start. The whole run if that is short."""
    starts_end = first + (calls - 1) / rate
    if starts_end - (first + longest) >= 5.0:
        return first + longest, starts_end
    return first, float("inf")


def rate_in(times: list[float], window: tuple[float, float]) -> float:
    """Items per second within the window (clipped to the items' own span)."""
    lo, hi = window
    inside = [t for t in times if lo <= t <= hi]
    if len(inside) < 2:
        return float("nan")
    return len(inside) / ((min(hi, max(inside)) if hi == float("inf") else hi) - lo)


def code_version() -> str:
    """The commit measured (and whether the working tree differs from it)."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=common.ROOT, capture_output=True,
                              text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=common.ROOT,
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"{head or 'unknown'}{' with local changes' if dirty else ''}"


def _ask(conn, command, timeout: float = 10.0):
    """Send a command to a child and wait for its answer; None if the child is gone or silent."""
    try:
        conn.send(command)
        return conn.recv() if conn.poll(timeout) else None
    except (OSError, EOFError):
        return None


# ---------------------------------------------------------------- raw baseline

def raw_classifier(outcomes: list[str], agents: list[str], rate: float, step: float,
                   grace: float) -> tuple[float, int, int, int]:
    """(elapsed s, events, outcomes decided, wrong outcomes): CallTracker fed every event of the
    calls in play order, its clock at each event's play time and ticked as often as the worker
    ticks it (so its calls in grace are the worker's)."""
    from telephony import scenarios, worker as worker_module
    from telephony.classifier import CallTracker

    heap, origin, expected = [], time.time(), {}
    for i, outcome in enumerate(outcomes):
        leg, steps = scenarios.build_call(outcome, origin, "raw-core", agent=agents[i % len(agents)])
        expected[leg.uuid] = outcome
        for offset, headers, _ in steps:
            heap.append((i / rate + offset * step, len(heap), dict(headers)))
    heapq.heapify(heap)
    events = [heapq.heappop(heap) for _ in range(len(heap))]
    now = [0.0]
    tracker = CallTracker(grace=grace, clock=lambda: now[0])
    every = getattr(worker_module, "TICK_SECONDS", 0.0)   # the worker ticks the tracker this often
    next_tick = 0.0
    gc.collect()
    gc.freeze()      # the worker never holds a whole run's events: keep them out of the collector's scans
    t0 = time.perf_counter()
    for at, _, headers in events:
        now[0] = at
        tracker.on_event(headers)
        if at >= next_tick:
            next_tick = at + every
            tracker.tick()
    decided = tracker.flush()
    elapsed = time.perf_counter() - t0
    gc.unfreeze()
    wrong = sum(1 for o in decided if expected.get(o.uuid) != o.outcome)
    return elapsed, len(events), len(decided), wrong


# ---------------------------------------------------------------- the run

def main(argv=None) -> int:
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
    parser.add_argument("--one-process", action="store_true",
                        help="switch, web and screens as threads of the worker's process (default: processes)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(processName)s %(name)s %(levelname)s %(message)s")

    mix = parse_mix(args.mix)
    rate = PEAK_PER_MINUTE * args.speed / 60
    step = 1 / args.speed

    app = common.make_app(reuse=args.reuse)
    common.header(app, f"telephony benchmark: {args.calls} calls at {PEAK_PER_MINUTE}/min × speed {args.speed:g}, "
                       f"{args.agents} agent screens")
    print(f"code: {code_version()}")
    print(f"mix: {', '.join(f'{k}={v:g}' for k, v in mix.items())}; offered {rate:.1f} calls/s real "
          f"({PEAK_PER_MINUTE} per simulated minute × {args.speed:g}), scenario steps ×{step:g}, "
          f"worker grace {args.grace:g} s; switch, web and screens "
          + ("as threads of one process" if args.one_process else "in their own processes"))

    from sqlalchemy import distinct, func, select

    from api.threaded_server import ThreadedServer
    from engine.db import db
    from engine.models import CallRecord
    from engine.telephony import calls
    from telephony import esl, scenarios
    from telephony.worker import Worker

    outcomes = list(scenarios.pick_outcomes(mix, args.calls, seed=args.calls))
    seats = ensure_agents(app, args.agents)
    agents = [agent for _, agent in seats]

    # (a) raw baseline: the classifier alone, same calls, same play order, nothing else running
    raw_s, raw_events, raw_decided, raw_wrong = raw_classifier(outcomes, agents, rate, step, args.grace)
    raw_rate = raw_events / raw_s

    # (b) the real path: web, switch and screens forked off (or threads), the worker here
    password = secrets.token_urlsafe(16)
    app.config["TELEPHONY_CDR_PASSWORD"] = password
    with app.app_context():
        db.engine.dispose()                # no connection crosses a fork
    server = ThreadedServer(app)
    base_url = server.url
    ctx = multiprocessing.get_context("fork")
    spawn = (lambda target, *a: threading.Thread(target=target, args=a, daemon=True)) if args.one_process else \
        (lambda target, *a: ctx.Process(target=target, args=a, daemon=True, name=target.__name__[:-5]))
    if args.one_process:
        web = server.thread
        server.start()
    else:
        web = spawn(web_main, server)
        web.start()
        server.server.socket.close()       # the web process listens; this one does not
    switch, switch_end = multiprocessing.Pipe()
    switch_proc = spawn(switch_main, switch_end, base_url + "/telephony/cdr", password)
    switch_proc.start()
    sim_port = switch.recv()
    # the browsers sign in and open their screens now (forked before this process starts threads)
    browsers, browsers_end = multiprocessing.Pipe()
    browsers_proc = spawn(browsers_main, browsers_end, base_url, seats)
    browsers_proc.start()

    hooks = TimedHooks()
    stored_at: list[float] = []

    def store(*, call):
        new = calls.record(call=call)
        stored_at.append(time.time())
        return new

    bgapi_waits: list[float] = []        # the worker thread waiting for a bgapi's command/reply

    def client_factory():
        client = esl.EslClient(esl.Settings(host="127.0.0.1", port=sim_port, password="ClueCon",
                                            backoff=(0.05, 0.5), connect_timeout=2.0))
        real_bgapi = client.bgapi

        def bgapi(line, timeout=None):
            t0 = time.perf_counter()
            try:
                return real_bgapi(line, timeout)
            finally:
                bgapi_waits.append(time.perf_counter() - t0)
        client.bgapi = bgapi
        return client

    worker = Worker(client_factory, store, context=app.app_context, grace=args.grace, hooks=hooks)
    busy = BusyTimer()
    handled: list[tuple[str, float]] = []      # (Event-Sequence, wall time the worker took it)
    offer_taken: dict[str, float] = {}

    def on_event(headers):
        now = time.time()
        handled.append((headers.get("Event-Sequence") or "", now))
        if headers.get("CC-Action") == "agent-offering":
            offer_taken.setdefault(headers.get("CC-Member-Session-UUID", ""), now)
    worker.handle = busy.wrap(worker.handle, on_call=on_event)
    worker.maintain = busy.wrap(worker.maintain)
    worker._write_new = busy.wrap(worker._write_new)

    backlog = [0]
    sampling = threading.Event()
    try:
        worker.start()
        worker.client.wait_connected(10)
        deadline = time.monotonic() + 30
        while True:
            switch.send(("agents",))
            available = switch.recv()
            if set(agents) <= set(available):
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: the worker set {len(set(agents) & set(available))} of {len(agents)} "
                                 "seats Available over ESL in 30 s")
            time.sleep(0.05)
        if (answer := browsers.recv()) != "ready":
            raise SystemExit(f"bench: {answer}")

        def sample():
            while not sampling.wait(0.1):
                backlog[0] = max(backlog[0], worker.client.events.qsize())
        threading.Thread(target=sample, daemon=True, name="bench-sampler").start()

        busy.busy = 0.0
        handled.clear()
        bgapi_waits.clear()
        switch.send(("play", outcomes, rate, step))
        played = switch.recv()
        ids = played["ids"]

        # settle: every call recorded, the worker's queue empty and no screen pop for a second
        # (all offers in, or the rest will not come), or --settle runs out
        deadline = time.monotonic() + args.settle
        popped, quiet_since = -1, time.monotonic()
        while time.monotonic() < deadline:
            with app.app_context():
                found = db.session.execute(select(func.count(distinct(CallRecord.call_id)))
                                           .where(CallRecord.call_id.in_(ids))).scalar()
                db.session.remove()
            browsers.send("offers")
            now_popped = browsers.recv()
            if now_popped != popped:
                popped, quiet_since = now_popped, time.monotonic()
            if found >= len(ids) and worker.client.events.qsize() == 0 and \
                    (popped >= len(played["offers"]) or time.monotonic() - quiet_since > 1.0):
                break
            time.sleep(0.2)
        t_settled = time.time()
        switch.send(("drain", args.settle))
        drained = switch.recv()
        time.sleep(1.5)                    # one more reconciliation pass over the last CDRs
        browsers.send("collect")
        screens = browsers.recv()
    finally:
        sampling.set()
        _ask(browsers, "close")
        worker.stop(flush=True)
        _ask(switch, ("close",))
        if args.one_process:
            server.stop()
        else:
            web.terminate()
        for child in (web, switch_proc, browsers_proc):
            child.join(5)

    # ---------------------------------------------------------------- figures
    with app.app_context():
        rows, distinct_ids = db.session.execute(select(func.count(), func.count(distinct(CallRecord.call_id)))
                                                .where(CallRecord.call_id.in_(ids))).one()
        got = dict(db.session.execute(select(CallRecord.call_id, CallRecord.outcome)
                                      .where(CallRecord.call_id.in_(ids))).all())
        per_outcome = calls.summary(call_ids=ids)
        no_offer_time = db.session.execute(select(func.count()).where(
            CallRecord.call_id.in_(ids), CallRecord.outcome.in_(("answered", "agent")),
            CallRecord.offered_at.is_(None))).scalar()
    lost, duplicated = len(ids) - distinct_ids, rows - distinct_ids
    wrong = sum(1 for uid, outcome in zip(ids, outcomes) if uid in got and got[uid] != outcome)

    emit_times, emitted = drained["emit_times"], drained["emitted"]
    first_emit, last_emit = emit_times[0], emit_times[-1]
    taken = [at for _, at in handled]
    window = max(taken[-1], last_emit) - first_emit
    steady = steady_window(first_emit, len(ids), rate, longest_call(mix) * step)
    offered_rate = rate_in(emit_times, steady)
    worker_rate = rate_in(taken, steady)
    recorded_rate = rate_in(stored_at, steady)
    lags = [at - emitted[seq] for seq, at in handled if seq in emitted]
    capacity = len(handled) / busy.busy if busy.busy else float("nan")

    seat_set = set(agents)
    offers, offered_agent = played["offers"], played["offered_agent"]
    pops: dict[str, tuple[dict, float]] = {}
    kinds = Counter()
    repeats = 0          # the same moment (kind, call) twice on one screen
    for _, _, events in screens:
        seen = set()
        for kind, data, received in events:
            kinds[kind] += 1
            repeats += (kind, data["call_id"]) in seen
            seen.add((kind, data["call_id"]))
            if kind == "offer" and data["call_id"] in offers:
                pops.setdefault(data["call_id"], (data, received))
    latency = [received - offers[cid] for cid, (_, received) in pops.items()]
    to_worker = [offer_taken[c] - offers[c] for c in pops if c in offer_taken]
    to_row = [hooks.offer_committed[c] - offer_taken[c] for c in pops
              if c in offer_taken and c in hooks.offer_committed]
    to_sent = [d["sent_at"] - hooks.offer_committed[c] for c, (d, _) in pops.items() if c in hooks.offer_committed]
    to_client = [received - d["sent_at"] for d, received in pops.values()]
    offered_to_seats = sum(1 for agent in offered_agent.values() if agent in seat_set)
    missed = [c for c, agent in offered_agent.items() if agent in seat_set and c not in pops]
    missed_after_end = sum(1 for c in missed if c not in hooks.offer_committed)

    def pct(values: list[float]) -> str:
        v = common.ms(values)
        if not v:
            return "n/a"
        return (f"p50 {common.percentile(v, 50):,.0f} ms, p95 {common.percentile(v, 95):,.0f} ms, "
                f"max {max(v):,.0f} ms")

    print(f"calls played: {len(ids):,} ({', '.join(f'{k} {v}' for k, v in Counter(outcomes).items())}); "
          f"first to last event {last_emit - first_emit:.1f} s real (calls started over {(len(ids) - 1) / rate:.1f} s; "
          f"play() incl. building the calls {played['t_played'] - played['t_call']:.1f} s); "
          f"all recorded and popped {t_settled - first_emit:.1f} s after the first event")
    span = "the whole run" if steady[1] == float("inf") else \
        f"steady state {steady[0] - first_emit:.1f}–{steady[1] - first_emit:.1f} s"
    print(f"rates below over {span} after the first event")
    print(f"events: {len(emit_times):,} sent to the worker's session ({offered_rate:,.0f}/s offered), "
          f"{len(handled):,} handled by the worker ({worker_rate:,.0f}/s); "
          f"emit → worker takes it {pct(lags)}; worker queue backlog max {backlog[0]:,}")
    print(f"worker busy {busy.busy:.1f} s of {window:.1f} s ({busy.busy / window:.0%}): ≈{capacity:,.0f} events/s "
          f"if saturated (busy-time estimate); of it waiting for bgapi replies (agent-ID announcements, "
          f"commands): {len(bgapi_waits):,} × {pct(bgapi_waits)}, {sum(bgapi_waits):.1f} s")
    print(f"call records: {worker.recorded:,} written, {recorded_rate:,.1f} calls/s "
          f"(offered {rate:.1f}/s), {worker.repeated} repeated; by outcome: "
          + ", ".join(f"{k} {v}" for k, v in per_outcome.items()))
    print(f"screen pops: {len(pops):,} received of {offered_to_seats:,} offers to the {len(agents)} seats "
          f"(offers to other agents {len(offered_agent) - offered_to_seats}; not popped {len(missed)}, "
          f"{missed_after_end} of them because the call was decided before its offer was handled); "
          f"latency (screen reads `offer` − simulator emits agent-offering) {pct(latency)}")
    print(f"  of which: emit → worker takes it {pct(to_worker)}; → feed row committed {pct(to_row)}; "
          f"→ web sends it {pct(to_sent)}; → screen reads it {pct(to_client)}")
    print(f"  SSE events by kind: {dict(kinds)}, {repeats} of them repeated on the same screen; "
          f"stream connects {sum(c for _, c, _ in screens)} for {len(screens)} screens")
    print(f"lost: {lost}  duplicated: {duplicated}  wrong outcome: {wrong}  reconciled legs (from CDRs): "
          f"{worker.reconciled}  worker errors: {worker.errors}  commands carried out: {worker.commands}  "
          f"answered/agent records without offered_at: {no_offer_time}")
    print(f"worker state left after the run: {len(worker.tracker.pending)} pending, "
          f"{len(worker.tracker.calls)} undecided calls, {len(worker.live.calls)} live calls, "
          f"{len(worker._times)} call times, {len(worker._finals)} final events kept")
    print(f"CDRs: {drained['posted']:,} posted over HTTP, {drained['failed']} failed, "
          f"poster backlog max {drained['backlog']:,}")
    print(f"raw classifier (CallTracker alone, same {len(outcomes):,} calls, {raw_events:,} events, in-process): "
          f"{raw_rate:,.0f} events/s ({raw_s * 1000:.0f} ms; {raw_decided} decided, {raw_wrong} wrong)")
    print(f"worker path ÷ raw: {worker_rate / raw_rate:.3f}× as run (rate-limited by the offered load), "
          f"{capacity / raw_rate:.3f}× at the busy-time estimate; headroom: raw classifier "
          f"{raw_rate / offered_rate:,.0f}× the offered {offered_rate:,.0f} events/s, worker path "
          f"{capacity / offered_rate:.1f}×")
    if lost or duplicated:
        print(f"FAILED: {lost} call(s) lost, {duplicated} duplicated")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
