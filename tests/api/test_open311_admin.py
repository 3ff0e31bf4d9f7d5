"""The admin page of Open311 clients: register (key shown once, stored hashed), deactivate, rotate,
each audited; other roles are refused."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import func, select

from engine.db import db
from engine.models import ChannelClient, ConfigChange
from tests.api.test_pages import _fresh_limits, csrf, page_client, signin  # noqa: F401  (fixtures)

PAGE = "/admin/open311-clients"


def shown_key(res) -> str:
    return re.search(r"data-key>(o311_[\w-]+)<", res.get_data(as_text=True))[1]


def test_an_admin_registers_deactivates_and_rotates_a_client(signin, client):
    admin = signin("admin")
    before = db.session.execute(select(func.max(ConfigChange.id))).scalar() or 0
    res = admin.post(PAGE, data={"csrf_token": csrf(admin, PAGE), "name": "市民通 APP", "channel": "app",
                                 "rate_limit": "100/minute", "reason": "上线"})
    assert res.status_code == 200 and res.headers["Cache-Control"] == "no-store"
    key = shown_key(res)
    row = db.session.execute(select(ChannelClient)).scalar_one()
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in str(vars(row))
    assert "接入方" in res.get_data(as_text=True) and key not in admin.get(PAGE).get_data(as_text=True)
    post = {"api_key": key, "service_code": "ldzm", "address_string": "湖滨路", "phone": "13900000000",
            "description": "路灯不亮"}
    assert client.post("/open311/v2/requests.json", data=post).status_code == 201

    rotated = admin.post(f"{PAGE}/{row.id}/rotate", data={"csrf_token": csrf(admin, PAGE), "reason": "泄露"})
    new_key = shown_key(rotated)
    assert new_key != key and client.post("/open311/v2/requests.json", data=post).status_code == 403
    admin.post(f"{PAGE}/{row.id}/active", data={"csrf_token": csrf(admin, PAGE), "active": "false", "reason": "停用"})
    assert client.post("/open311/v2/requests.json", data={**post, "api_key": new_key}).status_code == 403
    reasons = db.session.execute(select(ConfigChange.reason).where(ConfigChange.area == "open311", ConfigChange.id > before)
                                 .order_by(ConfigChange.id)).scalars().all()
    assert reasons == ["上线", "泄露", "停用"]
    assert "停用" in admin.get(PAGE).get_data(as_text=True)


def test_a_bad_rate_limit_is_named_and_other_roles_are_refused(signin):
    admin = signin("admin")
    res = admin.post(PAGE, data={"csrf_token": csrf(admin, PAGE), "name": "x", "channel": "app", "rate_limit": "fast"})
    assert res.status_code == 422 and 'has-error" data-field="rate_limit"' in res.get_data(as_text=True)
    assert signin("dispatcher").get(PAGE).status_code == 403


def test_the_admin_sees_the_queue_and_puts_a_failed_request_back(signin, client, actor):
    from engine.channels import open311_clients, open311_queue
    from engine.models import Case, Open311Request
    _row, key = open311_clients.create_client(actor=actor("admin"), data={"name": "小程序", "channel": "wechat"})
    post = {"api_key": key, "service_code": "ldzm", "address_string": "湖滨路", "phone": "13900000000",
            "description": "路灯不亮"}
    token = client.post("/open311/v2/requests.json", data=post).get_json()[0]["token"]
    row = db.session.execute(select(Open311Request).where(Open311Request.token == token)).scalar_one()
    good = dict(row.intake)
    row.intake = {**good, "fields": {**good["fields"], "urgency": "someday"}}     # refused at opening
    db.session.commit()
    assert open311_queue.open_queued() == 0
    agent = signin("agent")
    assert agent.post(f"/admin/open311-requests/{row.id}/requeue",
                      data={"csrf_token": csrf(agent, "/inbox")}).status_code in (403, 404)
    admin = signin("admin")
    page = admin.get(PAGE).get_data(as_text=True)
    assert "受理队列" in page and "登记失败：1 件" in page and f'data-request="{row.id}"' in page and "urgency" in page
    row.intake = good
    db.session.commit()
    res = admin.post(f"/admin/open311-requests/{row.id}/requeue", data={"csrf_token": csrf(admin, PAGE)})
    assert res.status_code == 302
    assert open311_queue.open_queued() == 1
    assert db.session.execute(select(Case.channel)).scalars().all() == ["wechat"]
