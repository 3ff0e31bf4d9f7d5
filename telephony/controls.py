"""What the call controls look like from the event stream: legs, their seats, and the moments the
agents' phone bars must see (the switch's confirmation of each control).

The worker feeds every event to `ControlView.on_event`; it returns moments `(kind, call, agent,
caller)` for the screen feed — hold / unhold (CHANNEL_HOLD / CHANNEL_UNHOLD of the agent's leg or
the caller's), transfer (the agent's leg hung up BLIND_TRANSFER / ATTENDED_TRANSFER), consult (the
agent's leg bridged to a colleague in an attended transfer), bridge (the caller bridged again, e.g.
a cancelled consult), answer / end for seats reached outside mod_callcenter (a blind or attended
transfer to a seat, a pickup, a click-to-call) — and, for click-to-call legs marked
`hotline_outbound=true`, one outbound call record when the agent's leg ends.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from telephony import records

TRANSFER_CAUSES = ("BLIND_TRANSFER", "ATTENDED_TRANSFER")
OUTBOUND_QUEUE = "outbound"     # the call record's queue of an outbound call (it waited in none)


@dataclass
class Leg:
    call: str                      # the call it belongs to (A leg; our origination uuid for outbound)
    agent: str = ""                # the seat's cc agent name when it is an agent's phone
    mod_callcenter: bool = False   # offered by mod_callcenter (its own events feed answer / end)
    caller: str = ""


@dataclass
class Call:
    agent: str = ""
    caller: str = ""
    leg: str = ""                  # the agent's leg (hold, answer and supervision act on it)
    bridges: int = 0
    since: float = 0.0
    outbound: dict = field(default_factory=dict)   # click-to-call: the record being built


class ControlView:
    """Legs by uuid and calls by id, as far as the controls need them."""

    def __init__(self) -> None:
        self.legs: dict[str, Leg] = {}
        self.calls: dict[str, Call] = {}
        self.records: list[dict] = []     # outbound call records ready to store

    def on_event(self, h: Mapping[str, str]) -> list[tuple[str, str, str, str]]:
        name, uid = h.get("Event-Name"), h.get("Unique-ID") or ""
        if not uid or name == "CUSTOM":
            return []
        if h.get("variable_hotline_supervise"):
            return []                      # a shift lead listening in is nobody's call
        leg = self.legs.get(uid) or self._learn(uid, h)
        if leg is None:
            return []
        if name in ("CHANNEL_HOLD", "CHANNEL_UNHOLD"):
            call = self.calls.get(leg.call)
            agent = leg.agent or (call.agent if call else "")
            return [("hold" if name == "CHANNEL_HOLD" else "unhold", leg.call, agent, leg.caller)] if agent else []
        if name == "CHANNEL_BRIDGE":
            return self._bridge(uid, leg, h)
        if name == "RECORD_START" and leg.call in self.calls and self.calls[leg.call].outbound:
            self.calls[leg.call].outbound["recording_path"] = h.get("Record-File-Path")
        if name == "CHANNEL_HANGUP_COMPLETE":
            return self._ended(uid, leg, h)
        return []

    def _learn(self, uid: str, h: Mapping[str, str]) -> Leg | None:
        member = h.get("variable_cc_member_session_uuid")
        if h.get("Call-Direction") == "inbound":
            leg = Leg(uid, caller=h.get("Caller-Caller-ID-Number", ""))
            self.calls.setdefault(uid, Call(caller=leg.caller))
        elif member:
            leg = Leg(member, agent=h.get("variable_cc_agent", ""), mod_callcenter=True)
            call = self.calls.setdefault(member, Call())
            call.agent, call.leg = leg.agent, uid
        elif h.get("variable_dialed_user"):
            agent = f"{h['variable_dialed_user']}@default"
            leg = Leg(uid, agent=agent)     # its call is known once bridged (or it is the call: outbound)
            if h.get("variable_hotline_outbound") == "true":
                number = h.get("variable_hotline_number", "")
                self.calls[uid] = Call(agent=agent, caller=number, leg=uid, outbound={
                    "call_id": uid, "caller": number, "agent": agent, "queue": OUTBOUND_QUEUE, "direction": "outbound",
                    "arrived_at": records.event_time(h), "case_id": _int(h.get("variable_hotline_case"))})
                leg.caller = number
        else:
            leg = Leg(uid)                   # a colleague's number, a consulted department
        self.legs[uid] = leg
        return leg

    def _bridge(self, uid: str, leg: Leg, h: Mapping[str, str]) -> list:
        other_id = h.get("Bridge-B-Unique-ID") if h.get("Bridge-A-Unique-ID") == uid else h.get("Bridge-A-Unique-ID")
        other = self.legs.get(other_id or "")
        call = self.calls.get(leg.call)
        if call is None:
            return []
        if leg.agent and leg.call != uid and other is not None:
            other.call = leg.call
            return [("consult", leg.call, leg.agent, call.caller)]   # the agent's leg to a colleague
        call.bridges += 1
        call.since = call.since or _seconds(h)
        if call.outbound and call.bridges == 1:
            call.outbound["answered_at"] = records.event_time(h)
            return [("answer", uid, call.agent, call.caller)]
        if other is None:
            return []
        other.call = leg.call
        if other.agent and other.agent != call.agent and not other.mod_callcenter:
            previous, call.agent, call.leg = call.agent, other.agent, other_id or ""
            moments = [("answer", leg.call, other.agent, call.caller)]
            return moments + ([("end", leg.call, previous, call.caller)] if previous and not call.outbound else [])
        return [("bridge", leg.call, call.agent, call.caller)] if call.bridges > 1 else []

    def _ended(self, uid: str, leg: Leg, h: Mapping[str, str]) -> list:
        self.legs.pop(uid, None)
        call = self.calls.get(leg.call)
        cause = h.get("Hangup-Cause", "")
        moments = []
        if leg.agent and cause in TRANSFER_CAUSES:
            moments.append(("transfer", leg.call, leg.agent, leg.caller or (call.caller if call else "")))
        elif leg.agent and not leg.mod_callcenter:
            moments.append(("end", leg.call, leg.agent, call.caller if call else ""))
        if uid == leg.call:
            self.calls.pop(uid, None)
            if call and call.outbound:
                record = dict(call.outbound, ended_at=records.event_time(h))
                record["outcome"] = "answered" if record.get("answered_at") else "trunk"
                self.records.append(record)
        return moments


def apply(worker, h: Mapping[str, str]) -> None:
    """The worker's part: the moments of one event and finished outbound calls, for the pass's writes."""
    moments = worker.controls.on_event(h)
    if moments or h.get("CC-Action") == "bridge-agent-start":
        worker._next["snapshot"] = 0.0    # the web reads the agent's leg from the snapshot: write it now
    for kind, call, agent, caller in moments:
        worker.outbox.moments.append(dict(kind=kind, call_id=call, agent=agent, caller=caller,
                                          switch_at=records.event_time(h)))
    worker.outbox.calls += worker.controls.records
    worker.controls.records.clear()


def live_calls(view: ControlView, live) -> list[dict]:
    """The calls on agents' phones for the wallboard's supervision list and the controls (agent leg)."""
    rows = []
    for c in live.calls.values():
        own = view.calls.get(c.uuid)
        stage = "talking" if own and own.bridges and own.agent else c.stage   # e.g. picked up, transferred
        if stage in ("ringing", "talking"):
            rows.append({"uuid": c.uuid, "caller": c.caller, "stage": stage, "queue": c.queue,
                         "agent": (own.agent if own and own.agent else c.agent), "agent_leg": own.leg if own else "",
                         "since": (own.since if own and own.since else c.joined)})
    for uid, own in view.calls.items():
        if own.outbound and own.bridges:
            rows.append({"uuid": uid, "caller": own.caller, "stage": "talking", "queue": OUTBOUND_QUEUE,
                         "agent": own.agent, "agent_leg": uid, "since": own.since})
    return rows


def _seconds(h: Mapping[str, str]) -> float:
    try:
        return int(h.get("Event-Date-Timestamp") or 0) / 1_000_000
    except ValueError:
        return 0.0


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
