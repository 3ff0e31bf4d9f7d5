"""REST API: /api/v1/notifications — the outbox for admins and shift leads, retry of dead messages."""
from __future__ import annotations

import pytest

from engine.db import db
from engine.models import Notification
from engine.notifications import outbox as notifications
from engine.ports import LogGateway, SmsError, SmsGateway
from tests.factories import open_case


class Refusing(SmsGateway):
    """A provider that rejects every number (a 4xx, final)."""

    def send(self, phone: str, text: str, key: str | None = None) -> str:
        raise SmsError("HTTP 400 from gateway: invalid number", retryable=False)


@pytest.fixture
def outbox(actor):
    """One dead receipt (a case's) and one sent reminder; returns their ids."""
    case = open_case(actor("agent"))
    notifications.deliver_due(gateway=Refusing())       # the receipt dies
    notifications.enqueue(kind="reminder_yellow", recipient="13911112222", body="您有工单即将超期",
                          dedupe_key="yellow:test")
    db.session.commit()
    notifications.deliver_due(gateway=LogGateway())
    ids = dict(db.session.execute(db.select(Notification.kind, Notification.id)).all())
    return {"case": case, "dead": ids["receipt"], "sent": ids["reminder_yellow"]}


def test_admin_and_shift_lead_see_failures_with_masked_phones(api, outbox):
    for login in ("admin", "shift_lead"):
        res = api(login).get("/api/v1/notifications?status=dead")
        assert res.status_code == 200, res.json
        assert res.json["total"] == 1
        item = res.json["items"][0]
        assert item["id"] == outbox["dead"] and item["kind"] == "receipt"
        assert item["recipient"] == "138****8000"
        assert item["last_error"] == "HTTP 400 from gateway: invalid number"
        assert item["attempts"] == 1 and item["case_id"] == outbox["case"].id
        assert outbox["case"].case_no in item["body"]
        assert outbox["case"].query_code not in item["body"]     # the citizen's key stays private
        assert "13800138000" not in res.get_data(as_text=True)


def test_list_is_newest_first_and_filters(api, outbox):
    everything = api("admin").get("/api/v1/notifications").json
    assert [i["id"] for i in everything["items"]] == [outbox["sent"], outbox["dead"]]
    assert everything["items"][0]["recipient"] == "139****2222"
    by_kind = api("admin").get("/api/v1/notifications?kind=reminder_yellow").json
    assert [i["status"] for i in by_kind["items"]] == ["sent"]
    by_case = api("admin").get(f"/api/v1/notifications?case_id={outbox['case'].id}").json
    assert [i["id"] for i in by_case["items"]] == [outbox["dead"]]
    paged = api("admin").get("/api/v1/notifications?page_size=1&page=2").json
    assert paged["total"] == 2 and [i["id"] for i in paged["items"]] == [outbox["dead"]]
    assert api("admin").get("/api/v1/notifications?status=lost").status_code == 422


@pytest.mark.parametrize("login", ["agent", "dispatcher", "supervisor", "dh_hb_handler"])
def test_other_roles_get_403(api, outbox, login):
    assert api(login).get("/api/v1/notifications").status_code == 403


def test_admin_retries_a_dead_message_and_it_is_delivered(api, outbox):
    res = api("admin").post(f"/api/v1/notifications/{outbox['dead']}/retry")
    assert res.status_code == 200, res.json
    assert (res.json["status"], res.json["attempts"]) == ("pending", 0)
    assert res.json["recipient"] == "138****8000"
    gateway = LogGateway()
    assert notifications.deliver_due(gateway=gateway)["sent"] == 1   # due now, by the real clock
    assert gateway.messages[0].phone == "13800138000"
    again = api("admin").post(f"/api/v1/notifications/{outbox['dead']}/retry")
    assert again.status_code == 409                                    # it is sent now


def test_retry_refuses_what_is_not_dead(api, outbox):
    res = api("admin").post(f"/api/v1/notifications/{outbox['sent']}/retry")
    assert res.status_code == 409 and "sent" in res.json["message"]
    assert api("admin").post("/api/v1/notifications/999999/retry").status_code == 404
    assert api("shift_lead").post(f"/api/v1/notifications/{outbox['dead']}/retry").status_code == 403


def test_notifications_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").json
    assert "get" in spec["paths"]["/api/v1/notifications"]
    assert "post" in spec["paths"]["/api/v1/notifications/{notification_id}/retry"]
    assert "Notification" in spec["components"]["schemas"]
