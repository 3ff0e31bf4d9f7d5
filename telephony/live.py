"""The worker's live view of the switch: calls in progress, who waits in which queue, since when.

Fed by the same events as the classifier; rebuilt after a reconnect from `show channels as json`
and `callcenter_config queue list members <queue>`; its snapshot feeds the wallboard.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

STAGES = ("ivr", "queue", "ringing", "talking")


@dataclass
class LiveCall:
    uuid: str
    caller: str = ""
    arrived: float = 0.0
    stage: str = "ivr"
    queue: str = ""
    joined: float = 0.0
    agent: str = ""
    last: dict = field(default_factory=dict)   # the A leg's latest channel headers


class LiveView:
    """Calls in progress by A-leg id (removed on the A leg's CHANNEL_HANGUP_COMPLETE)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self.calls: dict[str, LiveCall] = {}

    def on_event(self, h: Mapping[str, str]) -> None:
        """Move a call's stage with one event."""
        name = h.get("Event-Name")
        if name == "CUSTOM":
            if h.get("Event-Subclass") == "callcenter::info":
                self._callcenter(h)
            return
        uid = h.get("Unique-ID")
        if not uid or h.get("Call-Direction") != "inbound" or h.get("variable_cc_side") == "agent":
            return
        if name == "CHANNEL_HANGUP_COMPLETE":
            self.calls.pop(uid, None)
            return
        call = self.calls.get(uid)
        if call is None:
            call = self.calls[uid] = LiveCall(uid, h.get("Caller-Caller-ID-Number", ""), _seconds(h))
        call.last = dict(h)

    def _callcenter(self, h: Mapping[str, str]) -> None:
        call = self.calls.get(h.get("CC-Member-Session-UUID") or "")
        if call is None:
            return
        action = h.get("CC-Action")
        if action == "member-queue-start":
            call.stage, call.queue, call.joined = "queue", h.get("CC-Queue", ""), _seconds(h) or self.clock()
        elif action == "agent-offering":
            call.stage, call.agent = "ringing", h.get("CC-Agent", "")
        elif action == "bridge-agent-start":
            call.stage, call.agent = "talking", h.get("CC-Agent", "")
        elif action == "bridge-agent-fail" and call.stage == "ringing":
            call.stage = "queue"
        elif action == "member-queue-end" and call.stage != "talking":
            call.stage = "ivr"   # voicemail, or the dialplan after the queue

    def rebuild(self, channels_json: str, members: Mapping[str, str]) -> int:
        """Add calls the switch has but we do not know (started during a gap); drop calls it no
        longer has. `members` maps each queue to its `list members` output. The number added."""
        rows = (json.loads(channels_json or "{}").get("rows") or [])
        live = {r.get("uuid"): r for r in rows if r.get("direction") == "inbound" and r.get("uuid")}
        added = 0
        for uid in list(self.calls):
            if uid not in live:
                self.calls.pop(uid)
        for uid, row in live.items():
            if uid not in self.calls:
                self.calls[uid] = LiveCall(uid, row.get("cid_num", ""), float(row.get("created_epoch") or 0))
                added += 1
        for queue, text in members.items():
            for member in parse_members(text):
                call = self.calls.get(member["session_uuid"])
                if call is None:
                    continue
                call.queue, call.joined = queue, float(member.get("joined_epoch") or 0)
                call.stage = {"Waiting": "queue", "Trying": "ringing", "Answered": "talking"}.get(
                    member.get("state", ""), call.stage)
                call.agent = member.get("serving_agent") or call.agent
        return added

    def queues(self) -> list[str]:
        """Queues any live call is in."""
        return sorted({c.queue for c in self.calls.values() if c.queue})

    def snapshot(self, peak: bool) -> dict:
        """What the wallboard shows of the live calls: per queue, waiting callers and longest wait."""
        now = self.clock()
        queues: dict[str, dict] = {}
        for call in self.calls.values():
            if not call.queue or call.stage not in ("queue", "ringing"):
                continue
            q = queues.setdefault(call.queue, {"name": call.queue, "waiting": 0, "ringing": 0, "longest_wait": 0})
            q["waiting" if call.stage == "queue" else "ringing"] += 1
            q["longest_wait"] = max(q["longest_wait"], int(now - call.joined) if call.joined else 0)
        stages = dict.fromkeys(STAGES, 0)
        for call in self.calls.values():
            stages[call.stage] = stages.get(call.stage, 0) + 1
        return {"queues": sorted(queues.values(), key=lambda q: q["name"]), "stages": stages,
                "calls": len(self.calls), "peak": peak, "at": now}

    def longest_queue(self) -> int:
        """Waiting callers in the fullest queue (automatic dissuasion looks at it)."""
        counts: dict[str, int] = {}
        for call in self.calls.values():
            if call.queue and call.stage == "queue":
                counts[call.queue] = counts.get(call.queue, 0) + 1
        return max(counts.values(), default=0)


MEMBER_FIELDS = ("queue", "instance_id", "uuid", "session_uuid", "cid_number", "cid_name", "system_epoch",
                 "joined_epoch", "rejoined_epoch", "bridge_epoch", "abandoned_epoch", "base_score",
                 "skill_score", "serving_agent", "serving_system", "state", "score")


def parse_members(text: str) -> list[dict[str, str]]:
    """`callcenter_config queue list members <q>`: a `|`-separated header line, rows, then +OK."""
    lines = [line for line in (text or "").splitlines() if line and not line.startswith(("+OK", "-ERR"))]
    if not lines:
        return []
    header = lines[0].split("|") if lines[0].startswith("queue|") else list(MEMBER_FIELDS)
    rows = lines[1:] if lines[0].startswith("queue|") else lines
    return [dict(zip(header, row.split("|"))) for row in rows]


def _seconds(h: Mapping[str, str]) -> float:
    try:
        return int(h.get("Event-Date-Timestamp") or 0) / 1_000_000
    except ValueError:
        return 0.0
