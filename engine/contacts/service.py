"""Contacts: resolve by phone (find or create), read, search, edit. Merging is in engine.contacts.merge."""
from __future__ import annotations

from sqlalchemy import exists, func, or_, select
from sqlalchemy.exc import IntegrityError

from engine.contacts import access, phones as P
from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import Contact, ContactPhone, ContactTag
from engine.models.contact import CLASSIFICATIONS, CONTACT_KINDS
from engine.organisation import Actor
from engine.paging import Page
from engine.ports import now as clock_now
from forms.messages import msg

PAGE_SIZE = 30


def by_phone(phone: str) -> Contact | None:
    """The (surviving) contact that owns this number, if any."""
    number = P.normalise(phone)
    row = db.session.execute(select(Contact).join(ContactPhone, ContactPhone.contact_id == Contact.id)
                             .where(ContactPhone.phone == number)).scalar()
    return _survivor(row)


def _survivor(row: Contact | None) -> Contact | None:
    for _ in range(10):           # merges chain at most a few times
        if row is None or row.merged_into_id is None:
            return row
        row = db.session.get(Contact, row.merged_into_id)
    return row


def resolve(phone: str | None, *, name: str = "", source: str = "manual") -> Contact | None:
    """The contact of a number seen on a case, call, SMS or import; created when the number is new.

    The number lands on the contact that owns it (the merge rule); a new name is kept beside the
    contact's name. Flushes, never commits: the caller's transaction decides."""
    number = P.normalise(phone)
    if not P.usable(number):
        return None
    row = by_phone(number)
    if row is None:
        try:
            with db.session.begin_nested():
                row = Contact(name=(name or "")[:100], source=source, other_names=[])
                db.session.add(row)
                db.session.flush()
                db.session.add(ContactPhone(contact_id=row.id, phone=number, source=source))
                db.session.flush()
            return row
        except IntegrityError:         # a concurrent sighting created it first
            row = by_phone(number)
    _learn_name(row, name)
    return row


def _learn_name(row: Contact, name: str) -> None:
    name = (name or "").strip()[:100]
    if not name or name == row.name or name in (row.other_names or []):
        return
    if not row.name:
        row.name = name
    else:
        row.other_names = [*(row.other_names or []), name][-10:]


def get(*, actor: Actor, contact_id: int) -> Contact:
    """A contact (404 when unknown); 403 for roles that do not read contacts. Merged → the survivor."""
    access.check_view(actor)
    row = _survivor(db.session.get(Contact, contact_id))
    if row is None:
        raise NotFound(msg("contact_not_found", "contact %(id)s not found", id=contact_id))
    return row


def phones_of(contact_id: int) -> list[str]:
    return list(db.session.execute(select(ContactPhone.phone).where(ContactPhone.contact_id == contact_id)
                                   .order_by(ContactPhone.id)).scalars())


def tags_of(contact_id: int) -> list[str]:
    return list(db.session.execute(select(ContactTag.tag).where(ContactTag.contact_id == contact_id)
                                   .order_by(ContactTag.tag)).scalars())


def search(*, actor: Actor, text: str = "", page: int = 1, page_size: int = PAGE_SIZE) -> Page:
    """Contacts by name, phone (any part of the digits) or tag; masked viewers search by name and tag only."""
    access.check_view(actor)
    query = select(Contact).where(Contact.merged_into_id.is_(None))
    text = (text or "").strip()[:50]
    if text:
        digits = P.normalise(text)
        conditions = [Contact.name.contains(text, autoescape=True), Contact.organisation.contains(text, autoescape=True),
                      exists().where(ContactTag.contact_id == Contact.id, ContactTag.tag == text)]
        if len(digits) >= 4 and access.sees_personal_data(actor):
            conditions.append(exists().where(ContactPhone.contact_id == Contact.id,
                                             ContactPhone.phone.contains(digits, autoescape=True)))
        query = query.where(or_(*conditions))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar()
    rows = db.session.execute(query.order_by(Contact.updated_at.desc(), Contact.id.desc())
                              .offset((max(page, 1) - 1) * page_size).limit(page_size)).scalars().all()
    return Page(items=list(rows), total=total, page=page, page_size=page_size)


FIELDS = ("kind", "name", "organisation", "address", "classification", "notes", "sms_consent", "outbound_consent")


# Long because each field of the edit form is checked here, next to the rule it follows.
def update(*, actor: Actor, contact_id: int, data: dict, tags: list[str] | None = None,
           new_phone: str = "", expected_version: int | None = None) -> Contact:
    """Edit a contact (422 naming the field, 409 when someone saved it meanwhile)."""
    actor.require(*access.EDIT_ROLES)
    row = get(actor=actor, contact_id=contact_id)
    if expected_version is not None and expected_version != row.version:
        raise WrongState(msg("contact_changed", "the contact was changed meanwhile: open it again"))
    errors: dict[str, list] = {}
    if data.get("kind", row.kind) not in CONTACT_KINDS:
        errors["kind"] = [msg("not_an_option", "must be one of: %(options)s", options=", ".join(CONTACT_KINDS))]
    if data.get("classification", row.classification) not in CLASSIFICATIONS:
        errors["classification"] = [msg("not_an_option", "must be one of: %(options)s", options=", ".join(CLASSIFICATIONS))]
    for name, limit in (("name", 100), ("organisation", 200), ("address", 300), ("notes", 4000)):
        if len(str(data.get(name, ""))) > limit:
            errors[name] = [msg("max_length", "at most %(max)s characters", max=limit)]
    number = P.normalise(new_phone)
    if new_phone.strip() and not P.valid(number):
        errors["phone"] = [msg("bad_phone", "not a mobile or landline number")]
    elif number and by_phone(number) not in (None, row):
        errors["phone"] = [msg("phone_taken", "this number belongs to another contact: merge them instead")]
    if errors:
        raise ValidationFailed(errors)
    now = clock_now()
    for name in FIELDS:
        if name not in data:
            continue
        value = bool(data[name]) if name.endswith("consent") else str(data[name]).strip()
        if name.endswith("consent") and value and not getattr(row, name):
            setattr(row, name + "_at", now)        # when the citizen gave it
        elif name.endswith("consent") and not value:
            setattr(row, name + "_at", None)
        setattr(row, name, value)
    if number and by_phone(number) is None:
        db.session.add(ContactPhone(contact_id=row.id, phone=number, source="manual"))
    if tags is not None:
        set_tags(row.id, tags)
    row.version += 1
    db.session.commit()
    return row


def clean_tags(tags) -> list[str]:
    return sorted({t.strip()[:40] for t in tags if t and t.strip()})[:20]


def set_tags(contact_id: int, tags: list[str]) -> None:
    wanted = set(clean_tags(tags))
    have = set(tags_of(contact_id))
    for tag in have - wanted:
        db.session.execute(ContactTag.__table__.delete().where(ContactTag.contact_id == contact_id, ContactTag.tag == tag))
    for tag in sorted(wanted - have):
        db.session.add(ContactTag(contact_id=contact_id, tag=tag))


def present(actor: Actor, row: Contact) -> dict:
    """A contact as the viewer may see it (name, phones, address and notes masked for admins and analysts)."""
    see = access.sees_personal_data(actor)
    return {"id": row.id, "kind": row.kind, "name": row.name if see else access.mask_name(row.name),
            "other_names": (row.other_names or []) if see else [], "organisation": row.organisation,
            "address": row.address if see else ("***" if row.address else ""),
            "classification": row.classification, "notes": row.notes if see else "", "masked": not see,
            "phones": [access.shown_phone(actor, p) for p in phones_of(row.id)], "tags": tags_of(row.id),
            "sms_consent": row.sms_consent, "sms_consent_at": row.sms_consent_at,
            "outbound_consent": row.outbound_consent, "outbound_consent_at": row.outbound_consent_at,
            "version": row.version, "created_at": row.created_at, "updated_at": row.updated_at}
