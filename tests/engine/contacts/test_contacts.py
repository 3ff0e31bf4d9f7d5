"""Contacts: the merge rule by normalised phone, manual merges, masking by role, call notes."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from engine.contacts import history, learn, merge, notes, phones, service
from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed
from engine.models import CallNote, CallRecord, Contact, ContactLink, ContactMerge, Notification
from engine.ports import now as clock_now
from tests.factories import open_case


def call(caller: str, case_id: int | None = None) -> CallRecord:
    row = CallRecord(call_id=str(uuid.uuid4()), caller=caller, outcome="answered", arrived_at=clock_now(), case_id=case_id)
    db.session.add(row)
    db.session.commit()
    return row


def contacts_count() -> int:
    return db.session.execute(select(func.count()).select_from(Contact).where(Contact.merged_into_id.is_(None))).scalar()


@pytest.mark.parametrize("typed, normal", [("+86 138-0013-8000", "13800138000"), ("0086 13800138000", "13800138000"),
                                           ("138 0013 8000", "13800138000"), ("010-6512 3456", "01065123456")])
def test_phones_are_normalised_and_checked(typed, normal):
    assert phones.normalise(typed) == normal
    assert phones.valid(normal)
    assert not phones.valid("12345678") and not phones.valid("1380013800") and not phones.valid("23800138000")


def test_two_sightings_of_one_number_make_one_contact(actor):
    case = open_case(actor("agent"), phone="138-0013-8000", citizen_name="张三")
    first = call("+8613800138000")
    receipts = db.session.execute(select(func.count()).select_from(Notification).where(Notification.case_id == case.id)).scalar()
    assert receipts >= 1                                     # intake's SMS receipt to the citizen
    assert learn.learn() == {"case": 1, "call": 1, "sms": receipts}
    assert contacts_count() == 1
    contact = service.by_phone("13800138000")
    assert contact.name == "张三" and contact.source == "case"
    open_case(actor("agent"), phone="13800138000", citizen_name="张先生")
    call("13800138000")
    learn.learn()
    assert contacts_count() == 1 and contact.other_names == ["张先生"]
    seen = history.history(actor=actor("agent"), contact_id=contact.id)
    assert len(seen["cases"]) == 2 and len(seen["calls"]) == 2 and len(seen["sms"]) == 2 * receipts
    assert case.query_code not in " ".join(s["body"] for s in seen["sms"])       # staff never read the query code
    assert first.id in [c.id for c in seen["calls"]]
    assert learn.learn() == {"case": 0, "call": 0, "sms": 0}      # the cursor moved on: nothing twice
    assert db.session.execute(select(func.count()).select_from(ContactLink)).scalar() == 4 + 2 * receipts


def test_a_manual_merge_moves_phones_tags_notes_and_is_audited(actor):
    a = service.resolve("13800138000", name="李四")
    b = service.resolve("13900139000", name="李四(单位)")
    db.session.commit()
    service.update(actor=actor("agent"), contact_id=b.id, data={"notes": "耳背，请大声说话", "sms_consent": True},
                   tags=["独居"])
    note = notes.add(actor=actor("agent"), call_record_id=call("13900139000").id, body="来电询问低保进度")
    with pytest.raises(PermissionDenied):
        merge.merge(actor=actor("agent"), kept_id=a.id, merged_id=b.id)
    audit = merge.merge(actor=actor("shift_lead"), kept_id=a.id, merged_id=b.id, reason="同一人")
    assert sorted(service.phones_of(a.id)) == ["13800138000", "13900139000"]
    assert service.tags_of(a.id) == ["独居"] and "耳背" in a.notes and a.sms_consent and a.sms_consent_at
    assert db.session.get(CallNote, note.id).contact_id == a.id
    assert audit.moved["phones"] == ["13900139000"] and audit.actor_id == actor("shift_lead").user_id
    assert service.get(actor=actor("agent"), contact_id=b.id).id == a.id      # the merged one leads to the kept one
    assert service.by_phone("+86 139 0013 9000").id == a.id                     # and so does its number
    assert db.session.execute(select(func.count()).select_from(ContactMerge)).scalar() == 1
    with pytest.raises(ValidationFailed) as error:
        merge.merge(actor=actor("shift_lead"), kept_id=a.id, merged_id=b.id)
    assert "merged_id" in error.value.errors


def test_personal_data_is_masked_for_admins_and_hidden_from_departments(actor):
    contact = service.resolve("13800138000", name="王芳")
    contact.address = "某市人民路1号"
    db.session.commit()
    notes.add(actor=actor("agent"), call_record_id=call("13800138000").id, body="投诉噪音")
    full = service.present(actor("agent"), contact)
    assert full["name"] == "王芳" and full["phones"] == ["13800138000"] and not full["masked"]
    masked = service.present(actor("admin"), contact)
    assert masked["name"] == "王*" and masked["phones"] == ["138****8000"] and masked["address"] == "***"
    assert history.notes_of_contact(actor=actor("admin"), contact_id=contact.id)[0]["body"] == ""
    assert service.search(actor=actor("admin"), text="13800138000").total == 0       # no search by number when masked
    assert service.search(actor=actor("agent"), text="0013800").total == 1
    for login in ("xs_qs_handler", "designer"):
        with pytest.raises(PermissionDenied):
            service.get(actor=actor(login), contact_id=contact.id)
    with pytest.raises(NotFound):
        service.get(actor=actor("agent"), contact_id=contact.id + 1000)


def test_call_notes_belong_to_the_call_and_its_contact(actor):
    case = open_case(actor("agent"), phone="13700137000")
    row = call("137-0013-7000", case_id=case.id)
    note = notes.add(actor=actor("agent"), call_record_id=row.id, body="市民补充：每晚十点后施工")
    contact = service.by_phone("13700137000")
    assert note.contact_id == contact.id
    assert [n["body"] for n in notes.of_case(actor=actor("dispatcher"), case_id=case.id)] == ["市民补充：每晚十点后施工"]
    assert notes.of_case(actor=actor("xs_qs_handler"), case_id=case.id) == []
    with pytest.raises(ValidationFailed):
        notes.add(actor=actor("agent"), call_record_id=row.id, body="  ")
    with pytest.raises(PermissionDenied):
        notes.add(actor=actor("admin"), call_record_id=row.id, body="x")


def test_an_edit_refuses_a_bad_phone_and_a_stale_version(actor):
    contact = service.resolve("13800138000")
    other = service.resolve("13900139000")
    db.session.commit()
    with pytest.raises(ValidationFailed) as error:
        service.update(actor=actor("agent"), contact_id=contact.id, data={}, new_phone="12345")
    assert "phone" in error.value.errors
    with pytest.raises(ValidationFailed):
        service.update(actor=actor("agent"), contact_id=contact.id, data={}, new_phone="13900139000")
    assert other.id
    service.update(actor=actor("agent"), contact_id=contact.id, data={"classification": "key"}, expected_version=1)
    from engine.errors import WrongState
    with pytest.raises(WrongState):
        service.update(actor=actor("agent"), contact_id=contact.id, data={}, expected_version=1)
