"""The telephony worker: ESL events -> CallTracker -> one call record per call.

No Flask here: the caller passes `store` (e.g. `engine.telephony.calls.record`) and a `context`
factory (e.g. `app.app_context`) entered around every write. The worker runs in its own OS
thread; the EslClient's gevent owner thread stays inside the client.

CDRs: mod_json_cdr posts every leg's CDR to the web (`POST /telephony/cdr`), which stores it;
the worker reads the stored CDRs (`hooks.cdrs_after`) every second and feeds each leg it has not
seen end into the tracker as if its CHANNEL_HANGUP_COMPLETE had arrived — so calls that ended
while the Event Socket was down are decided too. Calls already decided are skipped by the
tracker and, in the end, by the unique call id in the database.

Reconnects: after `ESL::connected` the worker asks the switch's Core-UUID (a new one means
FreeSWITCH restarted: calls it knew are gone; those no CDR decides within `orphan_wait` are
decided from their last known state), rebuilds its live view from `show channels as json` and
the queues' member lists, and re-applies the peak (dissuasion) switch.

With `hooks` (engine.telephony.live), the worker also feeds agents' screens (offer, answer,
end), announces the agent's ID to the caller on bridge, carries out queued commands
(originate, agent status…) and keeps the wallboard's live snapshot.
"""
from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from concurrent.futures import Future
from datetime import datetime, timedelta, timezone
from typing import Callable, Mapping

from telephony import conferences, controls, esl, queue_announce, records, writes
from telephony.classifier import CallTracker, Outcome
from telephony.live import LiveView

log = logging.getLogger(__name__)

# Default selftest / demo mix (weights); every outcome is present.
TICK_SECONDS = 0.05      # how often calls whose grace period ran out are decided
PASS_EVENTS = 200        # events taken in one pass at most: their writes share one transaction
HEARTBEAT = 5.0          # an unchanged live snapshot is written again after this long (the web: stale after 10 s)
QUEUE = "hotline@default"   # the queue of the 12345 number (telephony/freeswitch/callcenter.conf.xml)
DEFAULT_MIX = {"answered": 6, "trunk": 1, "ivr": 1, "queue": 1, "agent": 1, "overflow": 1, "dissuaded": 1}


class Worker:
    """Consumes one EslClient's events; `store(call=dict)` is called once per decided call."""

    def __init__(self, client_factory: Callable[[], esl.EslClient], store: Callable[..., bool],
                 context: Callable[[], contextlib.AbstractContextManager] = contextlib.nullcontext,
                 grace: float = 3.0, clock: Callable[[], float] = time.monotonic, hooks=None,
                 orphan_wait: float = 30.0, announce: bool = True, hotline_variable: str | None = None) -> None:
        # hotline_variable: count only A legs carrying this channel variable = "true" (the sample
        # dialplan sets hotline_call=true): seat-to-seat and test calls are inbound legs too
        self.client_factory, self.store, self.context, self.hooks = client_factory, store, context, hooks
        self.tracker = CallTracker(grace=grace, clock=clock)
        self.live = LiveView()
        self.controls = controls.ControlView()   # legs and seats of the call controls
        self.clock, self.orphan_wait, self.announce = clock, orphan_wait, announce
        self.hotline_variable = hotline_variable
        self.ignored = 0       # decided calls that were not hotline calls (not recorded)
        self.client: esl.EslClient | None = None
        self.recorded = 0      # new rows written
        self.repeated = 0      # decided calls the store already had
        self.reconciled = 0    # legs fed from CDRs
        self.restarts = 0      # switch restarts noticed (Core-UUID changed)
        self.orphaned = 0      # calls decided from their last state after a restart
        self.commands = 0      # queued commands carried out
        self.errors = 0
        self.core_uuid: str | None = None
        self.cores: set[str] = set()   # every Core-UUID of our switch seen (before and after restarts)
        self.peak_on: bool | None = None
        self._finals: dict[str, dict[str, str]] = {}
        self._times: dict[str, dict[str, datetime]] = {}
        self._orphans: dict[str, float] = {}
        self._failures: dict[str, float] = {}
        self._next_tick = 0.0
        self.set_aside: list[dict] = []   # calls the store refused for writes.STORE_GIVE_UP seconds (logged)
        self._cdr_cursor: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reconnected = False
        self._jobs: list[tuple[int, Future]] = []
        self._next = {"commands": 0.0, "cdrs": 0.0, "snapshot": 0.0}
        self.outbox = writes.Outbox()      # the current pass's feed moments and outbound calls
        self._published: tuple[dict, float] = ({}, float("-inf"))   # the last snapshot written, when

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> "Worker":
        """Start the client and the consuming thread."""
        if self.hooks is not None and self._cdr_cursor is None:
            # CDRs posted while no worker ran are read too (an hour back): the store is idempotent
            with self.context():
                self._cdr_cursor = self.hooks.last_cdr_id(datetime.now(timezone.utc).replace(tzinfo=None)
                                                          - timedelta(hours=1))
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
        """Consume until stopped (the worker thread's body; also usable in the foreground): each
        pass takes the events waiting (PASS_EVENTS at most), then writes what they decided at once."""
        assert self.client is not None
        while not self._stop.is_set():
            for event in self._take_pass():
                try:
                    self.take(event.headers)
                except Exception:  # noqa: BLE001 — one bad event must not stop the worker
                    self.errors += 1
                    log.exception("telephony worker failed on an event")
            try:
                self._write_new()
                if self._reconnected:
                    self.after_connect()
                self.maintain()
                now = self.clock()
                if now >= self._next_tick:   # grace periods run out here (events decide their own call)
                    self._next_tick = now + TICK_SECONDS
                    self.tracker.tick()
                self._write_new()
            except Exception:  # noqa: BLE001 — one failed write must not stop the worker
                self.errors += 1
                log.exception("telephony worker failed on a pass")

    def _take_pass(self) -> list:
        """The events waiting now (after up to 0.05 s for the first), PASS_EVENTS at most."""
        assert self.client is not None
        try:
            events = [self.client.events.get(timeout=0.05)]
        except queue.Empty:
            return []
        while len(events) < PASS_EVENTS:
            try:
                events.append(self.client.events.get_nowait())
            except queue.Empty:
                break
        return events

    # --- events ---------------------------------------------------------------------------
    def handle(self, h: Mapping[str, str]) -> list[Outcome]:
        """Take one event's headers and write at once what it decided (a pass of one event)."""
        self.take(h)
        return self._write_new()

    def take(self, h: Mapping[str, str]) -> None:
        """Take one event's headers into the views; its writes wait in the outbox for the pass."""
        name = h.get("Event-Name")
        if name == esl.CONNECTED:
            self._reconnected = True
            return
        if name == esl.DISCONNECTED:
            return
        self._note(h)
        if self.hooks is not None:
            self._screens(h)      # before the live view forgets an ended call's agent
            controls.apply(self, h)
            conferences.apply(self, h)
        self.live.on_event(h)
        self.tracker.on_event(h)

    def _note(self, h: Mapping[str, str]) -> None:
        uid = h.get("Unique-ID")
        if h.get("Event-Name") == "CUSTOM":
            member = h.get("CC-Member-Session-UUID") or h.get("VM-UUID")
            if member in self.tracker.finished:
                return   # a late event of a call already decided (e.g. from its CDR): nothing to keep
            if h.get("CC-Action") == "agent-offering" and h.get("CC-Member-Session-UUID"):
                at = records.event_time(h)
                if at:
                    self._times.setdefault(h["CC-Member-Session-UUID"], {}).setdefault("offered_at", at)
            elif h.get("VM-Action") == "leave-message" and h.get("VM-UUID") and h.get("VM-File-Path"):
                self._times.setdefault(h["VM-UUID"], {})["voicemail_path"] = h["VM-File-Path"]
            return
        if h.get("Call-Direction") != "inbound" or not uid or uid in self.tracker.finished:
            return
        at = records.event_time(h)
        if at:
            self._times.setdefault(uid, {}).setdefault("arrived_at", at)
        if h.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE":
            self._finals[uid] = dict(h)
            self._orphans.pop(uid, None)

    def _screens(self, h: Mapping[str, str]) -> None:
        """Offer / answer / end moments for the agents' screens; the agent-ID announcement."""
        if h.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE":
            call = self.live.calls.get(h.get("Unique-ID") or "")
            if call and call.agent and call.stage == "ringing":   # the caller left while it rang
                self.outbox.moments.append(dict(kind="end", call_id=call.uuid, agent=call.agent, queue=call.queue,
                                                caller=call.caller, switch_at=records.event_time(h)))
            return
        if h.get("Event-Subclass") != "callcenter::info":
            return
        action, member, agent = h.get("CC-Action"), h.get("CC-Member-Session-UUID"), h.get("CC-Agent")
        kind = {"agent-offering": "offer", "bridge-agent-start": "answer", "bridge-agent-end": "end",
                "bridge-agent-fail": "end"}.get(action or "")
        if not kind or not member or not agent or member in self.tracker.finished and kind != "end":
            return
        self.outbox.moments.append(dict(kind=kind, call_id=member, agent=agent, queue=h.get("CC-Queue"),
                                        caller=h.get("CC-Member-CID-Number") or h.get("Caller-Caller-ID-Number"),
                                        switch_at=records.event_time(h)))
        if kind == "answer" and self.announce:
            # the caller hears the agent's ID (自动报工号) before talking; the reply comes later
            extension = agent.split("@", 1)[0]
            try:
                self.client.bgapi(f"uuid_broadcast {member} phrase:agent_id:{extension} aleg")
            except (esl.EslError, TimeoutError) as exc:
                log.warning("agent-ID announcement for %s not sent: %s", member, exc)

    # --- periodic work ------------------------------------------------------------------
    def maintain(self) -> None:
        """Commands every 0.2 s; CDRs, orphans, the live snapshot and the peak switch every second."""
        if self.hooks is None:
            return
        now = self.clock()
        if now >= self._next["commands"]:
            self._next["commands"] = now + 0.2
            self.run_commands()
        if now >= self._next["cdrs"]:
            self._next["cdrs"] = now + 1.0
            self.reconcile()
            self._decide_orphans()
        if now >= self._next["snapshot"]:
            self._next["snapshot"] = now + 1.0
            self.publish()
        queue_announce.maintain(self)   # the menu's queues, callers' positions (issue 18)

    def run_commands(self) -> int:
        """Send queued commands (bgapi) and record the answers of finished ones; the number sent."""
        for job in [j for j in self._jobs if j[1].done()]:
            self._jobs.remove(job)
            command_id, future = job
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 — the switch's failure is the command's result
                result = f"-ERR {exc}"
            with self.context():
                self.hooks.finish_command(command_id, ok=result.startswith("+OK"), result=result)
        if not self.client or not self.client.connected.is_set():
            return 0
        with self.context():
            taken = self.hooks.take_commands()
        for command_id, line in taken:
            try:
                self._jobs.append((command_id, self.client.bgapi(line)))
            except (esl.EslError, TimeoutError, ValueError) as exc:
                with self.context():
                    self.hooks.finish_command(command_id, ok=False, result=f"-ERR {exc}")
        self.commands += len(taken)
        return len(taken)

    def publish(self) -> None:
        """Apply the peak switch and write the live snapshot for the wallboard."""
        with self.context():
            mode, threshold = self.hooks.peak_settings()
        wanted = mode == 1 or (mode == 2 and self.live.longest_queue() >= threshold)
        if wanted != self.peak_on and self.client and self.client.connected.is_set():
            try:
                reply = self.client.api(f"global_setvar cc_peak={1 if wanted else 0}", timeout=2.0)
                if not reply.startswith("-ERR"):
                    self.peak_on = wanted
            except (esl.EslError, TimeoutError) as exc:
                log.warning("could not switch dissuasion: %s", exc)
        snapshot = self.live.snapshot(bool(self.peak_on))
        snapshot["agent_calls"] = controls.live_calls(self.controls, self.live)
        content, now = {k: v for k, v in snapshot.items() if k != "at"}, self.clock()
        if content == self._published[0] and now - self._published[1] < HEARTBEAT:
            return      # nothing moved: at the peak this is rare, when quiet it is every second
        with self.context():
            self.hooks.write_state("live", snapshot)
        self._published = (content, now)

    # --- after a (re)connect -------------------------------------------------------------
    def after_connect(self) -> None:
        """Notice a restarted switch, rebuild the live view, re-apply the peak switch."""
        self._reconnected = False
        assert self.client is not None
        try:
            core = self.client.api("global_getvar core_uuid", timeout=5.0).strip()
            if self.core_uuid and core and core != self.core_uuid:
                self._switch_restarted()
            self.core_uuid = core or self.core_uuid
            if core:
                self.cores.add(core)
            members = {q: self.client.api(f"callcenter_config queue list members {q}", timeout=5.0)
                       for q in sorted(set(self.live.queues()) | {QUEUE})}
            added = self.live.rebuild(self.client.api("show channels as json", timeout=5.0), members)
            if added:
                log.info("rebuilt %d live call(s) that started while disconnected", added)
        except (esl.EslError, TimeoutError, ValueError) as exc:
            log.warning("could not rebuild live calls after connecting (next connect retries): %s", exc)
        conferences.rebuild(self)   # members who joined or left meanwhile
        self.peak_on = None   # re-apply: a restarted switch forgot the global variable

    def _switch_restarted(self) -> None:
        """FreeSWITCH restarted: every call we knew as live is gone; wait for CDRs, then decide."""
        self.restarts += 1
        due = self.clock() + self.orphan_wait
        for uid in list(self.live.calls):
            if uid not in self.tracker.finished and uid not in self.tracker.pending:
                self._orphans[uid] = due
        log.warning("the switch restarted (Core-UUID changed): %d call(s) were live", len(self._orphans))

    def _decide_orphans(self) -> None:
        now = self.clock()
        for uid, due in list(self._orphans.items()):
            if uid in self.tracker.finished or uid in self.tracker.pending:
                self._orphans.pop(uid)
            elif now >= due:
                self._orphans.pop(uid)
                call = self.live.calls.pop(uid, None)
                last = dict(call.last) if call and call.last else {"Unique-ID": uid, "Call-Direction": "inbound"}
                last.update({"Event-Name": "CHANNEL_HANGUP_COMPLETE", "Hangup-Cause": "SWITCH_RESTART"})
                self._finals[uid] = last
                self.tracker.on_event(last)
                self.orphaned += 1

    def reconcile(self) -> int:
        """Feed legs from CDRs posted since the last look (calls the events did not end); the number fed."""
        if self.hooks is None or not self.cores:
            return 0   # until we know our switch's Core-UUID we cannot tell its CDRs from others'
        fed = 0
        with self.context():
            while True:
                rows = self.hooks.cdrs_after(self._cdr_cursor or 0, core_uuids=self.cores)
                if not rows:
                    break
                self._cdr_cursor = rows[-1][0]
                fed += self.feed_cdrs([doc for _, doc in rows])
        self.reconciled += fed
        return fed

    def feed_cdrs(self, rows: list[Mapping]) -> int:
        """Feed CDRs of ended legs to the tracker (agent legs first, so A's decision sees them)."""
        fed = 0
        docs = sorted((records.cdr_headers(cdr) for cdr in rows), key=lambda h: h["Call-Direction"] == "inbound")
        for h in docs:
            uid = h["Unique-ID"]
            inbound = h["Call-Direction"] == "inbound"
            owner = uid if inbound else h.get("variable_cc_member_session_uuid", "")
            if not uid or owner in self.tracker.finished or (inbound and uid in self.tracker.pending):
                continue
            if inbound and uid in self._finals:
                continue   # the live event already ended this call
            start = records.epoch(h.get("variable_start_epoch"))
            if inbound and start:
                self._times.setdefault(uid, {}).setdefault("arrived_at", start)
            self._note(h)
            self.live.on_event(h)
            self.tracker.on_event(h)
            fed += 1
        return fed

    # --- writes -----------------------------------------------------------------------------
    def _write_new(self) -> list[Outcome]:
        """Write the pass (telephony.writes): its feed moments and every call the tracker decided."""
        return writes.write(self)

    def is_hotline(self, uid: str) -> bool:
        if not self.hotline_variable:
            return True
        return self._finals.get(uid, {}).get(f"variable_{self.hotline_variable}") == "true"

    def forget(self, uid: str) -> None:
        self._finals.pop(uid, None)
        self._times.pop(uid, None)
        self.live.calls.pop(uid, None)

    def to_record(self, outcome: Outcome) -> dict:
        """The call record of one decided call (times from the A leg's variables and seen events)."""
        return records.call_record(outcome, self._finals.get(outcome.uuid, {}), self._times.get(outcome.uuid, {}))
