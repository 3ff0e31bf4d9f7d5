"""Call scenarios: the event sequences of TELEPHONY_NOTES.md for each call outcome."""
from __future__ import annotations

import itertools
import random
import uuid
from dataclasses import dataclass, field
from typing import Iterator

OUTCOMES = ("answered", "trunk", "ivr", "queue", "agent", "overflow", "dissuaded")
QUEUE = "hotline@default"
_sequence = itertools.count(1)

# One step: seconds after call start, ordered headers, optional body.
Step = tuple[float, list[tuple[str, str]], "str | None"]


@dataclass
class Leg:
    """One channel: its identity and the channel variables FreeSWITCH would attach."""

    direction: str
    number: str
    name: str
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    vars: dict[str, str] = field(default_factory=dict)
    answered: bool = False


@dataclass
class Script:
    """Builds the steps of one call against a virtual clock (epoch seconds)."""

    start: float
    core_uuid: str
    steps: list[Step] = field(default_factory=list)
    now: float = 0.0
    queue: str = QUEUE     # the queue the menu choice leads to (telephony/simulated_ivr.py)
    digit: str = "1"       # the menu key the caller presses

    def base(self, name: str, subclass: str | None = None) -> list[tuple[str, str]]:
        """Headers every event carries."""
        head = [("Event-Subclass", subclass)] if subclass else []
        stamp = int((self.start + self.now) * 1_000_000)
        return head + [("Event-Name", name), ("Core-UUID", self.core_uuid),
                       ("Event-Date-Timestamp", str(stamp)), ("Event-Sequence", str(next(_sequence)))]

    def channel(self, name: str, leg: Leg, cause: str = "", body: str | None = None) -> None:
        """A CHANNEL_* (or RECORD_*, DTMF) event with the leg's data and variables."""
        h = self.base(name) + [("Unique-ID", leg.uuid), ("Call-Direction", leg.direction),
                               ("Answer-State", "answered" if leg.answered else "ringing"),
                               ("Caller-Caller-ID-Number", leg.number), ("Caller-Caller-ID-Name", leg.name)]
        if cause:
            h.append(("Hangup-Cause", cause))
        h += [(f"variable_{k}", v) for k, v in leg.vars.items()]
        self.steps.append((self.now, h, body))

    def cc(self, action: str, member: Leg, **extra: str) -> None:
        """A CUSTOM callcenter::info event about this member."""
        h = self.base("CUSTOM", "callcenter::info") + [
            ("CC-Queue", self.queue), ("CC-Action", action), ("CC-Member-UUID", member.vars.get("cc_member_uuid", "")),
            ("CC-Member-Session-UUID", member.uuid), ("CC-Member-CID-Number", member.number)]
        h += [(k.replace("_", "-"), v) for k, v in extra.items()]
        self.steps.append((self.now, h, None))

    def wait(self, seconds: float) -> None:
        """Advance the virtual clock."""
        self.now += seconds

    def epoch(self) -> str:
        """The current virtual time in whole seconds, as FreeSWITCH's *_epoch variables."""
        return str(int(self.start + self.now))


def _answer(s: Script, leg: Leg) -> None:
    leg.answered = True
    leg.vars["answer_epoch"] = s.epoch()
    s.channel("CHANNEL_ANSWER", leg)


def _hangup(s: Script, leg: Leg, cause: str, complete: bool = True) -> None:
    leg.vars.setdefault("answer_epoch", "0")
    leg.vars["end_epoch"] = s.epoch()
    s.channel("CHANNEL_HANGUP", leg, cause)
    if complete:
        s.channel("CHANNEL_HANGUP_COMPLETE", leg, cause)


def _ivr(s: Script, a: Leg) -> None:
    s.channel("CHANNEL_CREATE", a)
    s.wait(0.5)
    _answer(s, a)
    a.vars["ivr_stage"] = "menu"
    s.channel("CHANNEL_EXECUTE", a)
    s.wait(2)
    dtmf = s.base("DTMF") + [("Unique-ID", a.uuid), ("DTMF-Digit", s.digit)]
    s.steps.append((s.now, dtmf, None))


def _join_queue(s: Script, a: Leg) -> None:
    a.vars.update(ivr_stage="queue", cc_queue=s.queue, cc_queue_joined_epoch=s.epoch(), ivr_choice=s.digit,
                  cc_member_uuid=str(uuid.uuid4()), cc_side="member")
    s.cc("member-queue-start", a)
    s.wait(3)


def _agent_leg(s: Script, a: Leg, agent: str) -> Leg:
    s.cc("agent-offering", a, CC_Agent=agent)
    b = Leg("outbound", a.number, a.name)
    b.vars.update(cc_side="agent", cc_agent=agent, cc_member_session_uuid=a.uuid, cc_queue=s.queue)
    s.channel("CHANNEL_CREATE", b)
    s.wait(2)
    return b


def _cancel(s: Script, a: Leg, reason: str) -> None:
    a.vars.update(cc_cause="cancel", cc_cancel_reason=reason, cc_queue_canceled_epoch=s.epoch())
    s.cc("member-queue-end", a, CC_Cause="Cancel", CC_Cancel_Reason=reason)


def answered(s: Script, a: Leg, agent: str) -> None:
    """Caller goes through IVR and queue, an agent answers, they talk, caller hangs up."""
    _ivr(s, a)
    _join_queue(s, a)
    b = _agent_leg(s, a, agent)
    _answer(s, b)
    s.cc("bridge-agent-start", a, CC_Agent=agent, CC_Agent_UUID=b.uuid)
    a.vars.update(cc_agent=agent, cc_cause="answered", cc_queue_answered_epoch=s.epoch(), bridge_epoch=s.epoch())
    path = f"/var/lib/freeswitch/recordings/{a.uuid}.wav"
    a.vars["cc_record_filename"] = path
    s.channel("RECORD_START", a)
    s.steps[-1][1].append(("Record-File-Path", path))
    s.channel("CHANNEL_BRIDGE", a)
    s.wait(30)
    _hangup(s, a, "NORMAL_CLEARING", complete=False)
    _hangup(s, b, "NORMAL_CLEARING", complete=False)
    s.cc("bridge-agent-end", a, CC_Agent=agent, CC_Hangup_Cause="NORMAL_CLEARING")
    s.cc("member-queue-end", a, CC_Cause="Terminated", CC_Agent=agent)
    s.channel("RECORD_STOP", a)
    s.channel("CHANNEL_HANGUP_COMPLETE", a, "NORMAL_CLEARING")
    s.channel("CHANNEL_HANGUP_COMPLETE", b, "NORMAL_CLEARING")


def trunk(s: Script, a: Leg, agent: str) -> None:
    """Caller gives up before the switch answers."""
    s.channel("CHANNEL_CREATE", a)
    s.wait(1)
    _hangup(s, a, "ORIGINATOR_CANCEL")


def ivr(s: Script, a: Leg, agent: str) -> None:
    """Caller hangs up in the IVR menu."""
    _ivr(s, a)
    _hangup(s, a, "NORMAL_CLEARING")


def dissuaded(s: Script, a: Leg, agent: str) -> None:
    """At peak the IVR dissuades the caller, who asks for a callback."""
    _ivr(s, a)
    a.vars.update(ivr_stage="dissuasion", callback_requested="true", callback_number=a.number)
    s.channel("CHANNEL_EXECUTE", a)
    _hangup(s, a, "NORMAL_CLEARING")


def queue(s: Script, a: Leg, agent: str) -> None:
    """Caller hangs up while waiting in the queue, no agent offered."""
    _ivr(s, a)
    _join_queue(s, a)
    _hangup(s, a, "NORMAL_CLEARING", complete=False)
    _cancel(s, a, "BREAK_OUT")
    s.channel("CHANNEL_HANGUP_COMPLETE", a, "NORMAL_CLEARING")


def agent(s: Script, a: Leg, agent: str) -> None:
    """Caller hangs up while an agent's phone rings; B's events arrive after A's."""
    _ivr(s, a)
    _join_queue(s, a)
    b = _agent_leg(s, a, agent)
    _hangup(s, a, "NORMAL_CLEARING", complete=False)
    _cancel(s, a, "BREAK_OUT")
    s.channel("CHANNEL_HANGUP_COMPLETE", a, "NORMAL_CLEARING")
    _hangup(s, b, "ORIGINATOR_CANCEL")
    s.cc("bridge-agent-fail", a, CC_Agent=agent, CC_Hangup_Cause="ORIGINATOR_CANCEL")


def overflow(s: Script, a: Leg, agent: str) -> None:
    """Queue times out; the caller leaves a voicemail."""
    _ivr(s, a)
    _join_queue(s, a)
    s.wait(60)
    _cancel(s, a, "TIMEOUT")
    a.vars["ivr_stage"] = "voicemail"
    s.channel("CHANNEL_EXECUTE", a)
    vm = s.base("CUSTOM", "vm::maintenance") + [("VM-Action", "leave-message"), ("VM-UUID", a.uuid),
                                                ("VM-File-Path", f"/var/lib/freeswitch/voicemail/{a.uuid}.wav")]
    s.steps.append((s.now, vm, None))
    s.wait(20)
    _hangup(s, a, "NORMAL_CLEARING")


SCENARIOS = {"answered": answered, "trunk": trunk, "ivr": ivr, "queue": queue,
             "agent": agent, "overflow": overflow, "dissuaded": dissuaded}


def build_call(outcome: str, start: float, core_uuid: str, caller: str | None = None,
               caller_name: str = "Caller", agent: str | None = None, queue: str = QUEUE,
               digit: str = "1") -> tuple[Leg, list[Step]]:
    """The A leg and the timed steps of one call that ends with the given outcome (offered to
    `agent`, or to a random `10xx@default`)."""
    a = Leg("inbound", caller or f"138{random.randrange(10**8):08d}", caller_name)
    # hotline_call: the sample dialplan marks 12345 calls (telephony/freeswitch/dialplan/public/12345.xml)
    a.vars.update(sip_call_id=f"{uuid.uuid4().hex}@trunk", call_uuid=a.uuid, hotline_call="true")
    script = Script(start, core_uuid, queue=queue, digit=digit)
    SCENARIOS[outcome](script, a, agent or f"10{random.randrange(100):02d}@default")
    return a, script.steps


def pick_outcomes(mix: dict[str, float], count: int, seed: int = 0) -> Iterator[str]:
    """Outcomes drawn by weight; the first len(mix) calls cover every outcome with weight."""
    rng = random.Random(seed)
    names = [k for k, w in mix.items() if w > 0]
    for i in range(count):
        yield names[i] if i < len(names) else rng.choices(names, [mix[n] for n in names])[0]
