"""Call-loss classification by stage, decided on the A leg's CHANNEL_HANGUP_COMPLETE."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

OVERFLOW_REASONS = {"TIMEOUT", "NO_AGENT_TIMEOUT", "EXIT_WITH_KEY"}
AGENT_CANCEL = "ORIGINATOR_CANCEL"  # the agent leg was cancelled because the caller left


@dataclass
class Outcome:
    """The one result for one call."""

    uuid: str
    outcome: str
    caller: str | None = None
    queue: str | None = None
    agent: str | None = None
    recording: str | None = None
    detail: str = ""


def _var(headers: Mapping[str, str], name: str) -> str:
    return headers.get(f"variable_{name}") or ""


def _agent_rang_and_cancelled(legs: list[Mapping[str, str]], fail_causes: list[str]) -> bool:
    cancelled_leg = any(leg.get("Hangup-Cause") == AGENT_CANCEL and _var(leg, "answer_epoch") in ("", "0")
                        for leg in legs)
    return cancelled_leg or AGENT_CANCEL in fail_causes


def classify(a: Mapping[str, str], legs: list[Mapping[str, str]] = (), fail_causes: list[str] = (),
             offer_open: bool = False) -> str:
    """The rules of TELEPHONY_NOTES.md, in order; works on events and on CDR variables alike."""
    if _var(a, "cc_cause") == "answered" or _var(a, "cc_queue_answered_epoch") or \
            _var(a, "bridge_epoch") not in ("", "0"):
        return "answered"
    if _var(a, "answer_epoch") in ("", "0") and a.get("Answer-State") != "answered":
        return "trunk"
    if not _var(a, "cc_queue_joined_epoch"):
        return "dissuaded" if _var(a, "callback_requested") == "true" else "ivr"
    if _var(a, "cc_cancel_reason") in OVERFLOW_REASONS:
        return "overflow"
    if offer_open or _agent_rang_and_cancelled(list(legs), list(fail_causes)):
        return "agent"
    return "queue"


@dataclass
class _Call:
    offers: dict[str, str] = field(default_factory=dict)
    offer_open_at_end: bool = False


class CallTracker:
    """Feeds on events, emits exactly one Outcome per A leg (after a grace period for late B events)."""

    def __init__(self, grace: float = 3.0, clock: Callable[[], float] = time.monotonic,
                 remember: float = 3600.0, abandon: float = 6 * 3600.0) -> None:
        # remember: how long a decided call id is kept to ignore replays and late events;
        # abandon: how long an undecided call may go without its A leg's end (events lost) before
        # its partial state is dropped — the CDR reconciliation still decides it.
        self.grace, self.clock, self.remember, self.abandon = grace, clock, remember, abandon
        self.calls: dict[str, _Call] = {}
        self.legs: dict[str, dict[str, Mapping[str, str]]] = {}  # member uuid -> agent leg uuid -> headers
        self.fails: dict[str, list[str]] = {}
        self.pending: dict[str, tuple[float, Mapping[str, str]]] = {}
        self.finished: dict[str, float] = {}     # decided call id -> when (insertion order = age)
        self.seen: dict[str, float] = {}         # undecided call id -> first seen
        self.done: list[Outcome] = []
        self._next_trim = 0.0

    def on_event(self, h: Mapping[str, str]) -> None:
        """Take one decoded event's headers; decide its call if that event completes the evidence.

        Only the event's own call is looked at (a full `tick()` per event cost O(calls in their
        grace period) each: the worker's bottleneck at 10× the peak); calls whose grace runs out
        are decided by the periodic `tick()`.
        """
        call_id = None
        if h.get("Event-Name") == "CUSTOM":
            if h.get("Event-Subclass") == "callcenter::info":
                self._callcenter(h)
                call_id = h.get("CC-Member-Session-UUID")
        elif _var(h, "cc_side") == "agent" and _var(h, "cc_member_session_uuid"):
            call_id = _var(h, "cc_member_session_uuid")
            if call_id not in self.finished:
                self.seen.setdefault(call_id, self.clock())
                self.legs.setdefault(call_id, {})[h.get("Unique-ID", "")] = h
        elif h.get("Call-Direction") == "inbound" and h.get("Unique-ID"):
            self._a_leg(h)
            call_id = h["Unique-ID"]
        if call_id in self.pending and self._ready(call_id, self.pending[call_id][0]):
            self._finish(call_id)

    def _a_leg(self, h: Mapping[str, str]) -> None:
        uid = h["Unique-ID"]
        if uid in self.finished:
            return  # a replayed event after a reconnect must not produce a second outcome
        self.seen.setdefault(uid, self.clock())
        self.calls.setdefault(uid, _Call())
        if h.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE":
            self.pending[uid] = (self.clock() + self.grace, h)

    def _callcenter(self, h: Mapping[str, str]) -> None:
        member, action = h.get("CC-Member-Session-UUID"), h.get("CC-Action")
        if not member or member in self.finished:
            return   # late callcenter events of a decided call change nothing
        self.seen.setdefault(member, self.clock())
        call = self.calls.setdefault(member, _Call())
        agent = h.get("CC-Agent") or ""
        if action == "agent-offering":
            call.offers[agent] = "ringing"
        elif action == "bridge-agent-start":
            call.offers[agent] = "answered"
        elif action == "bridge-agent-fail":
            call.offers[agent] = "failed"
            self.fails.setdefault(member, []).append(h.get("CC-Hangup-Cause") or "")
        elif action == "member-queue-end":
            call.offer_open_at_end = "ringing" in call.offers.values()

    def _ready(self, uid: str, deadline: float) -> bool:
        # B's events may trail A's: wait while an agent leg is still up, or while a BREAK_OUT
        # member has no agent evidence yet, until the grace period ends.
        legs = self.legs.get(uid, {}).values()
        legs_open = any(leg.get("Event-Name") != "CHANNEL_HANGUP_COMPLETE" for leg in legs)
        a = self.pending[uid][1]
        unsure = _var(a, "cc_cancel_reason") == "BREAK_OUT" and not self.fails.get(uid) and not legs_open \
            and not any(leg.get("Hangup-Cause") for leg in legs)
        return not (legs_open or unsure) or self.clock() >= deadline

    def tick(self, force: bool = False) -> list[Outcome]:
        """Decide every pending call whose evidence is complete (or whose grace ran out)."""
        decided = []
        for uid, (deadline, _) in list(self.pending.items()):
            if force or self._ready(uid, deadline):
                decided.append(self._finish(uid))
        if self.clock() >= self._next_trim:
            self.trim()
        return decided

    def trim(self) -> None:
        """Forget decided ids older than `remember` and abandon undecided calls older than `abandon`."""
        now = self.clock()
        self._next_trim = now + min(60.0, self.remember / 10)
        while self.finished:
            uid, at = next(iter(self.finished.items()))
            if now - at < self.remember:
                break
            del self.finished[uid]
        for uid, first in list(self.seen.items()):
            if now - first >= self.abandon and uid not in self.pending:
                self.seen.pop(uid, None)
                self.calls.pop(uid, None)
                self.legs.pop(uid, None)
                self.fails.pop(uid, None)

    def _finish(self, uid: str) -> Outcome:
        _, a = self.pending.pop(uid)
        call = self.calls.pop(uid, _Call())
        legs = list(self.legs.pop(uid, {}).values())
        kind = classify(a, legs, self.fails.pop(uid, []), call.offer_open_at_end)
        outcome = Outcome(uid, kind, a.get("Caller-Caller-ID-Number"), _var(a, "cc_queue") or None,
                          _var(a, "cc_agent") or None, _var(a, "cc_record_filename") or None,
                          detail=_var(a, "cc_cancel_reason") or a.get("Hangup-Cause", ""))
        self.finished[uid] = self.clock()
        self.seen.pop(uid, None)
        self.done.append(outcome)
        return outcome

    def flush(self) -> list[Outcome]:
        """Decide everything still pending (shutdown, end of a test)."""
        self.tick(force=True)
        return self.done
