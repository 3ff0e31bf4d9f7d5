"""What a contact's page lists: every call, case, SMS and outbound attempt of the contact's numbers.

A row counts when the learn job linked it, or when it carries one of the numbers already (the job
may not have run yet): the page is complete without waiting for the scheduler.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import or_, select

from engine.contacts import access, phones as P, service
from engine.db import db
from engine.models import CallNote, CallRecord, Case, ContactLink, Notification, User
from engine.organisation import Actor, scope
from engine.ports import mask_phone

LIMIT = 200
# Extension point for outbound attempts (engine.campaigns builds on contacts, so contacts may not
# import it): the composition root registers fn(phones: list[str], limit: int) -> list[dict]
# (each dict: at, campaign, result, agent, url); the page lists what every source returns.
ATTEMPT_SOURCES: list[Callable[[list[str], int], list[dict]]] = []


def register_attempt_source(fn: Callable[[list[str], int], list[dict]]) -> None:
    if fn not in ATTEMPT_SOURCES:
        ATTEMPT_SOURCES.append(fn)


def _linked(contact_id: int, source: str):
    return select(ContactLink.source_id).where(ContactLink.contact_id == contact_id, ContactLink.source == source)


def history(*, actor: Actor, contact_id: int) -> dict:
    """Calls, cases, SMS, attempts and call notes of a contact, newest first."""
    contact = service.get(actor=actor, contact_id=contact_id)
    numbers = service.phones_of(contact.id)
    forms = P.variants(numbers) or ["-"]
    calls = db.session.execute(select(CallRecord).where(or_(
        CallRecord.id.in_(_linked(contact.id, "call")), CallRecord.caller.in_(forms),
        CallRecord.callback_number.in_(forms))).order_by(CallRecord.id.desc()).limit(LIMIT)).scalars().all()
    cases = db.session.execute(select(Case).where(scope.case_visible(actor), or_(
        Case.id.in_(_linked(contact.id, "case")), Case.phone.in_(forms)))
        .order_by(Case.created_at.desc()).limit(LIMIT)).scalars().all()
    sms = db.session.execute(select(Notification, Case.query_code).outerjoin(Case, Case.id == Notification.case_id)
                             .where(Notification.user_id.is_(None), or_(
                                 Notification.id.in_(_linked(contact.id, "sms")), Notification.recipient.in_(forms)))
                             .order_by(Notification.id.desc()).limit(LIMIT)).all()
    see = access.sees_personal_data(actor)
    return {"calls": calls, "cases": cases, "sms": [_sms(row, code, see) for row, code in sms],
            "attempts": [a for fn in ATTEMPT_SOURCES for a in fn(numbers, LIMIT)],
            "notes": notes_of_contact(actor=actor, contact_id=contact.id)}


def _sms(row: Notification, query_code: str | None, see: bool) -> dict:
    # the query code and the phone are the citizen's key to their case: staff never need the code
    body = row.body.replace(query_code, "*" * len(query_code)) if query_code else row.body
    return {"id": row.id, "kind": row.kind, "status": row.status, "created_at": row.created_at, "sent_at": row.sent_at,
            "recipient": row.recipient if see else mask_phone(row.recipient), "body": body if see else "",
            "case_id": row.case_id}


def notes_of_contact(*, actor: Actor, contact_id: int) -> list[dict]:
    """The call notes on the contact (masked viewers see that notes exist, not what they say)."""
    rows = db.session.execute(select(CallNote, User.display_name).join(User, User.id == CallNote.author_id)
                              .where(CallNote.contact_id == contact_id).order_by(CallNote.id.desc()).limit(LIMIT)).all()
    see = access.sees_personal_data(actor)
    return [{"id": n.id, "call_record_id": n.call_record_id, "author": author, "created_at": n.created_at,
             "body": n.body if see else ""} for n, author in rows]
