"""Open311 GeoReport v2 through the Flask test client: services, POST → one case in triage in the
client's channel, the public reads, and the standard's errors (400 naming the field, 403, 404, 429)."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import func, select

from engine.channels import open311_clients, open311_queue
from engine.db import db
from engine.models import Case, CaseEvent, Open311Request

BASE = "/open311/v2"
REQUEST = {"service_code": "ldzm", "lat": "28.68", "long": "115.89", "phone": "13912345678",
           "first_name": "三", "last_name": "张", "description": "湖滨路 12 号门前路灯一周不亮，夜里很黑。",
           "media_url": "https://img.example.org/lamp.jpg", "email": "z@example.org", "device_id": "dev-1"}


@pytest.fixture(autouse=True)
def _fresh_limits():
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def key(actor):
    """The api_key of a registered app client."""
    return open311_clients.create_client(actor=actor("admin"), data={"name": "市民通 APP", "channel": "app",
                                                                     "rate_limit": "600/minute"})[1]


def post(client, key, fmt="json", **changes):
    data = {**REQUEST, "api_key": key, **changes}
    return client.post(f"{BASE}/requests.{fmt}", data={k: v for k, v in data.items() if v is not None})


def opened(client, key, fmt="json", **changes) -> dict:
    """POST, then the scheduler's round of the intake queue: the answer with its service_request_id
    read back by token, as a client would."""
    res = post(client, key, fmt, **changes)
    assert res.status_code == 201, res.data
    [answer] = res.get_json()
    assert "service_request_id" not in answer and answer["token"]
    assert open311_queue.open_queued() == 1
    [back] = client.get(f"{BASE}/tokens/{answer['token']}.json").get_json()
    return {**answer, "service_request_id": back["service_request_id"]}


def errors_of(res) -> list[dict]:
    body = res.get_json()
    assert isinstance(body, list) and body and all(set(e) == {"code", "description"} for e in body), body
    assert all(e["code"] == res.status_code for e in body)
    return body


def test_services_list_the_matter_catalogue_in_chinese(client):
    services = client.get(f"{BASE}/services.json").get_json()
    lamp = next(s for s in services if s["service_code"] == "ldzm")
    assert lamp == {"service_code": "ldzm", "service_name": "路灯照明", "description": "市政管理 › 路灯照明",
                    "metadata": True, "type": "realtime", "keywords": "", "group": "市政管理"}
    assert "wygl" not in {s["service_code"] for s in services}      # a branch is a group, not a service
    root = ET.fromstring(client.get(f"{BASE}/services.xml").data)
    assert root.tag == "services" and root.find("service/service_code").text


def test_a_service_definition_lists_its_attributes(client):
    body = client.get(f"{BASE}/services/ldzm.json").get_json()
    assert body["service_code"] == "ldzm"
    category = next(a for a in body["attributes"] if a["code"] == "category")
    assert category["datatype"] == "singlevaluelist" and category["required"] is False and category["variable"]
    assert {"key": "complaint", "name": "投诉"} in category["values"]
    root = ET.fromstring(client.get(f"{BASE}/services/ldzm.xml").data)
    assert root.tag == "service_definition" and root.find("attributes/attribute/values/value/key") is not None


def test_a_post_becomes_one_case_waiting_in_triage(client, key):
    answer = opened(client, key, **{"attribute[urgency]": "urgent"})
    case = db.session.execute(select(Case).where(Case.case_no == answer["service_request_id"])).scalar_one()
    assert (case.channel, case.stage, case.citizen_name, case.phone, case.urgency) == (
        "app", "triage", "张三", "13912345678", "urgent")
    assert case.title.startswith("路灯照明：湖滨路") and case.address == "28.68,115.89"
    assert case.category == "help" and case.first_contact_id is None
    row = db.session.execute(select(Open311Request).where(Open311Request.case_id == case.id)).scalar_one()
    assert row.token == answer["token"] and row.media_url == REQUEST["media_url"]
    event = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.action == "open311_received")).scalar_one()
    assert event.data["media_url"] == REQUEST["media_url"] and event.data["email"] == "z@example.org"
    assert db.session.execute(select(func.count()).select_from(Case)).scalar() == 1


def test_the_public_reads_show_no_personal_data(client, key):
    answer = opened(client, key, description="路灯不亮，联系我 13912345678")
    by_token = client.get(f"{BASE}/tokens/{answer['token']}.json").get_json()
    assert by_token == [{"token": answer["token"], "service_request_id": answer["service_request_id"]}]
    [one] = client.get(f"{BASE}/requests/{answer['service_request_id']}.json").get_json()
    assert one["status"] == "open" and one["service_code"] == "ldzm" and one["lat"] == 28.68
    assert "13912345678" not in str(one) and "张" not in str(one) and "139******78" in one["description"]
    assert one["requested_datetime"].endswith("+08:00") and one["expected_datetime"] is None
    listed = client.get(f"{BASE}/requests.json?status=open&service_code=ldzm").get_json()
    assert [r["service_request_id"] for r in listed] == [answer["service_request_id"]]
    assert client.get(f"{BASE}/requests.json?status=closed").get_json() == []


def test_confidential_requests_are_never_public(client, key):
    answer = opened(client, key, **{"attribute[confidential]": "true"})
    assert client.get(f"{BASE}/requests/{answer['service_request_id']}.json").status_code == 404
    assert client.get(f"{BASE}/requests.json").get_json() == []


def test_missing_fields_are_named_with_400(client, key):
    for field, changes in (("phone", {"phone": None}), ("service_code", {"service_code": None}),
                           ("description", {"description": " "}), ("lat", {"lat": "95"}),
                           ("address_string", {"lat": None, "long": None}),
                           ("attribute[urgency]", {"attribute[urgency]": "now"})):
        res = post(client, key, **changes)
        assert res.status_code == 400, (field, res.data)
        assert errors_of(res)[0]["description"].startswith(f"{field}: "), res.get_json()
    assert "联系电话" in post(client, key, phone=None).get_json()[0]["description"]
    assert db.session.execute(select(func.count()).select_from(Case)).scalar() == 0


def test_bad_keys_unknown_things_and_jurisdictions(client, key, actor):
    assert post(client, "wrong").status_code == 403
    assert post(client, None).get_json()[0]["description"].startswith("api_key: ")
    row, _key = open311_clients.create_client(actor=actor("admin"), data={"name": "旧站", "channel": "web"})
    open311_clients.set_active(actor=actor("admin"), client_id=row.id, active=False)
    assert post(client, _key).status_code == 403
    assert client.get(f"{BASE}/services/nope.json").status_code == 404
    assert client.get(f"{BASE}/requests/GD1.json").status_code == 404
    assert client.get(f"{BASE}/tokens/nope.json").status_code == 404
    assert client.get(f"{BASE}/services.json?jurisdiction_id=other").status_code == 404
    assert client.get(f"{BASE}/services.json?jurisdiction_id=12345").status_code == 200
    res = client.get(f"{BASE}/requests.xml?start_date=yesterday")
    root = ET.fromstring(res.data)
    assert res.status_code == 400 and root.tag == "errors" and root.find("error/code").text == "400"
    assert root.find("error/description").text.startswith("start_date: ")


def test_a_client_over_its_rate_limit_gets_429(client, actor):
    _row, key = open311_clients.create_client(actor=actor("admin"), data={"name": "小程序", "channel": "wechat",
                                                                          "rate_limit": "2/minute"})
    assert [post(client, key).status_code for _ in range(3)] == [201, 201, 429]
    assert open311_queue.open_queued() == 2
    assert db.session.execute(select(Case.channel)).scalars().all() == ["wechat", "wechat"]
