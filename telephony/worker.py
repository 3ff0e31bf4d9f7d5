"""The telephony worker: ESL events -> CallTracker -> one call record per call.

No Flask here: the caller passes `store` (e.g. `engine.services.calls.record`) and a `context`
factory (e.g. `app.app_context`) entered around every write. The worker runs in its own OS
thread; the EslClient's gevent owner thread stays inside the client.

Reconnects: after `ESL::connected` the worker pages the switch's CDRs (`api cdr_list <offset>`,
the simulator's stand-in for mod_json_cdr's HTTP POST) and feeds every leg that ended while it
was not listening into the tracker as if its CHANNEL_HANGUP_COMPLETE had arrived. Calls already
decided are skipped by the tracker and, in the end, by the unique call id in the database.
"""
from __future__ import annotations

import contextlib
import json
import logging
import queue
import threading
import time
from datetime import datetime, timezone
from typing import Callable, Mapping

from telephony import esl
from telephony.classifier import CallTracker, Outcome

log = logging.getLogger(__name__)

# Default selftest / demo mix (weights); every outcome is present.
DEFAULT_MIX = {"answered": 6, "trunk": 1, "ivr": 1, "queue": 1, "agent": 1, "overflow": 1, "dissuaded": 1}


def _epoch(value: str | None) -> datetime | None:
    try:
        seconds = float(value or 0)
    except ValueError:
        return None
    if seconds <= 0:
        return None
    return datetime.fromtimestamp(seconds, timezone.utc).replace(tzinfo=None)


def _event_time(h: Mapping[str, str]) -> datetime | None:
    try:
        return _epoch(str(int(h.get("Event-Date-Timestamp") or 0) / 1_000_000))
    except ValueError:
        return None


def cdr_headers(cdr: Mapping) -> dict[str, str]:
    """A mod_json_cdr document as the headers of the leg's CHANNEL_HANGUP_COMPLETE."""
    v = {k: str(x) for k, x in (cdr.get("variables") or {}).items()}
    h = {f"variable_{k}": x for k, x in v.items()}
    h.update({"Event-Name": "CHANNEL_HANGUP_COMPLETE", "Unique-ID": v.get("uuid", ""),
              "Call-Direction": v.get("direction") or (cdr.get("channel_data") or {}).get("direction", ""),
              "Hangup-Cause": v.get("hangup_cause", ""), "Caller-Caller-ID-Number": v.get("caller_id_number", ""),
              "Answer-State": "answered" if v.get("answer_epoch") not in (None, "", "0") else "hangup",
              "Event-Date-Timestamp": str(int(float(v.get("end_epoch") or 0) * 1_000_000))})
    return h


class Worker:
    """Consumes one EslClient's events; `store(call=dict)` is called once per decided call."""

    def __init__(self, client_factory: Callable[[], esl.EslClient], store: Callable[..., bool],
                 context: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
                 grace: float = 3.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.client_factory, self.store, self.context = client_factory, store, context
        self.tracker = CallTracker(grace=grace, clock=clock)
        self.client: esl.EslClient | None = None
        self.recorded = 0      # new rows written
        self.repeated = 0      # decided calls the store already had
        self.reconciled = 0    # legs fed from CDRs after a (re)connect
        self.errors = 0
        self._finals: dict[str, dict[str, str]] = {}
        self._times: dict[str, dict[str, datetime]] = {}
        self._cdr_offset = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reconcile_due = False

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> "Worker":
        """Start the client and the consuming thread."""
        self.client = self.client_factory().start()
        self._thread = threading.Thread(target=self.run, daemon=True, name="telephony-worker")
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0, flush: bool = False) -> None:
        """Stop consuming (optionally deciding every pending call first) and stop the client."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout)
        if flush:
            self.tracker.tick(force=True)
            self._write_new()
        if self.client:
            self.client.stop()

    def run(self) -> None:
        """Consume until stopped (the worker thread's body; also usable in the foreground)."""
        assert self.client is not None
        while not self._stop.is_set():
            try:
                event = self.client.events.get(timeout=0.05)
            except queue.Empty:
                event = None
            try:
                if event is not None:
                    self.handle(event.headers)
                if self._reconcile_due:
                    self.reconcile()
                self.tracker.tick()
                self._write_new()
            except Exception:  # noqa: BLE001 — one bad event or write must not stop the worker
                self.errors += 1
                log.exception("telephony worker failed on an event")

    # --- events ---------------------------------------------------------------------------
    def handle(self, h: Mapping[str, str]) -> list[Outcome]:
        """Take one event's headers; write the calls it lets the tracker decide."""
        name = h.get("Event-Name")
        if name == esl.CONNECTED:
            self._reconcile_due = True
            return []
        self._note(h)
        self.tracker.on_event(h)
        self.tracker.tick()
        return self._write_new()

    def _note(self, h: Mapping[str, str]) -> None:
        uid = h.get("Unique-ID")
        if h.get("Event-Name") == "CUSTOM":
            if h.get("CC-Action") == "agent-offering" and h.get("CC-Member-Session-UUID"):
                at = _event_time(h)
                if at:
                    self._times.setdefault(h["CC-Member-Session-UUID"], {}).setdefault("offered_at", at)
            return
        if h.get("Call-Direction") != "inbound" or not uid or uid in self.tracker.finished:
            return
        at = _event_time(h)
        if at:
            self._times.setdefault(uid, {}).setdefault("arrived_at", at)
        if h.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE":
            self._finals[uid] = dict(h)

    def reconcile(self) -> int:
        """Feed legs that ended while we were away (from the switch's CDRs); the number fed."""
        assert self.client is not None
        fed = 0
        try:
            while True:
                body = self.client.api(f"cdr_list {self._cdr_offset}")
                if body.startswith("-ERR"):
                    log.warning("the switch offers no CDR list (%s): calls ended during a gap stay unrecorded",
                                body.strip())
                    break
                page = json.loads(body)
                rows = page.get("rows") or []
                fed += self.feed_cdrs(rows)
                self._cdr_offset = int(page.get("next", self._cdr_offset))
                if not rows:
                    break
            self._reconcile_due = False
        except (esl.EslError, TimeoutError, ValueError) as exc:
            log.warning("CDR reconciliation failed (retried on the next connect): %s", exc)
            self._reconcile_due = self.client.connected.is_set()
        self.reconciled += fed
        return fed

    def feed_cdrs(self, rows: list[Mapping]) -> int:
        """Feed CDRs of ended legs to the tracker (agent legs first, so A's decision sees them)."""
        fed = 0
        docs = sorted((cdr_headers(cdr) for cdr in rows), key=lambda h: h["Call-Direction"] == "inbound")
        for h in docs:
            uid = h["Unique-ID"]
            inbound = h["Call-Direction"] == "inbound"
            owner = uid if inbound else h.get("variable_cc_member_session_uuid", "")
            if owner in self.tracker.finished or (inbound and uid in self.tracker.pending):
                continue
            start = _epoch(h.get("variable_start_epoch"))
            if inbound and start:
                self._times.setdefault(uid, {}).setdefault("arrived_at", start)
            self._note(h)
            self.tracker.on_event(h)
            fed += 1
        return fed

    # --- writes -----------------------------------------------------------------------------
    def _write_new(self) -> list[Outcome]:
        """Store every outcome the tracker decided (in on_event() or tick()) and drop it from `done`."""
        decided = []
        while self.tracker.done:
            outcome = self.tracker.done[0]
            call = self.to_record(outcome)
            with self.context():
                new = self.store(call=call)   # raises: the outcome stays in `done` and is retried
            self.tracker.done.pop(0)
            self._finals.pop(outcome.uuid, None)
            self._times.pop(outcome.uuid, None)
            if new:
                self.recorded += 1
            else:
                self.repeated += 1
            decided.append(outcome)
        return decided

    def to_record(self, outcome: Outcome) -> dict:
        """The call record of one decided call (times from the A leg's variables and seen events)."""
        a = self._finals.get(outcome.uuid, {})
        times = self._times.get(outcome.uuid, {})

        def var(name: str) -> str:
            return a.get(f"variable_{name}") or ""

        callback = var("callback_requested") == "true"
        return {
            "call_id": outcome.uuid, "outcome": outcome.outcome, "caller": outcome.caller,
            "queue": outcome.queue, "agent": outcome.agent, "recording_path": outcome.recording,
            "arrived_at": times.get("arrived_at") or _epoch(var("start_epoch")),
            "ivr_at": _epoch(var("answer_epoch")),
            "queued_at": _epoch(var("cc_queue_joined_epoch")),
            "offered_at": times.get("offered_at"),
            "answered_at": _epoch(var("cc_queue_answered_epoch") or var("bridge_epoch")),
            "ended_at": _epoch(var("end_epoch")) or _event_time(a),
            "callback_requested": callback,
            "callback_number": (var("callback_number") or outcome.caller) if callback else None,
        }
