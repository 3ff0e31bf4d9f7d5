"""Call controls in the simulated switch: live calls that stay up until a command moves them.

`Simulator.talking_call()` puts a queued call on an agent's phone (ringing, or answered) and
leaves it there; the API commands of the call controls then act on it and answer with the
events a FreeSWITCH sends (TELEPHONY_NOTES.md; replies as mod_commands words them):

| command | reply | events |
|---|---|---|
| `uuid_hold [off] <leg>` | `+OK Success` | CHANNEL_HOLD / CHANNEL_UNHOLD on the leg |
| `uuid_transfer <leg> [-bleg] <dest> [inline]` | `+OK` | A: CHANNEL_UNBRIDGE; agent leg: hangup BLIND_TRANSFER, bridge-agent-end; the new leg; A: CHANNEL_BRIDGE |
| `uuid_broadcast <leg> att_xfer::{origination_uuid=C}<dial> aleg` | `+OK Message queued` | CHANNEL_HOLD on A; leg C created/answered; CHANNEL_BRIDGE leg↔C |
| `uuid_kill <leg> [cause]` | `+OK` | hangup of the leg; the agent leg during a consult completes it (A↔C, ATTENDED_TRANSFER); the consult leg cancels it (A↔agent again) |
| `uuid_answer` / `uuid_phone_event <leg> talk` | `+OK Success` | the ringing agent leg answers: bridge-agent-start, RECORD_START, CHANNEL_BRIDGE |
| `originate {…}user/<ext> &intercept(<A>)` | `+OK <uuid>` | ringing agent leg hangs up PICKED_OFF, bridge-agent-fail; A↔new leg |
| `originate {…}user/<ext> &eavesdrop(<leg>)` | `+OK <uuid>` | supervisor leg created/answered, CHANNEL_EXECUTE eavesdrop |
| `originate {…,hotline_outbound=true,…}user/<ext> &bridge(…/<n>)` | `+OK <uuid>` | agent leg, citizen leg, RECORD_START, CHANNEL_BRIDGE; up until uuid_kill |
| `uuid_send_dtmf` / `uuid_recv_dtmf <leg> <digits>` | `+OK Success` | DTMF per digit (an eavesdrop leg changes mode) |
| `uuid_bridge <a> <b>` | `+OK <b>` | CHANNEL_BRIDGE |
Unknown legs answer `-ERR No such channel!`.
"""
from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field

from telephony import scenarios

NO_CHANNEL = "-ERR No such channel!\n"
QUEUE = scenarios.QUEUE
RECORDINGS = "/var/lib/freeswitch/recordings"


@dataclass
class Channel:
    """One leg the board keeps up: who it is, whom it is bridged to, which call it belongs to."""

    uuid: str
    direction: str
    number: str
    call: str                      # the A leg (inbound) or our originated leg (outbound)
    vars: dict[str, str] = field(default_factory=dict)
    partner: str | None = None
    answered: bool = False
    held: bool = False
    role: str = "caller"           # caller | agent | target | supervisor | citizen
    consult: str | None = None     # the consulted leg while an attended transfer is open
    mode: str = "0"                # eavesdrop DTMF mode of a supervisor leg


class Switchboard:
    """The live legs of interactive calls and the control commands acting on them."""

    VERBS = ("uuid_hold", "uuid_transfer", "uuid_broadcast", "uuid_kill", "uuid_answer", "uuid_phone_event",
             "originate", "uuid_send_dtmf", "uuid_recv_dtmf", "uuid_bridge")

    def __init__(self, sim) -> None:
        self.sim = sim
        self.legs: dict[str, Channel] = {}
        self.lock = threading.RLock()

    # --- events ----------------------------------------------------------------------------
    def event(self, name: str, leg: Channel, extra: list[tuple[str, str]] = (), cause: str = "") -> None:
        """Emit one channel event of a leg (the simulator tracks it: live calls, CDRs)."""
        h = [("Event-Name", name), ("Core-UUID", self.sim.core_uuid),
             ("Event-Date-Timestamp", str(int(time.time() * 1_000_000))), ("Unique-ID", leg.uuid),
             ("Call-Direction", leg.direction), ("Answer-State", "answered" if leg.answered else "ringing"),
             ("Caller-Caller-ID-Number", leg.number), ("Channel-Call-State", "HELD" if leg.held else "ACTIVE")]
        if cause:
            h.append(("Hangup-Cause", cause))
        h += list(extra) + [(f"variable_{k}", v) for k, v in leg.vars.items()]
        self.sim._track(h)
        self.sim.emit(h)

    def cc(self, action: str, a: Channel, **extra: str) -> None:
        h = [("Event-Subclass", "callcenter::info"), ("Event-Name", "CUSTOM"), ("Core-UUID", self.sim.core_uuid),
             ("Event-Date-Timestamp", str(int(time.time() * 1_000_000))), ("CC-Queue", a.vars.get("cc_queue", QUEUE)),
             ("CC-Action", action), ("CC-Member-UUID", a.vars.get("cc_member_uuid", "")),
             ("CC-Member-Session-UUID", a.uuid), ("CC-Member-CID-Number", a.number)]
        h += [(k.replace("_", "-"), v) for k, v in extra.items()]
        self.sim._track(h)
        self.sim.emit(h)

    def bridge(self, a: Channel, b: Channel) -> None:
        a.partner, b.partner = b.uuid, a.uuid
        a.vars.setdefault("bridge_epoch", str(int(time.time())))
        self.event("CHANNEL_BRIDGE", a, [("Bridge-A-Unique-ID", a.uuid), ("Bridge-B-Unique-ID", b.uuid),
                                         ("Other-Leg-Unique-ID", b.uuid)])

    def hangup(self, leg: Channel, cause: str = "NORMAL_CLEARING") -> None:
        leg.vars.setdefault("answer_epoch", "0")
        leg.vars["end_epoch"] = str(int(time.time()))
        self.event("CHANNEL_HANGUP", leg, cause=cause)
        self.event("CHANNEL_HANGUP_COMPLETE", leg, cause=cause)
        self.legs.pop(leg.uuid, None)

    def new_leg(self, number: str, call: str, role: str, uid: str | None = None, **variables: str) -> Channel:
        leg = Channel(uid or str(uuid.uuid4()), "outbound", number, call, dict(variables), role=role)
        self.legs[leg.uuid] = leg
        self.event("CHANNEL_CREATE", leg)
        return leg

    def answer(self, leg: Channel) -> None:
        leg.answered = True
        leg.vars["answer_epoch"] = str(int(time.time()))
        self.event("CHANNEL_ANSWER", leg)

    # --- interactive calls -----------------------------------------------------------------
    def talking_call(self, agent: str, caller: str | None = None, answered: bool = True) -> tuple[str, str]:
        """A hotline call queued and offered to `agent` (ringing, or answered and talking) that stays
        up until a command ends it; (A leg, agent leg)."""
        with self.lock:
            number = caller or f"139{uuid.uuid4().int % 10**8:08d}"
            a = Channel(str(uuid.uuid4()), "inbound", number, "", role="caller")
            a.call = a.uuid
            a.vars.update(hotline_call="true", call_uuid=a.uuid, cc_queue=QUEUE, cc_member_uuid=str(uuid.uuid4()),
                          cc_side="member", cc_queue_joined_epoch=str(int(time.time())))
            self.legs[a.uuid] = a
            self.event("CHANNEL_CREATE", a)
            self.answer(a)
            self.cc("member-queue-start", a)
            self.cc("agent-offering", a, CC_Agent=agent)
            self.new_leg(number, a.uuid, "agent", cc_side="agent", cc_agent=agent, cc_member_session_uuid=a.uuid,
                         cc_queue=QUEUE, dialed_user=agent.split("@")[0])
            b = next(leg for leg in self.legs.values() if leg.call == a.uuid and leg.role == "agent")
            if answered:
                self.agent_answers(a, b)
            return a.uuid, b.uuid

    def agent_answers(self, a: Channel, b: Channel) -> None:
        self.answer(b)
        agent = b.vars["cc_agent"]
        self.cc("bridge-agent-start", a, CC_Agent=agent, CC_Agent_UUID=b.uuid)
        a.vars.update(cc_agent=agent, cc_cause="answered", cc_queue_answered_epoch=str(int(time.time())))
        path = f"{RECORDINGS}/{a.uuid}.wav"
        a.vars["cc_record_filename"] = path
        self.event("RECORD_START", a, [("Record-File-Path", path)])
        self.bridge(a, b)

    def end_call(self, a: Channel, cause: str = "NORMAL_CLEARING") -> None:
        """The caller's call ends: every leg of it hangs up, mod_callcenter closes the member."""
        others = [leg for leg in list(self.legs.values()) if leg.call == a.uuid and leg is not a]
        agent = a.vars.get("cc_agent")
        for leg in others:
            self.hangup(leg, cause)
        if a.direction == "inbound":
            if agent:
                self.cc("bridge-agent-end", a, CC_Agent=agent, CC_Hangup_Cause=cause)
            self.cc("member-queue-end", a, CC_Cause="Terminated", CC_Agent=agent or "")
        if a.vars.get("cc_record_filename") or a.vars.get("hotline_record"):
            self.event("RECORD_STOP", a)
        self.hangup(a, cause)

    # --- commands --------------------------------------------------------------------------
    def api(self, verb: str, args: str) -> str | None:
        """The answer to a control command, or None when the simulator's own handling applies."""
        with self.lock:
            if verb == "originate":
                return self._originate(args)
            words = args.split()
            if not words:
                return None
            if verb == "uuid_hold":
                off = words[0] == "off"
                return self._hold(words[1] if off and len(words) > 1 else words[0], not off)
            leg = self.legs.get(words[0])
            if leg is None:
                known = verb not in ("uuid_transfer", "uuid_broadcast")   # those the simulator knew before
                return NO_CHANNEL if known else None
            return getattr(self, "_" + verb[5:])(leg, words[1:])

    def _hold(self, uid: str, on: bool) -> str:
        leg = self.legs.get(uid)
        if leg is None:
            return NO_CHANNEL
        if leg.held != on:
            leg.held = on
            self.event("CHANNEL_HOLD" if on else "CHANNEL_UNHOLD", leg)
        return "+OK Success\n"

    def _transfer(self, leg: Channel, words: list[str]) -> str:
        if words and words[0] in ("-bleg", "-both"):
            if words[0] == "-bleg" and leg.partner in self.legs:
                leg = self.legs[leg.partner]
            words = words[1:]
        if not words:
            return "-ERR Usage: uuid_transfer <uuid> [-bleg|-both] <dest-exten> [<dialplan>] [<context>]\n"
        caller = leg if leg.role in ("caller", "citizen") else self.legs.get(leg.partner or "")
        if caller is None:
            return NO_CHANNEL
        old = self.legs.get(caller.partner or "")
        self.event("CHANNEL_UNBRIDGE", caller, [("Bridge-A-Unique-ID", caller.uuid),
                                                ("Bridge-B-Unique-ID", old.uuid if old else "")])
        self.event("CHANNEL_EXECUTE", caller, [("Application", "transfer"), ("Application-Data", words[0])])
        if old is not None:
            old.partner = None
            self.hangup(old, "BLIND_TRANSFER")
            if old.role == "agent" and caller.direction == "inbound":
                self.cc("bridge-agent-end", caller, CC_Agent=old.vars.get("cc_agent", ""),
                        CC_Hangup_Cause="BLIND_TRANSFER")
        self._destination(caller, words[0])
        return "+OK\n"

    def _destination(self, caller: Channel, dest: str) -> None:
        app, _, target = dest.partition(":")
        if app == "callcenter":
            caller.vars.update(cc_queue=target, cc_queue_joined_epoch=str(int(time.time())))
            self.cc("member-queue-start", caller)
        elif app == "bridge":
            self._dial(caller, target, role="target")

    def _dial(self, caller: Channel, dial: str, role: str, uid: str | None = None, **variables: str) -> Channel:
        user = re.fullmatch(r"user/([0-9]+)(@.*)?", dial)
        if user:
            variables["dialed_user"] = user.group(1)
        leg = self.new_leg(dial.rsplit("/", 1)[-1], caller.call, role, uid, **variables)
        self.answer(leg)
        self.bridge(caller, leg)
        return leg

    def _broadcast(self, leg: Channel, words: list[str]) -> str | None:
        if not words or not words[0].startswith("att_xfer::"):
            return None
        spec = words[0][len("att_xfer::"):]
        ours = _variable(spec, "origination_uuid")
        caller = self.legs.get(leg.partner or "")
        if caller is None or leg.consult:
            return "-ERR Operation failed\n"
        caller.held = True
        self.event("CHANNEL_HOLD", caller)
        consult = self._dial(leg, spec.split("}", 1)[-1], "target", ours)
        leg.partner, caller.partner = caller.uuid, leg.uuid   # still the caller's agent until completed
        leg.consult = consult.uuid
        return "+OK Message queued\n"

    def _kill(self, leg: Channel, words: list[str]) -> str:
        cause = words[0] if words else "NORMAL_CLEARING"
        owner = next((x for x in self.legs.values() if x.consult == leg.uuid), None)
        if leg.role in ("caller", "citizen") or (leg.role == "agent" and leg.uuid == leg.call):
            self.end_call(self.legs.get(leg.call) or leg, cause)
        elif leg.consult and leg.consult in self.legs:       # the agent leaves: the transfer completes
            caller, target = self.legs[leg.partner], self.legs[leg.consult]
            leg.consult, leg.partner = None, None
            self.hangup(leg, "ATTENDED_TRANSFER")
            if caller.direction == "inbound":
                self.cc("bridge-agent-end", caller, CC_Agent=leg.vars.get("cc_agent", ""),
                        CC_Hangup_Cause="ATTENDED_TRANSFER")
            caller.held = False
            self.event("CHANNEL_UNHOLD", caller)
            self.bridge(caller, target)
        elif owner is not None:                             # the consulted leg leaves: back to the caller
            owner.consult = None
            self.hangup(leg, cause)
            caller = self.legs[owner.partner]
            caller.held = False
            self.event("CHANNEL_UNHOLD", caller)
            self.bridge(caller, owner)
        elif leg.role == "agent" and leg.call in self.legs:
            self.end_call(self.legs[leg.call], cause)
        else:
            self.hangup(leg, cause)
        return "+OK\n"

    def _answer(self, leg: Channel, words: list[str]) -> str:
        a = self.legs.get(leg.call)
        if leg.answered or a is None:
            return "-ERR Operation failed\n" if leg.role == "agent" else "+OK Success\n"
        self.agent_answers(a, leg)
        return "+OK Success\n"

    def _phone_event(self, leg: Channel, words: list[str]) -> str:
        return self._answer(leg, words) if words[:1] == ["talk"] else "+OK Success\n"

    def _send_dtmf(self, leg: Channel, words: list[str]) -> str:
        digits = (words[0] if words else "").split("@")[0]
        for digit in digits:
            self.event("DTMF", leg, [("DTMF-Digit", digit), ("DTMF-Duration", "2000")])
        if leg.role == "supervisor" and digits and digits[-1] in "0123":
            leg.mode = digits[-1]
        return "+OK Success\n"

    _recv_dtmf = _send_dtmf

    def _bridge(self, leg: Channel, words: list[str]) -> str:
        other = self.legs.get(words[0]) if words else None
        if other is None:
            return "-ERR Invalid uuid\n"
        self.bridge(leg, other)
        return f"+OK {other.uuid}\n"

    def _originate(self, args: str) -> str | None:
        match = re.fullmatch(r"\{(?P<vars>[^}]*)\}user/(?P<ext>[0-9]+)\s+&(?P<app>\w+)\((?P<arg>[^)]*)\)", args.strip())
        if not match or match["app"] not in ("eavesdrop", "intercept", "bridge"):
            return None
        variables = dict(v.split("=", 1) for v in match["vars"].split(",") if "=" in v)
        ours = variables.get("origination_uuid") or str(uuid.uuid4())
        if match["app"] == "bridge" and variables.get("hotline_outbound") != "true":
            return None
        own = {k: v for k, v in variables.items() if k.startswith(("hotline_", "eavesdrop_"))}
        if match["app"] == "eavesdrop":
            leg = self.new_leg(match["ext"], match["arg"], "supervisor", ours, dialed_user=match["ext"], **own)
            self.answer(leg)
            self.event("CHANNEL_EXECUTE", leg, [("Application", "eavesdrop"), ("Application-Data", match["arg"])])
            if match["arg"] not in self.legs:
                self.hangup(leg)
            return f"+OK {ours}\n"
        if match["app"] == "intercept":
            return self._intercept(match["ext"], match["arg"], ours, own)
        return self._outbound(match["ext"], match["arg"], ours, own)

    def _intercept(self, ext: str, target: str, ours: str, own: dict) -> str:
        a = self.legs.get(target)
        ringing = next((x for x in self.legs.values() if x.call == target and x.role == "agent" and not x.answered), None)
        if a is None or ringing is None:
            return "-ERR NO_ANSWER\n"
        self.hangup(ringing, "PICKED_OFF")
        self.cc("bridge-agent-fail", a, CC_Agent=ringing.vars.get("cc_agent", ""), CC_Hangup_Cause="PICKED_OFF")
        leg = self.new_leg(ext, a.uuid, "agent", ours, dialed_user=ext, **own)
        self.answer(leg)
        a.vars.setdefault("bridge_epoch", str(int(time.time())))
        self.bridge(a, leg)
        return f"+OK {ours}\n"

    def _outbound(self, ext: str, dial: str, ours: str, own: dict) -> str:
        agent = Channel(ours, "outbound", ext, ours, {"dialed_user": ext, **own}, role="agent")
        self.legs[ours] = agent
        self.event("CHANNEL_CREATE", agent)
        self.answer(agent)
        path = f"{RECORDINGS}/outbound/{ours}.wav"
        agent.vars["hotline_record"] = path
        self._dial(agent, dial, "citizen")
        self.event("RECORD_START", agent, [("Record-File-Path", path)])
        return f"+OK {ours}\n"


def _variable(spec: str, name: str) -> str | None:
    found = re.search(rf"[{{,]{name}=([^,}}]+)", spec)
    return found.group(1) if found else None
