"""Inbound SMS: a message joins the sender's open case or opens one; once per carrier id."""
from __future__ import annotations

from datetime import timedelta, timezone

import pytest
from sqlalchemy import func, select

from engine.channels import sms_inbound
from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed
from engine.models import Case, CaseEvent, InboundSms, Notification
from engine.ports import now as clock_now
from tests.factories import INTAKE, open_case

PHONE = INTAKE["phone"]


def message(**overrides) -> dict:
    at = clock_now().replace(tzinfo=timezone.utc)
    return {"id": "m-1", "from": PHONE, "to": "12345", "text": "电梯今天又坏了，还有老人被困。",
            "received_at": at.isoformat(), **overrides}


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_signature_is_hmac_sha256_of_the_raw_body():
    body = b'{"id": "m-1"}'
    good = sms_inbound.sign("s3cret", body)
    assert len(good) == 64 and sms_inbound.signature_valid("s3cret", body, good)
    assert sms_inbound.signature_valid("s3cret", body, good.upper())
    assert not sms_inbound.signature_valid("s3cret", body + b" ", good)          # body changed
    assert not sms_inbound.signature_valid("other", body, good)                  # another secret
    assert not sms_inbound.signature_valid("s3cret", body, None)                 # missing
    assert not sms_inbound.signature_valid("", body, sms_inbound.sign("", body))  # no secret: nothing passes


def test_a_message_from_a_number_with_an_open_case_joins_its_timeline(app, actor):
    older = open_case(actor("agent"))
    newest = open_case(actor("agent"), phone="138-0013-8000", title="另一件事")
    answer = sms_inbound.receive(message(**{"from": "+86 13800138000"[4:]}))
    assert answer == {"message_id": "m-1", "result": "appended", "case_no": newest.case_no}
    [event] = db.session.scalars(select(CaseEvent).where(CaseEvent.action == "citizen_message")).all()
    assert event.case_id == newest.id and event.data["text"] == message()["text"] and event.actor_id is None
    assert count(CaseEvent, CaseEvent.case_id == older.id, CaseEvent.action == "citizen_message") == 0
    row = db.session.scalars(select(InboundSms)).one()
    assert (row.result, row.case_id, row.event_id, row.sender) == ("appended", newest.id, event.id, PHONE)
    assert count(Case) == 2


def test_a_message_from_an_unknown_number_opens_a_case_in_triage_with_a_receipt(app):
    answer = sms_inbound.receive(message(**{"from": "13911112222", "text": "我们小区门口的垃圾已经三天没人清运了，味道很大"}))
    case = db.session.scalars(select(Case)).one()
    assert answer == {"message_id": "m-1", "result": "opened", "case_no": case.case_no}
    assert (case.channel, case.stage, case.phone, case.citizen_name) == ("sms", "triage", "13911112222", "短信市民")
    assert case.title == "我们小区门口的垃圾已经三天没人清运了，味…" and case.wants_sms_reply is True
    [receipt] = db.session.scalars(select(Notification).where(Notification.case_id == case.id)).all()
    assert receipt.kind == "receipt" and receipt.recipient == "13911112222" and case.query_code in receipt.body
    assert db.session.scalar(select(InboundSms.case_id)) == case.id


def test_a_closed_or_merged_case_does_not_take_messages(app, actor):
    case = open_case(actor("agent"))
    db.session.execute(Case.__table__.update().where(Case.id == case.id).values(status="closed"))
    db.session.commit()
    assert sms_inbound.receive(message())["result"] == "opened"
    assert count(Case) == 2


def test_a_resent_message_answers_the_same_and_does_nothing_twice(app, actor):
    open_case(actor("agent"))
    first = sms_inbound.receive(message())
    again = sms_inbound.receive(message(received_at=(clock_now() - timedelta(hours=1)).isoformat() + "+00:00"))
    assert again == first and count(CaseEvent, CaseEvent.action == "citizen_message") == 1 and count(InboundSms) == 1
    opened = sms_inbound.receive(message(id="m-2", **{"from": "13700001111"}))
    assert sms_inbound.receive(message(id="m-2", **{"from": "13700001111"})) == opened and count(Case) == 2


def test_a_message_outside_the_five_minute_window_is_refused(app):
    old = (clock_now() - timedelta(minutes=6)).isoformat() + "+00:00"
    with pytest.raises(ValidationFailed) as stale:
        sms_inbound.receive(message(received_at=old))
    assert list(stale.value.errors) == ["received_at"] and count(InboundSms) == 0 and count(Case) == 0
    future = (clock_now() + timedelta(minutes=6)).isoformat() + "+00:00"
    with pytest.raises(ValidationFailed):
        sms_inbound.receive(message(received_at=future))
    in_china = (clock_now() + timedelta(hours=8, minutes=-4)).isoformat() + "+08:00"    # an offset is honoured
    assert sms_inbound.receive(message(received_at=in_china))["result"] == "opened"


@pytest.mark.parametrize("bad, field", [
    ({"id": ""}, "id"), ({"from": "not a phone"}, "from"), ({"text": "  "}, "text"), ({"text": 5}, "text"),
    ({"text": "x" * 2001}, "text"), ({"received_at": "yesterday"}, "received_at"),
    ({"received_at": "2026-12-06T10:00:00"}, "received_at"), ({"id": None}, "id"),
])
def test_a_bad_body_names_the_field(app, bad, field):
    with pytest.raises(ValidationFailed) as refused:
        sms_inbound.receive(message(**bad))
    assert field in refused.value.errors


def test_a_body_that_is_not_an_object_is_refused(app):
    with pytest.raises(ValidationFailed) as refused:
        sms_inbound.receive(["id", "m-1"])
    assert list(refused.value.errors) == ["body"]


def test_staff_list_the_messages_with_the_sender_masked(app, actor):
    sms_inbound.receive(message())
    page = sms_inbound.list_messages(actor=actor("dispatcher"))
    [item] = page.items
    assert page.total == 1 and item.sender == "138****8000" and item.result == "opened" and item.case_no
    with pytest.raises(PermissionDenied):
        sms_inbound.list_messages(actor=actor("dh_hb_handler"))
