"""The voicemail queue (语音留言): every message is listened to before it becomes anything.

A caller the queue could not serve may leave a message. It no longer becomes a case on its own
(the demo's first hour made sixty, each asking an agent to listen): it waits here, oldest first,
until an agent who has played it registers it as a case (intake pre-filled with the caller, the
case linked to the call: engine.cases.open_case marks it registered in the same transaction),
merges it into an open case (the case's timeline says so), or discards it with a reason.
"""
from __future__ import annotations

from sqlalchemy import func, select, update

from engine import cases
from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import CallRecord
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from forms.fields import missing
from forms.messages import msg

QUEUE_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD)
STATUSES = ("open", "registered", "merged", "discarded")
DISCARD_REASONS = ("silent", "wrong_number", "test", "nuisance", "repeat", "other")
NOTE_MAX = 200


class NotHeard(WrongState):
    """The actor has not played the message: nothing is decided about a message nobody heard."""

    code = "voicemail_not_heard"


def waiting(*, actor: Actor, limit: int = 200) -> tuple[list[CallRecord], int]:
    """Open messages, oldest first, and how many there are in all."""
    actor.require(*QUEUE_ROLES)
    where = CallRecord.voicemail_status == "open"
    rows = db.session.execute(select(CallRecord).where(where)
                              .order_by(CallRecord.arrived_at, CallRecord.id).limit(limit)).scalars().all()
    return list(rows), db.session.execute(select(func.count()).where(where)).scalar()


def handled_since(*, actor: Actor, since, limit: int = 200) -> list[CallRecord]:
    """Messages decided since `since` (today's work), newest first."""
    actor.require(*QUEUE_ROLES)
    return list(db.session.execute(select(CallRecord).where(
        CallRecord.voicemail_status.in_(STATUSES[1:]), CallRecord.voicemail_at >= since)
        .order_by(CallRecord.voicemail_at.desc()).limit(limit)).scalars())


def heard(*, actor: Actor, call_record_id: int) -> None:
    """The actor played the message (its audio was served to them)."""
    db.session.execute(update(CallRecord).where(
        CallRecord.id == call_record_id, CallRecord.voicemail_path.is_not(None))
        .values(voicemail_heard_by_id=actor.user_id, voicemail_heard_at=clock_now()))
    db.session.commit()


def for_intake(*, actor: Actor, call_record_id: int) -> CallRecord:
    """An open message the actor has heard, to register as a case (409 otherwise)."""
    return _open_and_heard(actor, call_record_id)


def merge(*, actor: Actor, call_record_id: int, case_no: str, note: str = "") -> CallRecord:
    """Add the message to an open case the actor may see; the case's timeline records it."""
    row = _open_and_heard(actor, call_record_id, lock=True)
    try:
        case = cases.find_case(case_no=case_no, actor=actor)
    except NotFound:
        raise ValidationFailed({"case_no": [msg("case_not_in_scope", "no case %(no)s in your scope", no=case_no)]}) from None
    if case.status == "closed":
        raise ValidationFailed({"case_no": [msg("merge_into_closed", "case %(no)s is closed: merge only into an open case", no=case.case_no)]})
    now = clock_now()
    _decide(row, actor, "merged", note.strip()[:NOTE_MAX], now)
    row.case_id = case.id
    cases.record_events([dict(case_id=case.id, actor_id=actor.user_id, action="voicemail_merged",
                              from_stage=case.stage, to_stage=case.stage, created_at=now,
                              data={"call_record_id": row.id, "note": row.voicemail_note or ""})])
    db.session.commit()
    return row


def discard(*, actor: Actor, call_record_id: int, reason: str, note: str = "") -> CallRecord:
    """Set the message aside, saying why (`other` needs a note)."""
    note = note.strip()
    if reason not in DISCARD_REASONS:
        raise ValidationFailed({"reason": [msg("not_an_option", "must be one of: %(options)s", options=", ".join(DISCARD_REASONS))]})
    if reason == "other" and not note:
        raise ValidationFailed({"note": [missing()]})
    row = _open_and_heard(actor, call_record_id, lock=True)
    _decide(row, actor, "discarded", f"{reason}: {note}"[:NOTE_MAX] if note else reason, clock_now())
    db.session.commit()
    return row


def _open_and_heard(actor: Actor, call_record_id: int, *, lock: bool = False) -> CallRecord:
    actor.require(*QUEUE_ROLES)
    query = select(CallRecord).where(CallRecord.id == call_record_id, CallRecord.voicemail_path.is_not(None))
    row = db.session.execute(query.with_for_update() if lock else query).scalar()
    if row is None:
        raise NotFound(msg("voicemail_not_found", "voicemail %(id)s not found", id=call_record_id))
    if row.voicemail_status != "open":
        raise WrongState(msg("voicemail_decided", "this voicemail was %(status)s already", status=row.voicemail_status))
    if row.voicemail_heard_by_id != actor.user_id:
        raise NotHeard(msg("voicemail_not_heard", "listen to the message before deciding what it becomes"))
    return row


def _decide(row: CallRecord, actor: Actor, status: str, note: str, now) -> None:
    row.voicemail_status, row.voicemail_by_id, row.voicemail_at, row.voicemail_note = status, actor.user_id, now, note
