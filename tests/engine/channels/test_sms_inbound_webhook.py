"""POST /channels/sms/inbound over HTTP: the signature, the answers, the timeline label."""
from __future__ import annotations

import json
from datetime import timezone

import pytest
from sqlalchemy import func, select

from engine.channels.sms_inbound import sign
from engine.db import db
from engine.models import Case, CaseEvent, InboundSms
from engine.ports import now as clock_now
from tests.factories import INTAKE, open_case

SECRET = "carrier-shared-secret"
URL = "/channels/sms/inbound"


@pytest.fixture(autouse=True)
def _secret(app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_INBOUND_SECRET", SECRET)


def body(**overrides) -> bytes:
    at = clock_now().replace(tzinfo=timezone.utc).isoformat()
    return json.dumps({"id": "c-77", "from": INTAKE["phone"], "to": "12345", "text": "补充：楼道灯也坏了。",
                       "received_at": at, **overrides}, ensure_ascii=False).encode()


def post(client, raw: bytes, signature: str | None = "sign"):
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        headers["X-Signature"] = sign(SECRET, raw)
    elif signature is not None:
        headers["X-Signature"] = signature
    return client.post(URL, data=raw, headers=headers)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_a_signed_message_is_taken_without_a_csrf_token(client):
    res = post(client, body())
    assert res.status_code == 200 and res.json["result"] == "opened" and res.json["message_id"] == "c-77"
    assert count(Case, Case.channel == "sms") == 1


def test_a_missing_or_wrong_signature_is_401_and_does_nothing(client):
    raw = body()
    assert post(client, raw, signature=None).status_code == 401
    assert post(client, raw, signature="0" * 64).status_code == 401
    assert post(client, raw, signature=sign("another secret", raw)).status_code == 401
    tampered = raw.replace("楼道灯".encode(), "路灯灯".encode())
    assert post(client, tampered, signature=sign(SECRET, raw)).status_code == 401
    assert count(InboundSms) == 0 and count(Case) == 0
    assert post(client, raw, signature="sha256=" + sign(SECRET, raw)).status_code == 200     # the prefix is fine


def test_no_secret_configured_refuses_everything(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SMS_INBOUND_SECRET", "")
    monkeypatch.delenv("SMS_INBOUND_SECRET", raising=False)
    raw = body()
    assert post(client, raw, signature=sign("", raw)).status_code == 401


def test_a_bad_body_is_422_naming_the_field(client):
    res = post(client, body(**{"from": ""}))
    assert res.status_code == 422 and list(res.json["errors"]) == ["from"]
    assert post(client, b"not json").status_code == 422
    old = body(received_at="2020-01-01T00:00:00+08:00")
    res = post(client, old)
    assert res.status_code == 422 and list(res.json["errors"]) == ["received_at"]


def test_a_resent_message_gets_the_same_200_and_no_second_event(client, actor):
    case = open_case(actor("agent"))
    raw = body()
    first, again = post(client, raw), post(client, raw)
    assert first.status_code == again.status_code == 200 and first.json == again.json
    assert first.json == {"message_id": "c-77", "result": "appended", "case_no": case.case_no}
    assert count(CaseEvent, CaseEvent.case_id == case.id, CaseEvent.action == "citizen_message") == 1


def test_the_case_page_shows_the_message_as_citizen_sms(app, actor):
    from tests.api.test_pages import csrf, page_client  # a signed-in browser-like client
    case = open_case(actor("agent"))
    assert post(app.test_client(), body()).status_code == 200
    staff = page_client(app)
    staff.post("/login", data={"username": "agent", "password": "12345demo", "csrf_token": csrf(staff)})
    staff.post("/lang/zh", data={"csrf_token": csrf(staff, "/inbox")})
    page = staff.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "市民短信" in page and "补充：楼道灯也坏了。" in page
