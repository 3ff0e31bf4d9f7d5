"""A standard GeoReport v2 client from PyPI, unchanged, against the running app (live_server).

`georeport` (0.3.1) reads: services, a service definition, requests, a request by id, in JSON and
in XML. It has no POST and no tokens, so `civicbot`'s Open311Client (0.4.0), also unchanged, posts
(after checking the payload against our service list and definition) and reads the token back.
Raw HTTP covers the XML POST and token and triggers each error code the interface documents once.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests
from civicbot import Endpoint, HttpTransport, Open311Client
from civicbot.http import HttpError, RateLimiter
from georeport import GeoReport
from sqlalchemy import select

from engine.channels import open311_clients, open311_queue
from engine.db import db
from engine.models import Case

JURISDICTION = "12345"
POSTED = {"lat": 28.68, "lng": 115.89, "phone": "13912345678", "first_name": "三", "last_name": "张",
          "description": "湖滨路路灯一周不亮", "media_url": "https://img.example.org/lamp.jpg"}


@pytest.fixture(autouse=True)
def _fresh_limits():
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


@pytest.fixture
def root(live_server) -> str:
    return f"{live_server}/open311/v2"


def register(actor, channel="app", rate="600/minute") -> str:
    return open311_clients.create_client(actor=actor("admin"), data={"name": f"{channel} 客户端", "channel": channel,
                                                                     "rate_limit": rate})[1]


def civic(root: str) -> Open311Client:
    endpoint = Endpoint(id="12345", name="12345", base_url=root, write=True)
    return Open311Client(endpoint, HttpTransport(rate_limiter=RateLimiter(min_interval=0)), jurisdiction_id=JURISDICTION)


def test_georeport_and_civicbot_clients_work_unchanged(root, actor):
    key = register(actor)
    for fmt in ("json", "xml"):
        services = GeoReport(root, jurisdiction=JURISDICTION, output_format=fmt).get_service_list()
        assert {"service_code": "ldzm", "service_name": "路灯照明"}.items() <= dict(
            next(s for s in services if s["service_code"] == "ldzm")).items()
        definition = GeoReport(root, jurisdiction=JURISDICTION, output_format=fmt).get_service_definition("ldzm")
        assert definition["service_code"] == "ldzm" and definition["attributes"]
    posted = civic(root).create_request("ldzm", dry_run=False, confirm="SEND", api_key=key, validate_remote=True,
                                        attributes={"urgency": "urgent"}, **POSTED)
    [answer] = posted.response
    token = answer["token"]
    assert token and "service_request_id" not in answer and "token" in answer["service_notice"]
    assert civic(root).get_token(token) == [{"token": token, "service_request_id": ""}]   # queued, not yet opened
    assert open311_queue.open_queued() == 1                                             # the scheduler's round
    [back] = civic(root).get_token(token)
    number = back["service_request_id"]
    assert number.startswith("GD") and back == {"token": token, "service_request_id": number}
    for fmt in ("json", "xml"):
        client = GeoReport(root, jurisdiction=JURISDICTION, output_format=fmt)
        one = client.get_service_request(number)
        assert (one["service_request_id"], one["status"], one["service_code"]) == (number, "open", "ldzm")
        assert one["media_url"] == POSTED["media_url"] and one["requested_datetime"].endswith("+08:00")
        listed = client.get_service_requests(service_request_id=number)
        listed = listed if isinstance(listed, list) else [listed]       # xmltodict: one item is not a list
        assert [r["service_request_id"] for r in listed] == [number]
    case = db.session.execute(select(Case).where(Case.case_no == number)).scalar_one()
    assert (case.channel, case.stage, case.urgency, case.citizen_name) == ("app", "triage", "urgent", "张三")


def test_xml_post_and_token_over_raw_http(root, actor):
    key = register(actor, channel="wechat")
    res = requests.post(f"{root}/requests.xml", data={"api_key": key, "jurisdiction_id": JURISDICTION,
                                                      "service_code": "jgss", "address_string": "湖滨路 3 号",
                                                      "phone": "13800000001", "description": "井盖松动"}, timeout=10)
    assert res.status_code == 201 and res.headers["Content-Type"].startswith("text/xml")
    request = ET.fromstring(res.content).find("request")
    token = request.findtext("token")
    assert token and request.find("service_request_id") is None
    assert open311_queue.open_queued() == 1
    back = ET.fromstring(requests.get(f"{root}/tokens/{token}.xml", timeout=10).content)
    number = back.findtext("request/service_request_id")
    assert back.tag == "service_requests" and number.startswith("GD")
    one = ET.fromstring(requests.get(f"{root}/requests/{number}.xml", timeout=10).content)
    assert one.findtext("request/address") == "湖滨路 3 号" and one.findtext("request/status") == "open"
    assert db.session.execute(select(Case.channel).where(Case.case_no == number)).scalar() == "wechat"


def test_every_documented_error_code_once(root, actor):
    """400 (a parameter named), 403 (api_key), 404 (service, request, token), 429 (rate limit)."""
    key = register(actor, rate="2/minute")    # the 400 below counts too
    form = {"api_key": key, "service_code": "ldzm", "lat": "28.6", "long": "115.8", "description": "路灯不亮"}
    missing_phone = requests.post(f"{root}/requests.json", data=form, timeout=10)
    assert missing_phone.status_code == 400
    assert missing_phone.json()[0]["code"] == 400 and missing_phone.json()[0]["description"].startswith("phone: ")
    with pytest.raises(HttpError) as refused:          # the PyPI client sees the standard's 403
        civic(root).create_request("ldzm", dry_run=False, confirm="SEND", api_key="o311_wrong", **POSTED)
    assert refused.value.status == 403 and '"code": 403' in refused.value.body
    not_found = requests.get(f"{root}/services/nope.xml", timeout=10)
    assert not_found.status_code == 404 and ET.fromstring(not_found.content).findtext("error/code") == "404"
    assert requests.get(f"{root}/requests/GD0.json", timeout=10).json()[0]["code"] == 404
    assert requests.get(f"{root}/tokens/none.json", timeout=10).status_code == 404
    ok = requests.post(f"{root}/requests.json", data={**form, "phone": "13900000000"}, timeout=10)
    assert ok.status_code == 201
    limited = requests.post(f"{root}/requests.xml", data={**form, "phone": "13900000000"}, timeout=10)
    assert limited.status_code == 429
    assert ET.fromstring(limited.content).findtext("error/description").startswith("api_key: ")
