"""The telephony benchmark's other sides: the agents, the switch, the agents' browsers, the web.

bench/telephony.py forks each side off the worker's process (or runs it as a thread with
`--one-process`) and talks to the switch and the browsers over a pipe.
"""
from __future__ import annotations

import http.cookiejar
import json
import re
import signal
import socket
import sys
import threading
import time
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from bench import telephony_controls

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from flask import Flask

SEAT_BASE = 2000
AGENT_LOGIN = "bench_agent_{:02d}"
PASSWORD = "12345demo"


# ---------------------------------------------------------------- agents

def ensure_agents(app: Flask, count: int) -> list[tuple[str, str]]:
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

class Switch:
    """The ESL simulator and its CDR poster, noting when each event went to the worker's session."""

    def __init__(self, cdr_url: str, password: str) -> None:
        from telephony.simulated_outputs import CdrPoster
        from telephony.simulator import Simulator

        self.poster = CdrPoster(cdr_url, password=password)
        self.sim = Simulator(port=0, cdr_sink=self.poster).start()
        self.emitted: dict[str, float] = {}         # Event-Sequence -> wall time sent to the worker's session
        self.emit_times: list[float] = []           # every event sent to a session (incl. BACKGROUND_JOB)
        self.offered_agent: dict[str, str] = {}     # A leg -> the agent its agent-offering named
        self.backlog = 0                            # the poster's queue, max while sampling
        self.sampling = threading.Event()
        self._real_emit = self.sim.emit
        self.sim.emit = self._emit

    def _emit(self, headers: Any, body: Any = None) -> None:
        """The simulator's emit, timing every event a session wants and noting each offer's agent."""
        h = dict(headers)
        with self.sim._lock:
            wanted = any(s.wants(h) for s in self.sim.sessions)
        now = time.time()
        if wanted:
            self.emit_times.append(now)
            if "Event-Sequence" in h:
                self.emitted[h["Event-Sequence"]] = now
        if h.get("CC-Action") == "agent-offering":
            self.offered_agent[h.get("CC-Member-Session-UUID", "")] = h.get("CC-Agent", "")
        self._real_emit(headers, body)

    def _sample(self) -> None:
        """Note the CDR poster's largest backlog until the drain."""
        while not self.sampling.wait(0.1):
            self.backlog = max(self.backlog, self.poster._queue.qsize())

    def play(self, outcomes: list[str], rate: float, step: float) -> dict:
        """Play the calls; their A legs, the play's wall times and the offers made."""
        threading.Thread(target=self._sample, daemon=True).start()
        self.emit_times.clear()
        t_call = time.time()
        legs = self.sim.play(outcomes, rate=rate, step=step)
        return {"ids": [leg.uuid for leg in legs], "t_call": t_call, "t_played": time.time(),
                "offers": dict(self.sim.offers), "offered_agent": dict(self.offered_agent)}

    def drain(self, timeout: float) -> dict:
        """Wait for the CDR poster to empty; what was posted and when each event was sent."""
        self.poster.drain(timeout=timeout)
        self.sampling.set()
        return {"posted": self.poster.posted, "failed": self.poster.failed, "backlog": self.backlog,
                "emitted": dict(self.emitted), "emit_times": list(self.emit_times)}


def switch_main(conn: Connection, cdr_url: str, password: str) -> None:
    """The switch's side: answers commands from the bench over `conn` until `close`."""
    switch = Switch(cdr_url, password)
    conn.send(switch.sim.port)
    while True:
        command, *args = conn.recv()
        if command == "agents":
            conn.send(switch.sim.available_agents())
        elif command == "reserve":          # seats holding calls of their own (bench/telephony_controls.py)
            conn.send(telephony_controls.reserve(switch.sim, *args))
        elif command == "play":
            conn.send(switch.play(*args))
        elif command == "drain":
            conn.send(switch.drain(args[0]))
        elif command == "close":
            switch.sim.close()
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


def browsers_main(conn: Connection, base_url: str, seats: list[tuple[str, str]]) -> None:
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

def web_main(server: Any) -> None:
    """The web process: serve until terminated."""
    from engine.db import db

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with server.server.app.app_context():
        db.engine.dispose(close=False)     # never use the parent's connections
    server.server.serve_forever()
