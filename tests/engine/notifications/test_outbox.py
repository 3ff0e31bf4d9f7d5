"""The SMS outbox: receipts queued with the case, exactly-once queueing, delivery with retries."""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import func, select

from engine import ports
from engine.db import db
from engine.models import Case, Notification
from engine.notifications import outbox as notifications
from engine.ports import FixedClock, HttpGateway, LogGateway, SmsError, SmsGateway, sms_gateway_from_config
from tests.factories import open_case

T0 = datetime(2026, 3, 2, 2, 0, 0)   # 10:00 in Shanghai, a Monday


def _row(notification_id: int) -> Notification:
    return db.session.get(Notification, notification_id, populate_existing=True)


def _queue(key: str, *, phone: str = "13800138000", at: datetime = T0) -> int:
    assert notifications.enqueue(kind="reminder_yellow", recipient=phone, body=f"提醒 {key}",
                                 dedupe_key=key, now=at)
    db.session.commit()
    return db.session.execute(select(Notification.id).where(Notification.dedupe_key == key)).scalar_one()


@pytest.fixture
def clock():
    """A clock standing at T0, restored afterwards."""
    fixed = FixedClock(T0)
    previous = ports.set_clock(fixed)
    yield fixed
    ports.set_clock(previous)


# ------------------------------------------------------------------------------- queueing

def test_opening_a_case_queues_its_receipt_in_the_same_transaction(actor):
    case = open_case(actor("agent"))
    db.session.remove()                          # read back what was committed, nothing cached
    rows = db.session.execute(select(Notification).where(Notification.case_id == case.id)).scalars().all()
    assert len(rows) == 1
    receipt = rows[0]
    assert (receipt.kind, receipt.status, receipt.recipient) == ("receipt", "pending", "13800138000")
    assert receipt.dedupe_key == f"receipt:{case.id}" and receipt.attempts == 0
    assert case.case_no in receipt.body and case.query_code in receipt.body
    assert receipt.body.startswith("【12345】") and "已受理" in receipt.body
    assert receipt.next_attempt_at == db.session.get(Case, case.id).created_at   # due at once


def test_a_failed_opening_leaves_no_receipt_behind(actor, monkeypatch):
    seen_at_commit = []

    def failing_commit():
        seen_at_commit.append(db.session.execute(select(Notification.kind)).scalars().all())
        raise RuntimeError("database went away at commit")

    monkeypatch.setattr(db.session, "commit", failing_commit)
    with pytest.raises(RuntimeError):
        open_case(actor("agent"))
    monkeypatch.undo()
    assert seen_at_commit == [["receipt"]]      # queued inside the opening's one transaction
    assert db.session.execute(select(func.count()).select_from(Notification)).scalar() == 0
    assert db.session.execute(select(func.count()).select_from(Case)).scalar() == 0


def test_enqueue_with_the_same_key_twice_keeps_one_row():
    args = dict(kind="reminder_red", recipient="13900000001", body="红灯提醒", dedupe_key="red:1:lead")
    assert notifications.enqueue(**args) is True
    assert notifications.enqueue(**args) is False          # same transaction
    db.session.commit()
    assert notifications.enqueue(**{**args, "body": "又一次"}) is False   # a later transaction
    db.session.commit()
    rows = db.session.execute(select(Notification).where(Notification.dedupe_key == "red:1:lead")).scalars()
    assert [r.body for r in rows] == ["红灯提醒"]


def test_enqueue_does_not_commit():
    notifications.enqueue(kind="digest", recipient="13900000002", body="x", dedupe_key="digest:x")
    db.session.rollback()
    assert db.session.execute(select(func.count()).select_from(Notification)).scalar() == 0


# ------------------------------------------------------------------------------- delivery

def test_deliver_due_sends_due_rows_and_leaves_later_ones(clock):
    first, second = _queue("a", at=T0 - timedelta(minutes=2)), _queue("b", phone="13911112222")
    later = _queue("c", at=T0 + timedelta(minutes=1))
    gateway = LogGateway()
    assert notifications.deliver_due(gateway=gateway) == {"sent": 2, "retrying": 0, "dead": 0}
    assert [(m.phone, m.text) for m in gateway.messages] == [("13800138000", "提醒 a"), ("13911112222", "提醒 b")]
    for nid, message in ((first, gateway.messages[0]), (second, gateway.messages[1])):
        row = _row(nid)
        assert (row.status, row.sent_at, row.provider_id, row.attempts) == ("sent", T0, message.id, 1)
    assert (_row(later).status, _row(later).attempts) == ("pending", 0)
    assert notifications.deliver_due(gateway=gateway) == {"sent": 0, "retrying": 0, "dead": 0}


def test_deliver_due_respects_the_limit():
    for n in range(3):
        _queue(f"k{n}")
    assert notifications.deliver_due(gateway=LogGateway(), now=T0, limit=2)["sent"] == 2
    assert notifications.deliver_due(gateway=LogGateway(), now=T0, limit=2)["sent"] == 1


def test_an_unexpected_gateway_error_is_retried_not_raised():
    class Broken(SmsGateway):
        def send(self, phone: str, text: str, key: str | None = None) -> str:
            raise KeyError("bug in a gateway")

    nid = _queue("x")
    assert notifications.deliver_due(gateway=Broken(), now=T0) == {"sent": 0, "retrying": 1, "dead": 0}
    assert "KeyError" in _row(nid).last_error


def test_log_gateway_is_bounded_and_masks_the_phone_in_the_log(caplog, monkeypatch):
    # Alembic's fileConfig (migrations/env.py) disables loggers that existed before `upgrade`.
    monkeypatch.setattr(logging.getLogger("engine.ports"), "disabled", False)
    gateway = LogGateway(keep=2)
    with caplog.at_level(logging.INFO, logger="engine.ports"):
        ids = [gateway.send("13800138000", f"m{n}") for n in range(3)]
    assert ids == ["log-1", "log-2", "log-3"]
    assert [m.text for m in gateway.messages] == ["m1", "m2"]
    assert "138****8000" in caplog.text and "13800138000" not in caplog.text


def test_gateway_factory_follows_the_configuration():
    assert isinstance(sms_gateway_from_config({}), LogGateway)
    http = sms_gateway_from_config({"SMS_GATEWAY": "http", "SMS_HTTP_URL": "http://sms.example/send",
                                    "SMS_HTTP_TOKEN": "t0k", "SMS_HTTP_TIMEOUT": 2.5})
    assert isinstance(http, HttpGateway) and (http.url, http.token, http.timeout) == (
        "http://sms.example/send", "t0k", 2.5)
    with pytest.raises(ValueError):
        sms_gateway_from_config({"SMS_GATEWAY": "http"})
    with pytest.raises(ValueError):
        sms_gateway_from_config({"SMS_GATEWAY": "pigeon"})


def test_sms_settings_are_read_from_the_environment(monkeypatch, tmp_path):
    from api import config
    monkeypatch.setenv("SMS_GATEWAY", "HTTP")
    monkeypatch.setenv("SMS_HTTP_URL", "http://127.0.0.1:9/sms")
    monkeypatch.setenv("SMS_HTTP_TIMEOUT", "1.5")
    built = config.build(str(tmp_path))
    assert (built["SMS_GATEWAY"], built["SMS_HTTP_URL"], built["SMS_HTTP_TIMEOUT"]) == (
        "http", "http://127.0.0.1:9/sms", 1.5)
    assert built["SMS_SIGNATURE"] == "【12345】" and built["SMS_HTTP_TOKEN"] is None


# ------------------------------------------------------------------- a real HTTP gateway

class FakeProvider:
    """A real HTTP server on 127.0.0.1 whose answer the test sets: (status, json) or a delay."""

    def __init__(self):
        self.answer: tuple[int, dict] = (200, {"id": "abc"})
        self.delay = 0.0
        self.requests: list[tuple[dict, dict]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                provider.requests.append((dict(self.headers), json.loads(self.rfile.read(length))))
                time.sleep(provider.delay)
                status, payload = provider.answer
                body = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass   # the client gave up (timeout test)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider():
    server = FakeProvider()
    yield server
    server.close()


def test_http_gateway_success_sends_json_with_the_bearer_token(provider, clock):
    nid = _queue("ok")
    gateway = HttpGateway(provider.url, token="s3cret", timeout=2)
    assert notifications.deliver_due(gateway=gateway) == {"sent": 1, "retrying": 0, "dead": 0}
    row = _row(nid)
    assert (row.status, row.provider_id, row.sent_at) == ("sent", "abc", T0)
    headers, body = provider.requests[0]
    assert body == {"to": "13800138000", "text": "提醒 ok", "id": f"notification-{nid}"}
    assert headers["Authorization"] == "Bearer s3cret" and headers["Idempotency-Key"] == f"notification-{nid}"


def test_http_gateway_without_token_sends_no_authorization_and_invents_an_id(provider):
    provider.answer = (202, {})
    assert HttpGateway(provider.url).send("13800138000", "hi").startswith("http-")
    assert "Authorization" not in provider.requests[0][0]


def test_a_server_error_is_retried_after_30_seconds_then_sent(provider, clock):
    nid = _queue("flaky")
    provider.answer = (500, {"error": "upstream down"})
    gateway = HttpGateway(provider.url, timeout=2)
    assert notifications.deliver_due(gateway=gateway) == {"sent": 0, "retrying": 1, "dead": 0}
    row = _row(nid)
    assert (row.status, row.attempts, row.next_attempt_at) == ("retrying", 1, T0 + timedelta(seconds=30))
    assert "500" in row.last_error

    provider.answer = (200, {"id": "later-1"})
    clock.at = T0 + timedelta(seconds=29)                       # not yet due: untouched
    assert notifications.deliver_due(gateway=gateway)["sent"] == 0 and len(provider.requests) == 1
    clock.at = T0 + timedelta(seconds=31)
    assert notifications.deliver_due(gateway=gateway) == {"sent": 1, "retrying": 0, "dead": 0}
    row = _row(nid)
    assert (row.status, row.provider_id, row.attempts, row.sent_at) == ("sent", "later-1", 2, clock.at)


def test_a_client_error_is_dead_at_once(provider):
    nid = _queue("bad")
    provider.answer = (400, {"error": "invalid number"})
    result = notifications.deliver_due(gateway=HttpGateway(provider.url, timeout=2), now=T0)
    assert result == {"sent": 0, "retrying": 0, "dead": 1}
    row = _row(nid)
    assert (row.status, row.attempts) == ("dead", 1) and "400" in row.last_error
    a_day_later = T0 + timedelta(days=1)                        # dead rows are never picked again
    assert notifications.deliver_due(gateway=HttpGateway(provider.url), now=a_day_later)["dead"] == 0
    assert len(provider.requests) == 1


def test_a_slow_server_is_a_retryable_timeout(provider):
    nid = _queue("slow")
    provider.delay = 1.0
    result = notifications.deliver_due(gateway=HttpGateway(provider.url, timeout=0.2), now=T0)
    assert result == {"sent": 0, "retrying": 1, "dead": 0}
    row = _row(nid)
    assert row.status == "retrying" and "timeout" in row.last_error.lower()


@pytest.mark.parametrize("status, retryable", [(404, False), (422, False), (429, True), (502, True)])
def test_http_status_decides_whether_to_retry(provider, status, retryable):
    provider.answer = (status, {"error": "nope"})
    with pytest.raises(SmsError) as caught:
        HttpGateway(provider.url, timeout=2).send("13800138000", "x")
    assert caught.value.retryable is retryable and str(status) in caught.value.message


def test_an_unreachable_server_is_retryable():
    with pytest.raises(SmsError) as caught:
        HttpGateway("http://127.0.0.1:9/sms", timeout=1).send("13800138000", "x")   # discard port
    assert caught.value.retryable


def test_the_sixth_failure_is_final_after_the_backoff_steps(provider, clock):
    nid = _queue("doomed")
    provider.answer = (503, {})
    gateway = HttpGateway(provider.url, timeout=2)
    waits = []
    for attempt in range(1, 6):
        assert notifications.deliver_due(gateway=gateway)["retrying"] == 1
        row = _row(nid)
        assert row.attempts == attempt
        waits.append(row.next_attempt_at - clock.at)
        clock.at = row.next_attempt_at
    assert waits == [timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10),
                     timedelta(minutes=30), timedelta(hours=2)]
    assert notifications.deliver_due(gateway=gateway) == {"sent": 0, "retrying": 0, "dead": 1}
    assert (_row(nid).status, _row(nid).attempts, len(provider.requests)) == ("dead", 6, 6)


# ------------------------------------------------------------------------------ concurrency

class CountingGateway(SmsGateway):
    """Counts every send; slow enough that two deliverers overlap."""

    def __init__(self):
        self.calls: list[str] = []
        self.lock = threading.Lock()

    def send(self, phone: str, text: str, key: str | None = None) -> str:
        time.sleep(0.003)
        with self.lock:
            self.calls.append(text)
            return f"c-{len(self.calls)}"


def test_two_deliverers_at_once_send_each_message_exactly_once(app, is_postgres):
    for n in range(50):
        notifications.enqueue(kind="reminder_yellow", recipient="13800138000", body=f"m{n}",
                              dedupe_key=f"race:{n}", now=T0)
    db.session.commit()
    gateway, results, start = CountingGateway(), [], threading.Barrier(2)

    def deliver():
        with app.app_context():
            start.wait()
            results.append(notifications.deliver_due(gateway=gateway, now=T0))
            db.session.remove()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert Counter(gateway.calls) == Counter(f"m{n}" for n in range(50))   # no message twice
    assert sum(r["sent"] for r in results) == 50
    assert db.session.execute(select(func.count()).where(Notification.status == "sent")).scalar() == 50
    if is_postgres:
        assert all(r["sent"] > 0 for r in results), results    # they really ran side by side


def test_a_message_sent_again_after_a_crash_carries_its_first_key(provider, clock):
    """A deliverer killed after the gateway took a message and before it recorded so: the message
    is sent again after the claim's lease, under the same key, which the carrier dedupes on."""
    nid = _queue("crash")
    row = notifications._claim(T0)               # the killed deliverer's claim, then its send
    HttpGateway(provider.url).send(row.recipient, row.body, key=notifications.delivery_key(row.id))
    db.session.rollback()                        # ... and nothing recorded
    assert notifications.deliver_due(gateway=HttpGateway(provider.url), now=T0) == {
        "sent": 0, "retrying": 0, "dead": 0}     # hidden by the lease
    assert notifications.deliver_due(gateway=HttpGateway(provider.url), now=T0 + notifications.CLAIM_LEASE) == {
        "sent": 1, "retrying": 0, "dead": 0}
    keys = [body["id"] for _headers, body in provider.requests]
    assert keys == [f"notification-{nid}"] * 2 and _row(nid).status == "sent"


def test_the_log_gateway_delivers_a_key_once():
    gateway = LogGateway()
    first = gateway.send("13800138000", "x", key="k1")
    assert gateway.send("13800138000", "x", key="k1") == first and len(gateway.messages) == 1
    assert gateway.send("13800138000", "x") != gateway.send("13800138000", "x")      # no key: each sent


def test_the_log_gateway_remembers_only_the_keys_of_the_messages_it_keeps():
    gateway = LogGateway(keep=2)
    first, second = gateway.send("13800138000", "a", key="k1"), gateway.send("13800138000", "b", key="k2")
    third = gateway.send("13800138000", "c", key="k3")           # k1's message leaves the kept two
    assert [m.id for m in gateway.messages] == [second, third]
    assert gateway.send("13800138000", "c", key="k3") == third and gateway.send("13800138000", "b", key="k2") == second
    assert gateway.send("13800138000", "a", key="k1") not in (first, second, third)
