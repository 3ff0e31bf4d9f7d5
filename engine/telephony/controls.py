"""Call controls on the agent's own call and supervision of live calls by shift leads.

Each control is one API command for the switch, built here from ids the actor may use (never
typed text) and queued in the command table; the worker sends it over the Event Socket, stores
the switch's answer in the command's `result`, and the switch's events confirm it (the feed's
hold / unhold / transfer / consult / bridge / answer moments mark the command `[confirmed: …]`).
The command rows of the controls are the calls' audit trail: kept (not trimmed) and listed on
the call page by call id.

Which leg a command acts on: hold, answer, attended transfer and supervision act on the agent's
leg (its partner hears the music on hold; eavesdrop's DTMF 2 then speaks to the agent), read
from the worker's live snapshot; hang-up and blind transfer act on the caller's (A) leg; on a
click-to-call the agent's leg is our origination uuid and the citizen is its B leg.
"""
from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import AgentStatus, CallFeed, TelephonyCommand, User
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from engine.telephony import call_center, live as call_live, switches
from forms.messages import msg

SUPERVISE_ROLES = (R.SHIFT_LEAD, R.CENTER_LEADER, R.SUPERVISOR)
PICKUP_ROLES = call_center.CALLBACK_ROLES
CALL_KINDS = ("answer", "hangup", "hold", "unhold", "transfer", "consult", "xfer_complete", "xfer_cancel", "pickup")
SUPERVISE_KINDS = ("eavesdrop", "supervise", "supervise_end")
CONTROL_KINDS = CALL_KINDS + SUPERVISE_KINDS
# eavesdrop_enable_dtmf: the digit the supervisor's leg receives switches who hears the supervisor
MODES = {"listen": "0", "caller": "1", "whisper": "2", "barge": "3"}
QUEUE_NAME = re.compile(r"[a-z0-9_]{1,40}@[a-z0-9_.]{1,40}")
OURS = re.compile(r"origination_uuid=([0-9a-f-]{36})")
RECENT = timedelta(hours=4)
HOTLINE_QUEUE = "hotline@default"     # telephony/freeswitch/callcenter.conf.xml


# --- what the switch reported ---------------------------------------------------------------
def agent_calls() -> dict[str, dict]:
    """Calls on agents' phones by A-leg id, from the workers' live snapshots (every switch)."""
    state, _ = switches.live_state()
    return {c["uuid"]: c for c in state.get("agent_calls", []) if c.get("uuid")}


def is_held(call_id: str) -> bool:
    """Whether the switch last reported this call on hold (CHANNEL_HOLD after the last UNHOLD)."""
    last = db.session.execute(select(CallFeed.kind).where(CallFeed.call_id == call_id, CallFeed.kind.in_(
        ("hold", "unhold", "transfer", "end"))).order_by(CallFeed.id.desc()).limit(1)).scalar()
    return last == "hold"


def _outbound(call_id: str) -> bool:
    return db.session.execute(select(TelephonyCommand.id).where(
        TelephonyCommand.kind == "originate", TelephonyCommand.call_id == call_id).limit(1)).scalar() is not None


def _agent_leg(call_id: str) -> str:
    if _outbound(call_id):
        return call_id
    leg = agent_calls().get(call_id, {}).get("agent_leg")
    if not leg:
        raise WrongState(msg("call_not_ready", "the switch has not reported this call's legs yet; try again"))
    return leg


def _last(call_id: str, kinds: tuple[str, ...], actor_id: int | None = None) -> TelephonyCommand | None:
    query = select(TelephonyCommand).where(TelephonyCommand.call_id == call_id, TelephonyCommand.kind.in_(kinds),
                                           TelephonyCommand.created_at >= clock_now() - RECENT)
    if actor_id is not None:
        query = query.where(TelephonyCommand.requested_by_id == actor_id)
    return db.session.execute(query.order_by(TelephonyCommand.id.desc()).limit(1)).scalar()


def open_consult(call_id: str) -> TelephonyCommand | None:
    """The attended transfer in progress on this call (consulted, neither completed nor cancelled)."""
    last = _last(call_id, ("consult", "xfer_complete", "xfer_cancel", "transfer"))
    return last if last is not None and last.kind == "consult" and last.status != "failed" else None


# --- the agent's own call -------------------------------------------------------------------------
def _my_call(actor: Actor, call_id: str, states: tuple[str, ...] = ("talking",)) -> AgentStatus:
    actor.require(*call_center.PHONE_ROLES)
    seat = call_center.my_status(actor)
    if seat is None or seat.state == "logged_out":
        raise WrongState(msg("seat_first", "sign in to a phone seat first"))
    if not call_id or seat.call_id != call_id:
        # another agent's call, or one that ended: nothing to reveal about it
        raise NotFound(msg("call_not_on_seat", "call %(id)s is not on your phone", id=call_id))
    if seat.state not in states:
        raise WrongState(msg("control_wrong_state", "not possible while the phone is %(state)s", state=seat.state))
    return seat


def _queue(actor: Actor, kind: str, command: str, call_id: str) -> TelephonyCommand:
    return call_live.queue_command(kind=kind, command=command, actor_id=actor.user_id, call_id=call_id)


def control(*, actor: Actor, call_id: str, action: str, target: str = "") -> TelephonyCommand:
    """One control on the actor's own call: answer, hangup, hold, unhold, transfer, consult,
    xfer_complete, xfer_cancel."""
    actor.require(*call_center.PHONE_ROLES)      # first: who may not control calls learns nothing else
    if action not in CALL_KINDS or action == "pickup":
        raise ValidationFailed({"action": [msg("not_an_option", "must be one of: %(options)s",
                                               options=", ".join(k for k in CALL_KINDS if k != "pickup"))]})
    if action == "answer":
        _my_call(actor, call_id, ("ringing",))
        # a SIP phone answers on the `talk` event where it allows it (auto-answer on NOTIFY talk)
        return _queue(actor, "answer", f"uuid_phone_event {_agent_leg(call_id)} talk", call_id)
    _my_call(actor, call_id)
    if action == "hangup":
        return _queue(actor, "hangup", f"uuid_kill {call_id} NORMAL_CLEARING", call_id)
    if action in ("hold", "unhold"):
        held = is_held(call_id)
        if held and action == "hold":
            raise WrongState(msg("already_held", "the call is on hold already"))
        if not held and action == "unhold":
            raise WrongState(msg("not_held", "the call is not on hold"))
        return _queue(actor, action, f"uuid_hold {'off ' if action == 'unhold' else ''}{_agent_leg(call_id)}", call_id)
    return _transfers(actor, call_id, action, target)


def _transfers(actor: Actor, call_id: str, action: str, target: str) -> TelephonyCommand:
    consult = open_consult(call_id)
    if action in ("xfer_complete", "xfer_cancel"):
        if consult is None:
            raise WrongState(msg("no_consult", "no attended transfer is in progress on this call"))
        if action == "xfer_complete":
            return _queue(actor, action, f"uuid_kill {_agent_leg(call_id)} NORMAL_CLEARING", call_id)
        return _queue(actor, action, f"uuid_kill {OURS.search(consult.command).group(1)} NORMAL_CLEARING", call_id)
    if consult is not None:
        raise WrongState(msg("consult_open", "finish or cancel the attended transfer first"))
    kind, value = resolve_target(actor, target)
    if action == "transfer":
        dest = f"callcenter:{value}" if kind == "queue" else f"bridge:{value}"
        leg = f"{call_id} -bleg" if _outbound(call_id) else call_id
        return _queue(actor, "transfer", f"uuid_transfer {leg} {dest} inline", call_id)
    if kind == "queue":
        raise ValidationFailed({"target": [msg("consult_queue", "an attended transfer goes to a person, not a queue")]})
    ours = str(uuid.uuid4())
    return _queue(actor, "consult", f"uuid_broadcast {_agent_leg(call_id)} att_xfer::{{origination_uuid={ours},"
                                    f"origination_caller_id_number={call_center.CALLER_ID}}}{value} aleg", call_id)


def resolve_target(actor: Actor, target: str) -> tuple[str, str]:
    """A transfer target from the browser (`agent:<ext>`, `queue:<name>`, `contact:<user id>`) as a
    dial string / queue name; only targets `transfer_targets` offers are accepted."""
    kind, _, value = (target or "").partition(":")
    if kind == "agent" and call_center.EXTENSION.fullmatch(value):
        seat = db.session.execute(select(AgentStatus).where(AgentStatus.extension == value)).scalar()
        if seat is None or seat.state != "ready" or seat.user_id == actor.user_id:
            raise WrongState(msg("target_not_ready", "extension %(ext)s is not ready for a call", ext=value))
        return "agent", f"user/{value}"
    if kind == "queue" and value in queues():
        return "queue", value
    if kind == "contact" and value.isdigit():
        user = db.session.get(User, int(value))
        if user is None or not user.active or not user.phone or not user.department_id:
            raise NotFound(msg("user_not_found", "user %(id)s not found", id=value))
        return "contact", f"sofia/gateway/{call_center.TRUNK}/{call_center._dialable(user.phone)}"
    raise ValidationFailed({"target": [msg("bad_transfer_target", "choose a ready colleague, a queue or a department's number")]})


def queues() -> list[str]:
    """The queues a call can be sent to: the hotline's and those the switch reports live."""
    state, _ = switches.live_state()
    names = {q.get("name", "") for q in state.get("queues", [])} | {HOTLINE_QUEUE}
    return sorted(n for n in names if QUEUE_NAME.fullmatch(n))


def transfer_targets(*, actor: Actor) -> dict:
    """What the phone bar offers to transfer to: ready colleagues, queues, departments' numbers."""
    actor.require(*call_center.PHONE_ROLES)
    from engine.models import Department

    agents = db.session.execute(select(AgentStatus.extension, User.display_name).join(
        User, User.id == AgentStatus.user_id).where(AgentStatus.state == "ready", AgentStatus.user_id != actor.user_id)
        .order_by(AgentStatus.extension)).all()
    contacts = db.session.execute(select(User.id, User.display_name, Department.name).join(
        Department, Department.id == User.department_id).where(
        User.active.is_(True), User.phone.is_not(None), User.phone != "")
        .order_by(Department.name, User.display_name).limit(200)).all()
    return {"agents": [tuple(r) for r in agents], "queues": queues(), "contacts": [tuple(r) for r in contacts]}


def pickup(*, actor: Actor, extension: str = "") -> TelephonyCommand:
    """Take a call ringing at a colleague's seat (the longest ringing if none is named) to one's own."""
    actor.require(*PICKUP_ROLES)
    seat = call_center.my_status(actor)
    if seat is None or seat.state not in ("ready", "break"):
        raise WrongState(msg("pickup_needs_free_seat", "a call is picked up from a free seat"))
    query = select(AgentStatus).where(AgentStatus.state == "ringing", AgentStatus.user_id != actor.user_id,
                                      AgentStatus.call_id.is_not(None))
    if extension:
        query = query.where(AgentStatus.extension == extension)
    ringing = db.session.execute(query.order_by(AgentStatus.state_since).limit(1)).scalar()
    if ringing is None:
        raise WrongState(msg("nothing_ringing", "no colleague's phone is ringing"))
    ours = str(uuid.uuid4())
    return _queue(actor, "pickup", f"originate {{origination_uuid={ours},origination_caller_id_number="
                                   f"{call_center.CALLER_ID},originate_timeout=30}}user/{seat.extension} "
                                   f"&intercept({ringing.call_id})", ringing.call_id)
