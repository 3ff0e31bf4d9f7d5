"""The call queues' admin page (admins only, CSRF, 422 naming the field, audited, switch commands
queued) and the callcenter.conf endpoint mod_xml_curl fetches (credentials, allowed hosts)."""
from __future__ import annotations

import base64
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import delete, select

from engine.db import db
from engine.models import CallQueue, ConfigChange, TelephonyCommand
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.conftest import CDR_PASSWORD

FORM = {"name": "water_t", "label": "供水专线", "digit": "8", "priority": "3", "strategy": "top-down",
        "max_wait_time": "60", "max_wait_time_with_no_agent": "30", "voicemail_wait": "40",
        "announce_position": "on", "announce_frequency": "30", "active": "on", "agents": "1001 1003:2"}


@pytest.fixture(autouse=True)
def _drop_test_queues(app):
    yield
    db.session.rollback()
    db.session.execute(delete(CallQueue).where(CallQueue.name.like("%\\_t@default", escape="\\")))
    db.session.commit()


@pytest.mark.parametrize("login", ["agent", "shift_lead", "dh_hb_leader"])
def test_only_admins_see_or_change_queues(signin, login):
    client = signin(login)
    token = csrf(client, "/inbox")
    assert client.get("/admin/call-queues").status_code == 403
    assert client.post("/admin/call-queues", data={**FORM, "csrf_token": token}).status_code == 403
    assert db.session.execute(select(CallQueue).where(CallQueue.name == "water_t@default")).first() is None


def test_posts_need_the_csrf_token(signin):
    admin = signin("admin")
    assert admin.post("/admin/call-queues", data=FORM).status_code == 400
    assert db.session.execute(select(CallQueue).where(CallQueue.name == "water_t@default")).first() is None


def test_the_page_lists_the_demo_menu(signin):
    html = signin("admin").get("/admin/call-queues").get_data(as_text=True)
    for name, label in (("consultation@default", "咨询"), ("complaint@default", "投诉"), ("enterprise@default", "企业热线")):
        assert f'data-queue="{name}"' in html and label in html


@pytest.mark.parametrize("field, value", [("name", "Bad Name"), ("digit", "12"), ("digit", "2"), ("digit", "9"), ("strategy", "fastest"),
                                          ("priority", "0"), ("max_wait_time", "-5"), ("voicemail_wait", "60"),
                                          ("announce_frequency", "5"), ("agents", "10a1"), ("label", "")])
def test_bad_fields_are_refused_with_422_naming_the_field(signin, field, value):
    admin = signin("admin")
    token = csrf(admin, "/admin/call-queues")
    res = admin.post("/admin/call-queues", data={**FORM, field: value, "csrf_token": token})
    assert res.status_code == 422
    assert f'data-error="{field}"' in res.get_data(as_text=True)
    assert db.session.execute(select(CallQueue).where(CallQueue.name == "water_t@default")).first() is None


def test_saving_is_audited_and_queues_the_switch_commands(signin):
    admin = signin("admin")
    token = csrf(admin, "/admin/call-queues")
    res = admin.post("/admin/call-queues", data={**FORM, "reason": "供水投诉多", "csrf_token": token})
    assert res.status_code == 302
    db.session.rollback()
    row = db.session.execute(select(CallQueue).where(CallQueue.name == "water_t@default")).scalar_one()
    assert (row.digit, row.priority, row.strategy, row.announce_position) == ("8", 3, "top-down", True)
    change = db.session.execute(select(ConfigChange).where(   # the newest: SQLite reuses a removed test queue's id
        ConfigChange.area == "call_queue", ConfigChange.key == f"queue:{row.id}").order_by(ConfigChange.id.desc())
        .limit(1)).scalar_one()
    assert change.old is None and change.new["agents"] == "1001:3 1003:2" and change.reason == "供水投诉多"
    assert change.hash and change.prev_hash is not None   # one link of config_change's hash chain
    lines = [c for c, in db.session.execute(select(TelephonyCommand.command).where(
        TelephonyCommand.kind == "queue_config").order_by(TelephonyCommand.id))]
    assert lines == ["callcenter_config queue load water_t@default",
                     "callcenter_config tier add water_t@default 1001@default 3 1",
                     "callcenter_config tier add water_t@default 1003@default 2 2"]
    # saving the same form again changes nothing: no audit row, no command
    token = csrf(admin, "/admin/call-queues")
    data = {**FORM, "csrf_token": token, "agents": "1001:3 1003:2"}
    assert admin.post(f"/admin/call-queues/{row.id}", data=data).status_code == 302
    db.session.rollback()
    assert db.session.execute(select(TelephonyCommand).where(TelephonyCommand.kind == "queue_config")).all().__len__() == 3


def _fetch(client, password=CDR_PASSWORD, addr="127.0.0.1", **form):
    token = base64.b64encode(f"freeswitch:{password}".encode()).decode()
    data = {"section": "configuration", "key_name": "name", "key_value": "callcenter.conf", **form}
    return client.post("/telephony/callcenter.conf", data=data, headers={"Authorization": f"Basic {token}"},
                       environ_base={"REMOTE_ADDR": addr})


def test_callcenter_conf_needs_the_switch_credentials(client):
    assert client.post("/telephony/callcenter.conf", data={"section": "configuration"}).status_code == 401
    assert _fetch(client, password="wrong").status_code == 401


def test_callcenter_conf_only_from_allowed_hosts(app, client):
    app.config["TELEPHONY_CONFIG_HOSTS"] = "10.0.0.5"
    try:
        assert _fetch(client).status_code == 403
        assert _fetch(client, addr="10.0.0.5").status_code == 200
    finally:
        app.config["TELEPHONY_CONFIG_HOSTS"] = ""


def test_callcenter_conf_renders_the_active_queues(client):
    root = ET.fromstring(_fetch(client).data)
    conf = root.find("section[@name='configuration']/configuration[@name='callcenter.conf']")
    names = [q.get("name") for q in conf.iter("queue")]
    assert {"consultation@default", "complaint@default", "enterprise@default", "hotline@default"} <= set(names)
    assert conf.find("agents") is None and conf.find("tiers") is None
    # one queue when the switch asks for one (queue load|reload sends CC-Queue)
    one = ET.fromstring(_fetch(client, **{"CC-Queue": "complaint@default"}).data)
    [queue] = list(one.iter("queue"))
    params = {p.get("name"): p.get("value") for p in queue.iter("param")}
    assert queue.get("name") == "complaint@default" and params["strategy"] == "longest-idle-agent"
    assert params["max-wait-time"] == "60" and params["time-base-score"] == "system"
    # any other configuration: "not found", the switch falls back to its own files
    other = ET.fromstring(_fetch(client, key_value="sofia.conf").data)
    assert other.find("section[@name='result']/result").get("status") == "not found"
