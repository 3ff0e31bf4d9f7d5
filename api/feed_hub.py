"""Fans the live call feed out to the screens a web process serves (server-sent events).

One thread per web process reads new `call_feed` rows every TELEPHONY_FEED_POLL seconds and puts
each on the queues of the screens of that row's agent: 700 agents cost one query per poll, not
700. The thread starts with the first screen and stops when the process ends (daemon).
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import dataclass

from flask import Flask

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Moment:
    """One feed row as screens receive it."""

    id: int
    kind: str
    call_id: str
    agent: str | None
    caller: str | None
    queue: str | None
    switch_at: object


class FeedHub:
    def __init__(self, app: Flask, poll: float) -> None:
        self.app, self.poll = app, poll
        self.screens: dict[str, set[queue.Queue]] = {}
        self.last_id: int | None = None
        self.polls = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def subscribe(self, agent: str) -> queue.Queue:
        """A queue receiving this agent's moments from now on."""
        self._ensure_running()
        inbox: queue.Queue = queue.Queue(maxsize=1000)
        with self._lock:
            self.screens.setdefault(agent, set()).add(inbox)
        return inbox

    def unsubscribe(self, agent: str, inbox: queue.Queue) -> None:
        with self._lock:
            self.screens.get(agent, set()).discard(inbox)
            if not self.screens.get(agent):
                self.screens.pop(agent, None)

    def _ensure_running(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            from engine.telephony import live as call_live

            with self.app.app_context():
                self.last_id = call_live.last_feed_id()
            self._thread = threading.Thread(target=self._run, daemon=True, name="feed-hub")
            self._thread.start()

    def _run(self) -> None:
        from engine.db import db
        from engine.telephony import live as call_live

        while True:
            rows = None
            try:
                with self.app.app_context():
                    rows = call_live.feed_after(self.last_id or 0)
                    db.session.rollback()
                self.polls += 1
                for row in rows:
                    self.last_id = row[0]
                    self._deliver(Moment(*row))
            except Exception:  # noqa: BLE001 — a database hiccup must not end every screen's feed
                log.exception("reading the call feed failed; retrying")
                time.sleep(1)
            if not rows_waiting(rows):
                time.sleep(self.poll)

    def _deliver(self, moment: Moment) -> None:
        with self._lock:
            targets = list(self.screens.get(moment.agent or "", ()))
        for inbox in targets:
            try:
                inbox.put_nowait(moment)
            except queue.Full:   # a screen that stopped reading loses moments, not the others
                pass


def rows_waiting(rows) -> bool:
    """A full page means more rows wait: read again at once."""
    return rows is not None and len(rows) >= 500


_hubs: dict[int, FeedHub] = {}


def hub_for(app: Flask) -> FeedHub:
    """The process's hub for this app (tests create several apps)."""
    hub = _hubs.get(id(app))
    if hub is None:
        hub = _hubs[id(app)] = FeedHub(app, float(app.config.get("TELEPHONY_FEED_POLL", 0.1)))
    return hub
