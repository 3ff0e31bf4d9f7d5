"""The worker's side of the queues (hooked into Worker.maintain): the IVR menu's globals, the
caller's position in the queue, and the voicemail offer.

mod_callcenter's own `announce-sound` plays one fixed file; it cannot say a caller's position. The
worker knows the waiting order from its live view (telephony/live.py: who waits in which queue,
since when — mod_callcenter serves a queue's members by score, i.e. by waiting time when the queue's
callers share one `cc_base_score`) and plays to each waiting caller

    uuid_broadcast <caller uuid> phrase:queue_position:<n> aleg       (every N s, the queue's setting)
    uuid_broadcast <caller uuid> phrase:queue_voicemail_offer aleg    (once, after the voicemail wait)

The menu: the dialplan routes the digit the caller pressed with
`hotline_queue=${hotline_queue_${ivr_choice}}` and `cc_base_score=${hotline_score_${ivr_choice}}`;
the worker keeps those global variables (`global_setvar hotline_queue_<digit>=<queue>`) equal to
the queues' data, again after every reconnect (a restarted switch forgot them).

The settings come from `settings()` (engine.telephony.queues.switch_settings, read in the worker's
context every RELOAD seconds).
"""
from __future__ import annotations

import logging
import time
from typing import Callable

from telephony import esl

log = logging.getLogger(__name__)
RELOAD = 2.0      # seconds between reads of the queues' settings
TICK = 0.5        # seconds between looks at the waiting callers


def _engine_settings() -> dict:
    from engine.telephony import queues

    return queues.switch_settings()


class Announcer:
    """Per worker: what it told the switch (menu globals) and each waiting caller (announcements)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 settings: Callable[[], dict] = _engine_settings) -> None:
        self.clock, self.settings = clock, settings
        self.current: dict = {"menu": {}, "queues": {}}
        self.applied: dict[str, str] = {}       # global variable -> value the switch has
        self.applied_core: str | None = None
        self.heard: dict[str, tuple[float, int]] = {}   # caller -> (when, position) last announced
        self.waiting_since: dict[str, float] = {}       # caller -> when first seen waiting (our clock)
        self.offered: set[str] = set()                   # callers offered voicemail
        self.sent = 0
        self._next = {"reload": 0.0, "tick": 0.0}

    def maintain(self, worker) -> None:
        """Reload the settings, keep the menu globals, announce; a few lines' work per call."""
        now, pace = self.clock(), time.monotonic()   # `clock` times the periods (tests may move it)
        if pace >= self._next["reload"]:
            self._next["reload"] = pace + RELOAD
            try:
                with worker.context():
                    self.current = self.settings()
            except Exception:  # noqa: BLE001 — the database may be away: keep the last settings
                log.warning("queue settings not read (keeping the last ones)", exc_info=True)
        client = worker.client
        if client is None or not client.connected.is_set():
            return
        self.apply_menu(client, worker.core_uuid)
        if pace >= self._next["tick"]:
            self._next["tick"] = pace + TICK
            self.announce(client, worker.live, now)

    def wanted_globals(self) -> dict[str, str]:
        """`hotline_queue_<digit>` and `hotline_score_<digit>` for the empty digit and 0-9."""
        out = {}
        for digit, (queue, score) in self.current.get("menu", {}).items():
            out[f"hotline_queue_{digit}"], out[f"hotline_score_{digit}"] = queue, str(score)
        return out

    def apply_menu(self, client, core_uuid: str | None) -> int:
        """Send the menu globals that differ from what this switch (this Core-UUID) has; the number sent."""
        if core_uuid != self.applied_core:
            self.applied, self.applied_core = {}, core_uuid
        sent = 0
        for name, value in sorted(self.wanted_globals().items()):
            if self.applied.get(name) == value:
                continue
            try:
                reply = client.api(f"global_setvar {name}={value}", timeout=2.0)
            except (esl.EslError, TimeoutError) as exc:
                log.warning("menu variable %s not set: %s", name, exc)
                return sent
            if not reply.startswith("-ERR"):
                self.applied[name] = value
                sent += 1
        return sent

    def positions(self, live) -> dict[str, tuple[str, int]]:
        """Each waiting caller's (queue, position): 1 = next, in the order of joining the queue."""
        waiting: dict[str, list] = {}
        for call in live.calls.values():
            if call.queue and call.stage == "queue":
                waiting.setdefault(call.queue, []).append((call.joined or call.arrived, call.uuid))
        return {uid: (queue, i + 1) for queue, rows in waiting.items() for i, (_, uid) in enumerate(sorted(rows))}

    def announce(self, client, live, now: float) -> int:
        """Broadcast the position to callers whose period has come; the voicemail offer once."""
        positions, sent = self.positions(live), 0
        for uid in [u for u in self.heard if u not in positions]:
            self.heard.pop(uid)
        for uid in [u for u in self.waiting_since if u not in positions]:
            self.waiting_since.pop(uid)
            self.offered.discard(uid)
        for uid, (queue, position) in sorted(positions.items()):
            conf = self.current.get("queues", {}).get(queue)
            if conf is None:
                continue
            since = self.waiting_since.setdefault(uid, now)
            last = self.heard.get(uid)
            if conf["announce"] and (last is None or now - last[0] >= conf["every"]):
                if self._broadcast(client, uid, f"phrase:queue_position:{position}"):
                    self.heard[uid] = (now, position)
                    sent += 1
            if conf["voicemail_wait"] and uid not in self.offered and now - since >= conf["voicemail_wait"]:
                if self._broadcast(client, uid, "phrase:queue_voicemail_offer"):
                    self.offered.add(uid)
                    sent += 1
        self.sent += sent
        return sent

    def _broadcast(self, client, uid: str, what: str) -> bool:
        try:
            client.bgapi(f"uuid_broadcast {uid} {what} aleg")
            return True
        except (esl.EslError, TimeoutError) as exc:
            log.warning("announcement to %s not sent: %s", uid, exc)
            return False


def maintain(worker) -> None:
    """The hook Worker.maintain calls: one Announcer per worker, made on first use."""
    announcer = worker.__dict__.get("queue_announcer")
    if announcer is None:
        announcer = worker.queue_announcer = Announcer()
    announcer.maintain(worker)
