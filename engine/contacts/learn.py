"""How contacts learn of numbers: a scheduler job reads new cases, call records and citizen SMS.

The lower domains (cases, telephony, notifications) know nothing of contacts: this job follows
their tables by id from a cursor per source, resolves each number to its contact (created when
new: the merge rule of engine.contacts.service.resolve) and links the row to it. Idempotent: a
row is linked once (unique source + id), so a job that died midway simply runs again.
"""
from __future__ import annotations

from sqlalchemy import null, select

from engine.contacts import phones as P, service
from engine.db import db
from engine.models import CallRecord, Case, Contact, ContactCursor, ContactLink, ContactPhone, Notification

BATCH = 1000


def _sources():
    return {
        "case": select(Case.id, Case.phone, Case.citizen_name),
        "call": select(CallRecord.id, CallRecord.caller, null()),
        # SMS to citizens only (staff reminders carry a user id)
        "sms": select(Notification.id, Notification.recipient, null()).where(Notification.user_id.is_(None)),
    }


def learn(batch: int = BATCH) -> dict[str, int]:
    """Link up to `batch` new rows of each source to contacts; how many were linked per source."""
    linked: dict[str, int] = {}
    for source, query in _sources().items():
        cursor = db.session.get(ContactCursor, source) or ContactCursor(source=source, last_id=0)
        db.session.add(cursor)
        id_column = query.selected_columns[0]
        rows = db.session.execute(query.where(id_column > cursor.last_id).order_by(id_column).limit(batch)).all()
        count = 0
        for row_id, phone, name in rows:
            count += bool(link(source, row_id, phone, name or "", source_kind=source))
            cursor.last_id = row_id
        db.session.commit()
        linked[source] = count
    return linked


def name_from_cases(contact: Contact) -> None:
    """A contact first seen on a call takes the name given on the newest case of its numbers (the
    screen pop opens the contact before the learn job has read those cases)."""
    if contact.name:
        return
    numbers = P.variants(list(db.session.execute(select(ContactPhone.phone).where(
        ContactPhone.contact_id == contact.id)).scalars()))
    name = db.session.execute(select(Case.citizen_name).where(Case.phone.in_(numbers), Case.citizen_name != "")
                              .order_by(Case.id.desc()).limit(1)).scalar()
    if name:
        contact.name = name[:100]


def link(source: str, source_id: int, phone: str | None, name: str = "", *, source_kind: str = "manual") -> Contact | None:
    """The contact of this number, with the row linked to it (once). Flushes, never commits."""
    if not P.usable(P.normalise(phone)):
        return None
    contact = service.resolve(phone, name=name, source=source_kind)
    known = db.session.execute(select(ContactLink).where(ContactLink.source == source,
                                                         ContactLink.source_id == source_id)).scalar()
    if known is None:
        db.session.add(ContactLink(contact_id=contact.id, source=source, source_id=source_id))
        db.session.flush()
    return contact
