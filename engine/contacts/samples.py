"""Demo contacts with history (engine.demo calls `seed_demo` after the demo cases)."""
from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy import select

from engine.contacts import learn, service
from engine.db import db
from engine.models import CallNote, CallRecord, Case, User
from engine.ports import now as clock_now

NOTES = ["市民情绪平稳，已告知办理时限。", "市民补充：问题已持续两周，希望尽快上门查看。", "耳背，请大声慢速说话。"]


def seed_demo() -> int:
    """Each demo case's caller becomes a contact with a call and a note; one is a key person with tags."""
    agent_id = db.session.execute(select(User.id).where(User.username == "agent")).scalar()
    now = clock_now()
    cases = db.session.execute(select(Case).order_by(Case.id).limit(3)).scalars().all()
    for i, case in enumerate(cases):
        call = CallRecord(call_id=f"demo-{uuid.uuid4()}", caller=case.phone, outcome="answered", agent="1001@default",
                          queue="12345@default", arrived_at=now - timedelta(days=i + 1), case_id=case.id,
                          answered_at=now - timedelta(days=i + 1) + timedelta(seconds=12),
                          ended_at=now - timedelta(days=i + 1) + timedelta(minutes=4))
        db.session.add(call)
        db.session.flush()
        contact = learn.link("call", call.id, case.phone, case.citizen_name, source_kind="call")
        if contact is not None and agent_id:
            db.session.add(CallNote(call_record_id=call.id, contact_id=contact.id, author_id=agent_id, body=NOTES[i]))
    db.session.commit()
    learn.learn()
    if cases:
        first = service.by_phone(cases[0].phone)
        if first is not None:
            first.classification, first.sms_consent, first.sms_consent_at = "key", True, now
            service.set_tags(first.id, ["独居老人", "重复来电"])
            db.session.commit()
    return len(cases)
