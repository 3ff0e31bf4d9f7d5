"""Contact and import pages through the Flask client: roles and masking, scoping (403/404), call
notes on the call, contact and case pages, the mapping's 422, the progress JSON and error report."""
from __future__ import annotations

import io
import re
import uuid

from openpyxl import load_workbook

from bench.import_data import make_rows, write_xlsx
from engine import scheduler
from engine.contacts import learn, service
from engine.db import db
from engine.imports import runner
from engine.models import CallRecord, ImportJob
from engine.ports import now as clock_now
from tests.api.test_pages import _fresh_limits, csrf, page_client, signin  # noqa: F401  (fixtures)
from tests.factories import open_case


def a_call(caller="13800138000", case_id=None) -> CallRecord:
    row = CallRecord(call_id=str(uuid.uuid4()), caller=caller, outcome="answered", arrived_at=clock_now(), case_id=case_id)
    db.session.add(row)
    db.session.commit()
    return row


def test_contacts_are_masked_by_role_and_hidden_from_departments(signin, actor):
    open_case(actor("agent"), phone="13800138000", citizen_name="张三丰")
    learn.learn()
    contact = service.by_phone("13800138000")
    agent = signin("agent").get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "张三丰" in agent and "13800138000" in agent and "小区电梯长期故障" in agent
    admin = signin("admin").get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert "张三丰" not in admin and "138****8000" in admin and "13800138000" not in admin
    assert signin("xs_qs_handler").get(f"/contacts/{contact.id}").status_code == 403
    assert signin("xs_qs_handler").get("/contacts").status_code == 403
    assert signin("agent").get(f"/contacts/{contact.id + 999}").status_code == 404
    listing = signin("agent").get("/contacts?q=张三").get_data(as_text=True)
    assert f'data-contact="{contact.id}"' in listing
    assert 'id="nav-contacts"' in listing and 'id="nav-imports"' not in listing
    assert 'id="nav-contacts"' not in signin("xs_qs_handler").get("/inbox").get_data(as_text=True)


def test_call_notes_show_on_the_call_contact_and_case_pages(signin, actor):
    case = open_case(actor("agent"), phone="13700137000")
    call = a_call("13700137000", case_id=case.id)
    client = signin("agent")
    token = csrf(client, f"/calls/{call.id}")
    res = client.post(f"/calls/{call.id}/notes", data={"body": "市民称夜间施工持续到凌晨", "csrf_token": token})
    assert res.status_code == 302
    contact = service.by_phone("13700137000")
    for path in (f"/calls/{call.id}", f"/contacts/{contact.id}", f"/cases/{case.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "市民称夜间施工持续到凌晨" in page, path
    assert "市民称夜间施工持续到凌晨" not in signin("admin").get(f"/contacts/{contact.id}").get_data(as_text=True)
    assert client.post(f"/calls/{call.id + 999}/notes", data={"body": "x", "csrf_token": token}).status_code == 404


def test_an_edit_with_a_bad_number_answers_422_naming_the_field(signin, actor):
    contact = service.resolve("13800138000", name="李四")
    db.session.commit()
    client = signin("agent")
    token = csrf(client, f"/contacts/{contact.id}/edit")
    res = client.post(f"/contacts/{contact.id}/edit", data={"csrf_token": token, "kind": "person", "classification": "key",
                                                            "new_phone": "12345", "version": "1"})
    assert res.status_code == 422 and 'data-field="phone"' in res.get_data(as_text=True)
    res = client.post(f"/contacts/{contact.id}/edit", data={"csrf_token": token, "kind": "person", "classification": "key",
                                                            "tags": "独居，低保", "version": "1", "sms_consent": "1"})
    assert res.status_code == 302
    db.session.refresh(contact)
    assert service.tags_of(contact.id) == ["低保", "独居"] and contact.sms_consent and contact.classification == "key"
    assert signin("agent").get(f"/contacts/{contact.id}/merge").status_code == 403


def test_the_import_pages_map_run_and_report(signin, tmp_path):
    rows, expected = make_rows(500, existing_every=200)
    for phone in expected.existing:
        service.resolve(phone, name="老客户")
    db.session.commit()
    data = write_xlsx(tmp_path / "名单.xlsx", rows).read_bytes()
    client = signin("shift_lead")
    token = csrf(client, "/imports/new/contacts")
    res = client.post("/imports/new/contacts", data={"csrf_token": token, "file": (io.BytesIO(data), "名单.xlsx")},
                      content_type="multipart/form-data")
    assert res.status_code == 302
    job_id = int(re.search(r"/imports/(\d+)/mapping", res.headers["Location"]).group(1))
    mapping = client.get(f"/imports/{job_id}/mapping").get_data(as_text=True)
    assert re.search(r'name="column_1".*?<option value="phone" selected', mapping, re.S)
    res = client.post(f"/imports/{job_id}/mapping", data={"csrf_token": token, "column_0": "name", "column_1": ""})
    assert res.status_code == 422 and 'data-field="phone"' in res.get_data(as_text=True)
    assert signin("leader").get(f"/imports/{job_id}").status_code == 404      # someone else's import
    assert signin("agent").get("/imports/new/contacts").status_code == 403
    guessed = {f"column_{i}": f for i, f in db.session.get(ImportJob, job_id).mapping.items()}
    assert len(guessed) == 9
    res = client.post(f"/imports/{job_id}/mapping", data={"csrf_token": token, **guessed})
    assert res.status_code == 302
    assert client.get(f"/imports/{job_id}/progress.json").get_json()["state"] == "queued"
    assert db.session.get(ImportJob, job_id).state == "queued"        # the request never imports
    scheduler.run_imports()
    progress = client.get(f"/imports/{job_id}/progress.json").get_json()
    assert (progress["state"], progress["percent"], progress["good"], progress["bad"]) == ("done", 100, expected.good, expected.bad)
    book = load_workbook(io.BytesIO(client.get(f"/imports/{job_id}/errors.xlsx").data))
    lines = list(book.active.iter_rows(values_only=True))
    assert lines[0][:4] == ("行号", "字段", "错误代码", "错误说明") and len(lines) - 1 >= expected.bad
    assert runner.run_pending() is None
