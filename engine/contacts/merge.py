"""A manual merge of two contacts: phones, tags, links, notes and names move to the kept one; audited."""
from __future__ import annotations

from sqlalchemy import func, select, update

from engine.contacts import access, service
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import CallNote, Contact, ContactLink, ContactMerge, ContactPhone, ContactTag
from engine.organisation import Actor
from forms.messages import msg


# Long because every kind of thing that belongs to a contact moves in this one transaction.
def merge(*, actor: Actor, kept_id: int, merged_id: int, reason: str = "") -> ContactMerge:
    """Move everything of `merged_id` onto `kept_id`; the merged contact stays, pointing at the kept one."""
    actor.require(*access.MERGE_ROLES)
    kept = service.get(actor=actor, contact_id=kept_id)
    gone = service.get(actor=actor, contact_id=merged_id)
    if kept.id == gone.id:
        raise ValidationFailed({"merged_id": [msg("merge_self", "choose another contact to merge")]})
    phones = service.phones_of(gone.id)
    tags = service.tags_of(gone.id)
    db.session.execute(update(ContactPhone).where(ContactPhone.contact_id == gone.id).values(contact_id=kept.id))
    service.set_tags(kept.id, sorted(set(service.tags_of(kept.id)) | set(tags)))
    db.session.execute(ContactTag.__table__.delete().where(ContactTag.contact_id == gone.id))
    links = db.session.execute(update(ContactLink).where(ContactLink.contact_id == gone.id)
                               .values(contact_id=kept.id)).rowcount
    notes = db.session.execute(update(CallNote).where(CallNote.contact_id == gone.id).values(contact_id=kept.id)).rowcount
    for name in [gone.name, *(gone.other_names or [])]:
        service._learn_name(kept, name)
    for field in ("organisation", "address"):
        if not getattr(kept, field) and getattr(gone, field):
            setattr(kept, field, getattr(gone, field))
    if gone.notes:
        kept.notes = (kept.notes + "\n" if kept.notes else "") + gone.notes
    for consent in ("sms_consent", "outbound_consent"):
        if getattr(gone, consent) and not getattr(kept, consent):
            setattr(kept, consent, True)
            setattr(kept, consent + "_at", getattr(gone, consent + "_at"))
    gone.merged_into_id, gone.version, kept.version = kept.id, gone.version + 1, kept.version + 1
    audit = ContactMerge(kept_id=kept.id, merged_id=gone.id, actor_id=actor.user_id, reason=(reason or "")[:200],
                         moved={"phones": phones, "tags": tags, "links": links, "notes": notes, "name": gone.name})
    db.session.add(audit)
    db.session.commit()
    return audit


def merges_of(contact_id: int) -> list[ContactMerge]:
    return list(db.session.execute(select(ContactMerge).where(ContactMerge.kept_id == contact_id)
                                   .order_by(ContactMerge.id)).scalars())


def merged_count() -> int:
    return db.session.execute(select(func.count()).select_from(Contact).where(Contact.merged_into_id.isnot(None))).scalar()
