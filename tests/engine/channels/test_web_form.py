"""The citizens' web form: phone verification by SMS code, the abuse guard, the case it registers."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.channels import guard, verification, web_form
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Attachment, Case, Notification, PhoneVerification, WebSubmission
from engine.ports import now as clock_now

PHONE = "13912345678"
JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64
FORM = {"category": "complaint", "content": "路灯坏了三天，晚上很黑，请尽快修理。", "address": "东湖区湖滨路1号",
        "citizen_name": "李四", "phone": PHONE, "wants_sms_reply": "true"}


def code_sent(phone: str = PHONE) -> str:
    """The code in the newest verification SMS queued for `phone` (what the citizen reads)."""
    body = db.session.scalars(select(Notification.body).where(Notification.kind == "verification",
                                                              Notification.recipient == phone)
                              .order_by(Notification.id.desc())).first()
    return re.search(r"验证码是(\d{6})", body).group(1)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def other(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** 6:06d}"


# ------------------------------------------------------------------------------------ verification

def test_a_code_is_sent_through_the_outbox_and_only_its_hash_is_kept(app):
    verification.request_code("139-1234 5678")
    code = code_sent()
    row = db.session.scalars(select(PhoneVerification)).one()
    assert row.phone == PHONE and code not in row.code_hash and row.salt
    assert row.expires_at - row.created_at == timedelta(minutes=10)
    sms = db.session.scalars(select(Notification).where(Notification.kind == "verification")).one()
    assert sms.status == "pending" and sms.body.startswith("【12345】") and "10分钟" in sms.body


def test_the_right_code_verifies_once(app):
    verification.request_code(PHONE)
    code = code_sent()
    verification.consume(PHONE, code)
    db.session.commit()
    with pytest.raises(ValidationFailed) as again:
        verification.consume(PHONE, code)
    assert again.value.errors["code"][0].code == "code_missing"


def test_an_expired_code_is_refused(app):
    at = clock_now()
    verification.request_code(PHONE, now=at)
    with pytest.raises(ValidationFailed) as late:
        verification.consume(PHONE, code_sent(), now=at + timedelta(minutes=10, seconds=1))
    assert late.value.errors["code"][0].code == "code_expired"
    verification.consume(PHONE, code_sent(), now=at + timedelta(minutes=9))      # in time it works


def test_a_wrong_code_counts_and_five_wrong_tries_exhaust_the_code(app):
    verification.request_code(PHONE)
    code = code_sent()
    for left in (4, 3, 2, 1, 0):
        with pytest.raises(ValidationFailed) as wrong:
            verification.consume(PHONE, other(code))
        assert wrong.value.errors["code"][0].code == "code_wrong" and f"{left} tries left" in wrong.value.errors["code"][0]
    assert db.session.scalar(select(PhoneVerification.attempts)) == 5          # committed despite the refusals
    with pytest.raises(ValidationFailed) as exhausted:
        verification.consume(PHONE, code)                                      # even the right one now
    assert exhausted.value.errors["code"][0].code == "code_exhausted"


def test_no_code_asked_for_is_refused(app):
    with pytest.raises(ValidationFailed) as missing:
        verification.consume(PHONE, "123456")
    assert missing.value.errors["code"][0].code == "code_missing"


def test_codes_are_rate_limited_per_phone(app):
    at = clock_now()
    verification.request_code(PHONE, now=at)
    with pytest.raises(verification.Throttled) as soon:
        verification.request_code(PHONE, now=at + timedelta(seconds=30))
    assert "phone" in soon.value.errors
    for minute in range(1, verification.CODES_PER_HOUR):
        verification.request_code(PHONE, now=at + timedelta(minutes=minute))
    with pytest.raises(verification.Throttled):
        verification.request_code(PHONE, now=at + timedelta(minutes=verification.CODES_PER_HOUR + 1))
    verification.request_code("13800000001", now=at + timedelta(seconds=30))    # another phone is not held up
    assert count(PhoneVerification) == verification.CODES_PER_HOUR + 1


def test_a_bad_phone_gets_no_code(app):
    with pytest.raises(ValidationFailed) as bad:
        verification.request_code("call me")
    assert "phone" in bad.value.errors and count(Notification) == 0


# ------------------------------------------------------------------------------------- the form

def send(data=None, files=(), **kw):
    verification.request_code((data or FORM)["phone"])
    return web_form.submit({**(data or FORM), "code": code_sent((data or FORM)["phone"])}, files, **kw)


def test_a_verified_request_becomes_a_web_case_in_triage_with_its_photos_and_one_receipt(app):
    receipt = send(files=[("照片.jpg", JPEG), ("b.png", b"\x89PNG\r\n\x1a\n" + b"0" * 16)], client_ip="10.0.0.9")
    case = db.session.get(Case, receipt.case_id)
    assert (case.case_no, case.query_code) == (receipt.case_no, receipt.query_code)
    assert (case.channel, case.stage, case.phone, case.citizen_name) == ("web", "triage", PHONE, "李四")
    assert case.title == "路灯坏了三天，晚上很黑，请尽快修理。" and case.wants_sms_reply is True
    assert sorted(db.session.scalars(select(Attachment.filename).where(Attachment.case_id == case.id))) == ["b.png", "照片.jpg"]
    receipts = db.session.scalars(select(Notification).where(Notification.case_id == case.id)).all()
    assert [n.kind for n in receipts] == ["receipt"] and case.query_code in receipts[0].body     # sent once
    row = db.session.scalars(select(WebSubmission)).one()
    assert (row.case_id, row.honeypot, row.client_ip) == (case.id, False, "10.0.0.9")


def test_a_long_description_gives_a_short_title_and_a_map_point_goes_into_the_address(app):
    data = {**FORM, "content": "一" * 50, "address": "", "latitude": "31.2304161", "longitude": "121.4737"}
    case = db.session.get(Case, send(data).case_id)
    assert case.title == "一" * 20 + "…" and case.content == "一" * 50
    assert case.address == "定位 31.230416,121.473700"
    assert db.session.scalar(select(WebSubmission.latitude)) == pytest.approx(31.230416)


def test_every_bad_field_is_named_at_once_and_the_code_is_not_used_up(app):
    verification.request_code(PHONE)
    with pytest.raises(ValidationFailed) as bad:
        web_form.submit({**FORM, "category": "", "content": "", "address": "", "code": "12"})
    assert {"category", "content", "address", "code"} <= set(bad.value.errors) and "title" not in bad.value.errors
    with pytest.raises(ValidationFailed) as bad_point:
        web_form.submit({**FORM, "latitude": "91", "longitude": "0", "code": code_sent()})
    assert "location" in bad_point.value.errors
    receipt = web_form.submit({**FORM, "code": code_sent()})                   # the code still works
    assert receipt.case_id and count(Case) == 1


def test_a_refused_photo_refuses_the_request_and_keeps_the_code(app):
    verification.request_code(PHONE)
    with pytest.raises(ValidationFailed) as refused:
        web_form.submit({**FORM, "code": code_sent()}, [("x.jpg", b"<html>not a photo</html>")])
    assert "attachments" in refused.value.errors and count(Case) == 0
    assert web_form.submit({**FORM, "code": code_sent()}, [("x.jpg", JPEG)]).case_id


def test_a_wrong_code_registers_nothing(app):
    verification.request_code(PHONE)
    with pytest.raises(ValidationFailed) as wrong:
        web_form.submit({**FORM, "code": other(code_sent())})
    assert list(wrong.value.errors) == ["code"] and count(Case) == 0


def test_the_honeypot_looks_like_success_but_registers_and_sends_nothing(app, caplog):
    receipt = web_form.submit({**FORM, web_form.HONEYPOT: "http://spam.example", "code": ""}, client_ip="10.6.6.6")
    assert receipt.case_id is None and re.fullmatch(r"GD\d{14}", receipt.case_no) and len(receipt.query_code) == 10
    assert count(Case) == 0 and count(Notification) == 0
    row = db.session.scalars(select(WebSubmission)).one()
    assert row.honeypot and row.case_id is None and row.client_ip == "10.6.6.6"
    assert "honeypot" in caplog.text


def test_requests_are_limited_per_phone_per_day(app, monkeypatch):
    monkeypatch.setattr(guard, "PER_PHONE", 2)
    at = clock_now()
    for n in range(2):
        verification.request_code(PHONE, now=at + timedelta(minutes=2 * n))
        web_form.submit({**FORM, "address": f"路{n}号", "code": code_sent()}, now=at + timedelta(minutes=2 * n))
    verification.request_code(PHONE, now=at + timedelta(minutes=5))
    with pytest.raises(verification.Throttled) as third:
        web_form.submit({**FORM, "address": "路9号", "code": code_sent()}, now=at + timedelta(minutes=5))
    assert list(third.value.errors) == ["phone"] and count(Case) == 2
    verification.request_code(PHONE, now=at + timedelta(hours=25))
    assert web_form.submit({**FORM, "code": code_sent()}, now=at + timedelta(hours=25)).case_id   # a day later


def test_requests_are_limited_per_place(app, monkeypatch):
    monkeypatch.setattr(guard, "PER_PLACE", 1)
    send()
    with pytest.raises(verification.Throttled) as same_place:
        send({**FORM, "phone": "13700000002", "address": " 东湖区 湖滨路1号 "})     # spaces do not make it new
    assert list(same_place.value.errors) == ["address"]
    assert send({**FORM, "phone": "13700000003", "address": "东湖区湖滨路2号"}).case_id
