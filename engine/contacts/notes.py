"""通话备注: notes on a call, during or after it, attached to the call and to the caller's contact."""
from __future__ import annotations

from sqlalchemy import select

from engine.contacts import access, learn
from engine.db import db
from engine.errors import NotFound, ValidationFailed
from engine.models import CallNote, CallRecord, User
from engine.organisation import Actor
from forms.messages import msg

MAX_LENGTH = 2000


def _call(call_record_id: int) -> CallRecord:
    call = db.session.get(CallRecord, call_record_id)
    if call is None:
        raise NotFound(msg("call_not_found", "call %(id)s not found", id=call_record_id))
    return call


def add(*, actor: Actor, call_record_id: int, body: str) -> CallNote:
    """A note by the actor (a role at a phone) on the call; the caller's contact gets it too."""
    actor.require(*access.NOTE_ROLES)
    call = _call(call_record_id)
    text = (body or "").strip()
    if not text:
        raise ValidationFailed({"body": [msg("required", "required")]})
    if len(text) > MAX_LENGTH:
        raise ValidationFailed({"body": [msg("max_length", "at most %(max)s characters", max=MAX_LENGTH)]})
    contact = learn.link("call", call.id, call.caller, source_kind="call")
    note = CallNote(call_record_id=call.id, contact_id=contact.id if contact else None, author_id=actor.user_id, body=text)
    db.session.add(note)
    db.session.commit()
    return note


def may_read(actor: Actor) -> bool:
    """Notes hold what the citizen said: the center's roles that see personal data read them."""
    return access.sees_personal_data(actor)


def of_calls(*, actor: Actor, call_ids: list[int]) -> list[dict]:
    """The notes of these calls, oldest first; empty for roles that may not read notes."""
    if not call_ids or not may_read(actor):
        return []
    rows = db.session.execute(select(CallNote, User.display_name).join(User, User.id == CallNote.author_id)
                              .where(CallNote.call_record_id.in_(call_ids)).order_by(CallNote.id)).all()
    return [{"id": n.id, "call_record_id": n.call_record_id, "contact_id": n.contact_id, "author": author,
             "created_at": n.created_at, "body": n.body} for n, author in rows]


def of_case(*, actor: Actor, case_id: int) -> list[dict]:
    """The notes of the calls linked to a case (the case page shows them under its calls)."""
    ids = list(db.session.execute(select(CallRecord.id).where(CallRecord.case_id == case_id)).scalars())
    return of_calls(actor=actor, call_ids=ids)
