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
