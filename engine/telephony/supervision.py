"""Supervision of live calls by shift leads: listen, whisper (coach the agent only) and barge.

The lead's own seat is called into FreeSWITCH's `eavesdrop` on the agent's leg with
`eavesdrop_enable_dtmf=true`; the mode then changes by DTMF received on the lead's leg
(`uuid_recv_dtmf`: as if pressed on the lead's phone, which is what eavesdrop reads — 0 listen,
1 speak to the caller, 2 speak to the agent (whisper), 3 three-way (barge)). Every step is a
command row on the call (the audit trail the call page lists).
"""
from __future__ import annotations

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import TelephonyCommand, User
from engine.organisation import Actor
from engine.telephony import call_center
from engine.telephony.controls import CONTROL_KINDS, MODES, OURS, SUPERVISE_ROLES, _queue, agent_calls
from forms.messages import msg


def start(*, actor: Actor, call_id: str) -> TelephonyCommand:
    """Call the lead's seat into the call, listening; the mode changes with `mode()`."""
    actor.require(*SUPERVISE_ROLES)
    seat = call_center.my_status(actor)
    if seat is None or seat.state not in ("ready", "break"):
        raise WrongState(msg("supervise_needs_free_seat", "supervision rings your own free seat: sign in to one first"))
    call = agent_calls().get(call_id)
    if call is None:
        raise NotFound(msg("live_call_not_found", "no live call %(id)s", id=call_id))
    if call.get("stage") != "talking" or not call.get("agent_leg"):
        raise WrongState(msg("supervise_needs_talk", "only a call an agent is talking on can be supervised"))
    if current(actor) is not None:
        raise WrongState(msg("supervising_already", "end the supervision in progress first"))
    import uuid

    ours = str(uuid.uuid4())
    return _queue(actor, "eavesdrop", f"originate {{origination_uuid={ours},origination_caller_id_number="
                                      f"{call_center.CALLER_ID},originate_timeout=30,eavesdrop_enable_dtmf=true,"
                                      f"hotline_supervise={call_id}}}user/{seat.extension} &eavesdrop({call['agent_leg']})",
                  call_id)


def current(actor: Actor) -> TelephonyCommand | None:
    """The actor's supervision in progress: the last eavesdrop, not ended, on a call still live."""
    last = db.session.execute(select(TelephonyCommand).where(
        TelephonyCommand.requested_by_id == actor.user_id, TelephonyCommand.kind.in_(("eavesdrop", "supervise_end")))
        .order_by(TelephonyCommand.id.desc()).limit(1)).scalar()
    if last is None or last.kind != "eavesdrop" or last.status == "failed" or last.call_id not in agent_calls():
        return None
    return last


def mode(*, actor: Actor, mode: str) -> TelephonyCommand:
    """Listen, whisper (to the agent), speak to the caller, or barge (three-way)."""
    actor.require(*SUPERVISE_ROLES)
    if mode not in MODES:
        raise ValidationFailed({"mode": [msg("not_an_option", "must be one of: %(options)s", options=", ".join(MODES))]})
    session = _in_progress(actor)
    return _queue(actor, "supervise", f"uuid_recv_dtmf {OURS.search(session.command).group(1)} {MODES[mode]}",
                  session.call_id)


def stop(*, actor: Actor) -> TelephonyCommand:
    """Leave the call (the lead's leg hangs up; the call goes on)."""
    actor.require(*SUPERVISE_ROLES)
    session = _in_progress(actor)
    return _queue(actor, "supervise_end", f"uuid_kill {OURS.search(session.command).group(1)} NORMAL_CLEARING",
                  session.call_id)


def _in_progress(actor: Actor) -> TelephonyCommand:
    session = current(actor)
    if session is None:
        raise WrongState(msg("not_supervising", "you are not supervising a call"))
    if session.status != "done":
        raise WrongState(msg("supervise_pending", "the switch has not connected your phone yet"))
    return session


def audit(call_id: str) -> list[dict]:
    """Every control and supervision step on a call, oldest first, with who asked and the switch's answer."""
    rows = db.session.execute(select(TelephonyCommand, User.display_name).outerjoin(
        User, User.id == TelephonyCommand.requested_by_id).where(
        TelephonyCommand.call_id == call_id, TelephonyCommand.kind.in_(CONTROL_KINDS))
        .order_by(TelephonyCommand.id)).all()
    return [{"kind": c.kind, "by": name, "at": c.created_at, "status": c.status, "result": c.result,
             "command": c.command} for c, name in rows]
