"""The call center as agents and shift leads use it: phone states, click-to-call, three-way calls,
the callback list, smart dissuasion, recordings and the wallboard figures.

Commands for the switch are built here from ids the actor may see (never from typed text) and
queued for the telephony worker (engine.telephony.live.queue_command).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import and_, case as sql_case, delete, func, select, update

from engine import cases
from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed, WrongState
from engine.models import AgentStatus, CallFeed, CallRecord, Case, TelephonyCommand, User
from engine.models.call import OUTCOMES
from engine.organisation import Actor, roles as R, scope, settings
from engine.ports import mask_phone, now as clock_now
from engine.telephony import live as call_live, queues, switches
from forms.messages import msg

# roles that sit at a phone; visitors call citizens back (their seats take no queue calls: the
# switch offers the hotline queue only to its tiers' agents)
PHONE_ROLES = (R.AGENT, R.SHIFT_LEAD, R.DISPATCHER, R.VISITOR)
CALLBACK_ROLES = (R.AGENT, R.SHIFT_LEAD, R.DISPATCHER)    # the callback list of dissuaded callers
LEAD_ROLES = (R.SHIFT_LEAD, R.CENTER_LEADER)            # wallboard, peak switch
CALL_VIEW_ROLES = (R.AGENT, R.SHIFT_LEAD, R.DISPATCHER, R.SUPERVISOR, R.CENTER_LEADER)
CHOSEN_STATES = {"ready": "Available", "break": "On Break", "logged_out": "Logged Out"}
EXTENSION = re.compile(r"[0-9]{3,8}")
ANSWER_TARGET = timedelta(seconds=15)
CALLER_ID = "12345"
TRUNK = "carrier"
RECORDINGS = "/var/lib/freeswitch/recordings"   # the switch's own path (mapped for playback, see recording_file)
OUTBOUND_QUEUE = "outbound"      # an outbound call's record (telephony.controls.OUTBOUND_QUEUE)


# --- phone states ---------------------------------------------------------------------------------
def my_status(actor: Actor) -> AgentStatus | None:
    """The actor's seat and state, if they ever signed in to a phone."""
    return db.session.get(AgentStatus, actor.user_id)


def set_state(*, actor: Actor, state: str, extension: str | None = None) -> AgentStatus:
    """Sign in to a seat (ready), take a break, come back, or sign out; the switch is told too."""
    actor.require(*PHONE_ROLES)
    if state not in CHOSEN_STATES:
        raise ValidationFailed({"state": [msg("not_an_option", "must be one of: %(options)s", options=", ".join(CHOSEN_STATES))]})
    row = my_status(actor)
    ext = (extension or "").strip() or (row.extension if row else "")
    if not EXTENSION.fullmatch(ext):
        raise ValidationFailed({"extension": [msg("bad_extension", "the seat's extension: 3 to 8 digits")]})
    taken = db.session.execute(select(AgentStatus.user_id).where(
        AgentStatus.extension == ext, AgentStatus.user_id != actor.user_id,
        AgentStatus.state != "logged_out")).scalar()
    if taken:
        raise WrongState(msg("extension_taken", "extension %(ext)s is in use by another agent", ext=ext))
    if row is not None and row.state == "talking" and state != "ready":
        raise WrongState(msg("finish_call_first", "finish the call first"))
    now = clock_now()
    if row is None:
        _release_extension(ext)
        row = AgentStatus(user_id=actor.user_id, extension=ext, state=state, state_since=now)
        db.session.add(row)
    else:
        if row.extension != ext:
            _release_extension(ext)
        row.extension, row.state, row.state_since, row.call_id = ext, state, now, None
    row.seen_at = now              # choosing a state on a screen: someone sits at the seat
    call_live.queue_command(kind="agent_status", actor_id=actor.user_id, commit=False,
                            command=f"callcenter_config agent set status {call_live.cc_agent(ext)} '{CHOSEN_STATES[state]}'")
    db.session.commit()
    return row


def _release_extension(ext: str) -> None:
    # a signed-out seat row of someone else may still hold the extension (unique): it says nothing
    # more than "signed out", so it goes
    db.session.execute(delete(AgentStatus).where(AgentStatus.extension == ext, AgentStatus.state == "logged_out"))


def offered_call(*, actor: Actor, call_id: str) -> CallFeed | None:
    """The offer of this call to the actor's seat (intake pre-fill and linking), if there was one."""
    seat = my_status(actor)
    if seat is None or not call_id:
        return None
    return db.session.execute(select(CallFeed).where(
        CallFeed.call_id == call_id, CallFeed.kind == "offer",
        CallFeed.agent == call_live.cc_agent(seat.extension)).order_by(CallFeed.id.desc()).limit(1)).scalar()


def caller_record(*, actor: Actor, phone: str, days: int = 30) -> dict:
    """What the screen pop says about a caller besides their cases: the name they gave last time
    (in the actor's scope) and how often they called lately (repeat callers are worth knowing)."""
    actor.require(*PHONE_ROLES)
    digits = cases.normalize_phone(phone or "")
    if len(digits) < 5:
        return {"name": None, "calls": 0, "last_call": None}
    since = clock_now() - timedelta(days=days)
    count, last = db.session.execute(select(func.count(), func.max(CallRecord.arrived_at)).where(
        CallRecord.caller == digits, CallRecord.arrived_at >= since)).one()
    name = db.session.execute(select(Case.citizen_name).where(Case.phone == digits, scope.case_visible(actor))
                              .order_by(Case.created_at.desc()).limit(1)).scalar()
    return {"name": name, "calls": count, "last_call": last}


# --- calls the actor may see ------------------------------------------------------------------------
def get_call(*, actor: Actor, call_record_id: int) -> CallRecord:
    """One call record: center roles that work calls see all; others only calls of cases they see."""
    row = db.session.get(CallRecord, call_record_id)
    if row is None:
        raise NotFound(msg("call_not_found", "call %(id)s not found", id=call_record_id))
    if actor.has(*CALL_VIEW_ROLES):
        return row
    if row.case_id:
        scope.check_case_visible(actor, db.session.get(Case, row.case_id))
        return row
    raise PermissionDenied(msg("call_out_of_scope", "this call is not linked to a case you may see"))


def calls_of_case(*, actor: Actor, case_id: int) -> list[CallRecord]:
    """The calls linked to a case the actor may see."""
    cases.get_case(case_id=case_id, actor=actor)
    return list(db.session.execute(select(CallRecord).where(CallRecord.case_id == case_id)
                                   .order_by(CallRecord.arrived_at)).scalars())


def recording_file(*, actor: Actor, call_record_id: int, which: str, switch_dir: str, local_dir: str) -> Path:
    """The local file of a call's recording or voicemail, access-checked and kept inside `local_dir`.

    The switch writes under `switch_dir` (e.g. /var/lib/freeswitch); the web reads the same files
    from `local_dir` (a read-only mount). A path outside either is refused, so a forged
    variable in a CDR cannot make the web read an arbitrary file.
    """
    row = get_call(actor=actor, call_record_id=call_record_id)
    if row.case_id:         # the citizen's voice: the masking rule of the case (scope.may_see_personal_data)
        scope.check_personal_data(actor, db.session.get(Case, row.case_id))
    path = row.recording_path if which == "recording" else row.voicemail_path
    if not path or not local_dir:
        raise NotFound(msg("no_recording", "this call has no such recording"))
    switch_root, local_root = Path(switch_dir), Path(local_dir).resolve()
    try:
        relative = Path(path).relative_to(switch_root)
    except ValueError:
        raise NotFound(msg("recording_outside", "the recording lies outside the recordings directory")) from None
    local = (local_root / relative).resolve()
    if local_root not in local.parents or not local.is_file():
        raise NotFound(msg("recording_missing", "the recording file is not available"))
    return local


# --- click-to-call and three-way calls -------------------------------------------------------------
@dataclass
class Dial:
    command: TelephonyCommand
    masked: str


def dial(*, actor: Actor, case_id: int | None = None, call_record_id: int | None = None,
         user_id: int | None = None) -> Dial:
    """Call a number on screen from the actor's seat: the citizen of a case, a caller of a call
    (e.g. a callback) or a colleague; the number is looked up here, never typed by the browser."""
    actor.require(*PHONE_ROLES)
    seat = my_status(actor)
    if seat is None or seat.state == "logged_out":
        raise WrongState(msg("seat_first", "sign in to a phone seat first"))
    number, linked_case = _number_for(actor, case_id, call_record_id, user_id)
    return _originate(actor, seat, number, linked_case)


def dial_number(*, actor: Actor, number: str, case_id: int | None = None) -> Dial:
    """Call a number a service looked up from its own rows (an outbound campaign's target), never
    one typed by the browser; the caller checked that the actor may call it."""
    actor.require(*PHONE_ROLES)
    seat = my_status(actor)
    if seat is None or seat.state == "logged_out":
        raise WrongState(msg("seat_first", "sign in to a phone seat first"))
    return _originate(actor, seat, _dialable(number), case_id)


def _originate(actor: Actor, seat: AgentStatus, number: str, linked_case: int | None) -> Dial:
    ours = str(uuid.uuid4())
    # recorded and kept like an inbound call: the worker writes its call record (queue "outbound")
    # from these variables when the agent's leg ends
    command = (f"originate {{origination_uuid={ours},origination_caller_id_number={CALLER_ID},"
               f"originate_timeout=30,hotline_outbound=true,hotline_number={number},hotline_case={linked_case or ''},"
               f"execute_on_answer='record_session {RECORDINGS}/outbound/{ours}.wav'}}"
               f"user/{seat.extension} &bridge(sofia/gateway/{TRUNK}/{number})")
    row = call_live.queue_command(kind="originate", command=command, actor_id=actor.user_id,
                                  case_id=linked_case, call_id=ours)
    return Dial(row, mask_phone(number))


def _number_for(actor: Actor, case_id, call_record_id, user_id) -> tuple[str, int | None]:
    if case_id is not None:
        case = cases.get_case(case_id=case_id, actor=actor)
        return _dialable(case.phone), case.id
    if call_record_id is not None:
        call = get_call(actor=actor, call_record_id=call_record_id)
        return _dialable(call.callback_number or call.caller or ""), call.case_id
    if user_id is not None:
        user = db.session.get(User, user_id)
        if user is None or not user.active:
            raise NotFound(msg("user_not_found", "user %(id)s not found", id=user_id))
        return _dialable(user.phone or ""), None
    raise ValidationFailed({"target": [msg("dial_whom", "say whom to call: a case, a call or a colleague")]})


def _dialable(phone: str) -> str:
    digits = cases.normalize_phone(phone)
    if not re.fullmatch(r"[0-9]{5,20}", digits):
        raise ValidationFailed({"phone": [msg("no_dialable_number", "no dialable number")]})
    return digits


def conference_contacts(*, actor: Actor, case_id: int) -> list[tuple[int, str, str]]:
    """(user id, name, department) of the case's departments' staff with a phone, for a three-way
    call — only while the actor is talking on a call (otherwise there is nothing to join)."""
    seat = my_status(actor)
    if seat is None or seat.state != "talking" or not actor.has(*PHONE_ROLES):
        return []
    from engine.models import CaseDepartment, Department

    rows = db.session.execute(
        select(User.id, User.display_name, Department.name)
        .join(Department, Department.id == User.department_id)
        .join(CaseDepartment, and_(CaseDepartment.department_id == User.department_id,
                                   CaseDepartment.case_id == case_id, CaseDepartment.active.is_(True)))
        .where(User.active.is_(True), User.phone.is_not(None), User.phone != "")
        .order_by(Department.name, User.display_name)).all()
    return [tuple(row) for row in rows]


def command_status(*, actor: Actor, command_id: int) -> TelephonyCommand:
    """A queued command's state and the switch's answer (only the requester sees it)."""
    row = db.session.get(TelephonyCommand, command_id)
    if row is None or row.requested_by_id != actor.user_id:
        raise NotFound(msg("command_not_found", "command %(id)s not found", id=command_id))
    return row


# --- callbacks -----------------------------------------------------------------------------------
def callbacks(*, actor: Actor, status: str = "open", limit: int = 200) -> list[CallRecord]:
    """The callback list (dissuaded callers who asked to be called back), oldest first."""
    actor.require(*CALLBACK_ROLES)
    return list(db.session.execute(select(CallRecord).where(CallRecord.callback_status == status)
                                   .order_by(CallRecord.arrived_at, CallRecord.id).limit(limit)).scalars())


def finish_callback(*, actor: Actor, call_record_id: int, result: str) -> CallRecord:
    """Close a callback entry: `done` (reached the caller) or `failed` (gave up after trying)."""
    actor.require(*CALLBACK_ROLES)
    if result not in ("done", "failed"):
        raise ValidationFailed({"result": [msg("not_an_option", "must be one of: %(options)s", options="done, failed")]})
    changed = db.session.execute(update(CallRecord).where(
        CallRecord.id == call_record_id, CallRecord.callback_status == "open").values(
        callback_status=result, callback_by_id=actor.user_id, callback_at=clock_now())).rowcount
    if not changed:
        db.session.rollback()
        if db.session.get(CallRecord, call_record_id) is None:
            raise NotFound(msg("call_not_found", "call %(id)s not found", id=call_record_id))
        raise WrongState(msg("callback_closed", "this callback is not open (someone else closed it)"))
    db.session.commit()
    return db.session.get(CallRecord, call_record_id)


# --- peak (smart dissuasion) ----------------------------------------------------------------------
def set_peak_mode(*, actor: Actor, mode: int, reason: str = "") -> int:
    """0 off, 1 on, 2 automatic by queue length; the worker applies it to the switch."""
    actor.require(*LEAD_ROLES)
    if mode not in (0, 1, 2):
        raise ValidationFailed({"mode": [msg("peak_mode", "must be 0 (off), 1 (on) or 2 (automatic)")]})
    settings.write_audited("telephony.peak_mode", mode, actor_id=actor.user_id, reason=reason or "wallboard")
    return mode


def peak_wanted(mode: int, threshold: int, longest_queue: int) -> bool:
    """Whether dissuasion should be on now."""
    return mode == 1 or (mode == 2 and longest_queue >= threshold)


# --- wallboard -----------------------------------------------------------------------------------
def wallboard(*, actor: Actor, day_start: datetime) -> dict:
    """Live queues (from the worker), agents by state, and today's figures from the call records."""
    actor.require(*LEAD_ROLES)
    live, written = switches.live_state()   # every switch's queues
    now = clock_now()
    agents = dict.fromkeys(("ready", "ringing", "talking", "break"), 0)
    agents.update(dict(db.session.execute(select(AgentStatus.state, func.count())
                                          .where(AgentStatus.state != "logged_out").group_by(AgentStatus.state)).all()))
    today = and_(CallRecord.arrived_at >= day_start,   # inbound only: outbound calls are no offered calls
                 CallRecord.direction == "inbound")
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update(dict(db.session.execute(select(CallRecord.outcome, func.count()).where(today)
                                          .group_by(CallRecord.outcome)).all()))
    quick = and_(CallRecord.outcome == "answered", CallRecord.queued_at.is_not(None),
                 CallRecord.answered_at <= CallRecord.queued_at + ANSWER_TARGET) \
        if db.session.get_bind().dialect.name == "postgresql" else None
    queued, answered_quick = _answer_rate_counts(today, quick)
    params = settings.snapshot()
    offered = sum(counts.values())
    return {
        "generated_at": now, "live_at": written, "live_stale": written is None or now - written > timedelta(seconds=10),
        "queues": live.get("queues", []), "waiting": sum(q.get("waiting", 0) for q in live.get("queues", [])),
        "longest_wait": max([q.get("longest_wait", 0) for q in live.get("queues", [])] or [0]),
        "peak_on": bool(live.get("peak")), "peak_mode": params["telephony.peak_mode"],
        "peak_queue_length": params["telephony.peak_queue_length"],
        "agents": agents, "offered": offered, "answered": counts["answered"],
        "answer_rate_15s": round(answered_quick / queued, 3) if queued else None,
        "loss": {k: counts[k] for k in ("trunk", "ivr", "queue", "agent")},
        "overflow": counts["overflow"], "dissuaded": counts["dissuaded"],
        "queues_today": queues.today_by_queue(day_start),     # inbound calls and answers per queue
        "callbacks_open": db.session.execute(select(func.count()).where(CallRecord.callback_status == "open")).scalar(),
    }


def _answer_rate_counts(today, quick) -> tuple[int, int]:
    """(calls that reached a queue today, of them answered within 15 s of joining)."""
    reached = CallRecord.queued_at.is_not(None)
    if quick is not None:
        row = db.session.execute(select(func.count(), func.sum(sql_case((quick, 1), else_=0)))
                                 .where(today, reached)).one()
        return row[0], int(row[1] or 0)
    # SQLite has no interval arithmetic in SQL; the day's queued calls are few enough to count here
    rows = db.session.execute(select(CallRecord.outcome, CallRecord.queued_at, CallRecord.answered_at)
                              .where(today, reached)).all()
    quick_count = sum(1 for o, q, a in rows if o == "answered" and a and a - q <= ANSWER_TARGET)
    return len(rows), quick_count
