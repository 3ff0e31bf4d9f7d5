"""Call controls in bench/telephony.py's mix: agents putting their calls on hold and back while
the peak plays.

`--controls K` reserves the last K bench seats: the switch gives each one call that stays up
(Switchboard.talking_call) and offers them no queue call. During the play, one thread per seat
acts as that agent through the phone bar's service (engine.telephony.controls.control): hold,
wait for the switch's event to confirm it ("[confirmed: …]" on the command), resume, wait again,
and so on, a click a second. Each control's latency is queue → confirmed: the web's insert, the worker's 0.2 s
command poll, bgapi over the Event Socket, the switch's CHANNEL_HOLD/UNHOLD event back through
the worker's feed.
"""
from __future__ import annotations

import threading
import time
from typing import Any

POLL = 0.05          # how often a driver looks at its command's result
PACE = 1.0           # seconds an agent waits between two clicks (the drivers share the worker's process)


def reserve(sim: Any, agents: list[str]) -> list[tuple[str, str]]:
    """In the switch: take the seats out of the queue and give each a call that stays up."""
    calls = []
    for agent in agents:
        sim.agents[agent] = "On Break"          # the simulator offers queue calls only to Available seats
        calls.append((agent, sim.talking_call(agent)[0]))
    return calls


class Controls:
    """One driver thread per reserved seat; latencies and failures of every control sent."""

    def __init__(self, app, seats: list[tuple[str, str]], calls: list[tuple[str, str]]) -> None:
        self.app, self.stop = app, threading.Event()
        login_of = {agent: login for login, agent in seats}
        self.work = [(login_of[agent], call_id) for agent, call_id in calls]
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._drive, args=w, daemon=True) for w in self.work]

    def start(self) -> "Controls":
        for t in self.threads:
            t.start()
        return self

    def finish(self) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(30)

    def _drive(self, login: str, call_id: str) -> None:
        from bench import common
        from engine.db import db

        with self.app.app_context():
            actor = common.actor(login)
            if not self._talking(actor.user_id, call_id):
                self._fail(f"{login}: the seat never showed its call as talking")
                return
            action = "hold"
            while not self.stop.is_set():
                self._one(actor, call_id, action)
                action = "unhold" if action == "hold" else "hold"
                self.stop.wait(PACE)
            db.session.remove()

    def _talking(self, user_id: int, call_id: str, timeout: float = 30.0) -> bool:
        from engine.db import db
        from engine.models import AgentStatus

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = db.session.get(AgentStatus, user_id, populate_existing=True)
            db.session.rollback()
            if row is not None and row.state == "talking" and row.call_id == call_id:
                return True
            time.sleep(0.1)
        return False

    def _one(self, actor, call_id: str, action: str) -> None:
        """One control, timed from the agent's click to the switch's confirming event."""
        from engine.db import db
        from engine.errors import DomainError
        from engine.models import TelephonyCommand
        from engine.telephony import controls
        from engine.telephony.live import CONFIRMED

        t0 = time.perf_counter()
        try:
            command_id = controls.control(actor=actor, call_id=call_id, action=action).id
        except DomainError as exc:
            db.session.rollback()
            self._fail(f"{action}: refused {exc}")
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            status, result = db.session.execute(db.select(TelephonyCommand.status, TelephonyCommand.result)
                                                .where(TelephonyCommand.id == command_id)).one()
            db.session.rollback()
            if (result or "").startswith(CONFIRMED) or status == "failed":
                break
            time.sleep(POLL)
        if (result or "").startswith(CONFIRMED):
            with self.lock:
                self.latencies.append(time.perf_counter() - t0)
        else:
            self._fail(f"{action}: {status} {result}")

    def _fail(self, why: str) -> None:
        with self.lock:
            self.failures.append(why)


def report(controls: Controls | None, seconds: float) -> None:
    from bench import common

    if controls is None:
        return
    ms = common.ms(controls.latencies)
    print(f"call controls during the play: {len(ms)} confirmed by the switch ({len(ms) / max(seconds, 1e-9):.1f}/s) "
          f"from {len(controls.work)} seats, {len(controls.failures)} failed"
          + (f" (first: {controls.failures[0]})" if controls.failures else ""))
    if ms:
        print(f"   click → switch's confirming event: p50 {common.percentile(ms, 50):.0f} ms, "
              f"p95 {common.percentile(ms, 95):.0f} ms, max {max(ms):.0f} ms")
