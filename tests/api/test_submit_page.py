"""/submit through the test client: no login, CSRF, errors beside the fields, the receipt page."""
from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import func, select

from engine.db import db
from engine.models import Case, Notification, WebSubmission
from tests.api.test_pages import client, csrf  # noqa: F401  (fixtures)
from tests.engine.channels.test_web_form import FORM, JPEG, PHONE, code_sent


@pytest.fixture(autouse=True)
def _fresh_limits():
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


def token(client) -> str:
    return csrf(client, "/submit")


def ask_code(client, phone=PHONE, json=True):
    headers = {"Accept": "application/json"} if json else {}
    return client.post("/submit/code", data={"csrf_token": token(client), "phone": phone}, headers=headers)


def send(client, **changes):
    data = {**FORM, "csrf_token": token(client), **changes}
    return client.post("/submit", data=data, content_type="multipart/form-data")


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_form_needs_no_login_and_speaks_chinese(client):
    res = client.get("/submit")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "网上反映诉求" in page and "获取验证码" in page
    assert 'name="csrf_token"' in page and 'name="website"' in page and 'name="photos"' in page
    assert "路灯" in page or "<option" in page                     # the matter catalogue is offered
    assert 'name="viewport"' in page


def test_english_can_be_chosen(client):
    client.post("/lang/en?next=/submit", data={"csrf_token": token(client)})
    assert "Tell us your request" in client.get("/submit").get_data(as_text=True)


def test_a_post_without_csrf_token_is_refused(client):
    assert client.post("/submit", data=FORM).status_code == 400
    assert client.post("/submit/code", data={"phone": PHONE}).status_code == 400


def test_the_code_then_the_form_show_the_case_number_and_query_code(client):
    res = ask_code(client)
    assert res.status_code == 200 and res.json["sent"] is True
    res = send(client, code=code_sent(), photos=[(io.BytesIO(JPEG), "p.jpg")])
    assert res.status_code == 303 and res.location.endswith("/submit/done")
    case = db.session.scalars(select(Case)).one()
    done = client.get("/submit/done").get_data(as_text=True)
    assert case.case_no in done and case.query_code in done and 'href="/lookup"' in done
    assert "查询码也已通过短信发送到您的手机" in done
    assert [n.kind for n in db.session.scalars(select(Notification).where(Notification.case_id == case.id))] == ["receipt"]


def test_without_script_the_code_button_posts_the_form_and_keeps_what_was_typed(client):
    res = ask_code(client, json=False)
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "验证码已通过短信发送到您的手机" in page


def test_errors_are_shown_in_chinese_beside_the_fields_and_nothing_typed_is_lost(client):
    ask_code(client)
    res = send(client, category="", address="", code=code_sent(), content="楼下噪音扰民",
               photos=[(io.BytesIO(JPEG), "p.jpg")])
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and "请填写地址或使用您的位置" in page and "请修改下面标出的内容" in page
    assert re.search(r'data-error-of="category">[^<]+<', page)
    assert "楼下噪音扰民" in page and 'value="李四"' in page and f'value="{PHONE}"' in page
    assert "choose them again" not in page and 'id="files-lost"' in page          # say so, in Chinese
    assert count(Case) == 0


def test_a_wrong_code_is_shown_beside_the_code(client):
    ask_code(client)
    wrong = f"{(int(code_sent()) + 1) % 10 ** 6:06d}"
    page = send(client, code=wrong).get_data(as_text=True)
    assert "验证码错误，还可以尝试 4 次" in page and 'data-error-of="code"' in page


def test_a_second_code_too_soon_is_429_with_the_reason(client):
    assert ask_code(client).status_code == 200
    res = ask_code(client)
    assert res.status_code == 429 and "一分钟后再试" in res.json["errors"]["phone"][0]


def test_a_bad_phone_is_422_for_the_code(client):
    res = ask_code(client, phone="abc")
    assert res.status_code == 422 and res.json["errors"]["phone"] == ["请填写正确的手机号码"]


def test_the_honeypot_gets_the_same_receipt_page_and_nothing_is_registered(client):
    res = send(client, website="http://bot.example", code="")
    assert res.status_code == 303
    done = client.get("/submit/done").get_data(as_text=True)
    assert "诉求已受理" in done and re.search(r"GD\d{14}", done)
    assert count(Case) == 0 and db.session.scalar(select(WebSubmission.honeypot)) is True


def test_the_client_address_is_rate_limited(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "SUBMIT_CODE_RATE_LIMIT", "2 per minute")
    assert ask_code(client, phone="13700000001").status_code == 200
    assert ask_code(client, phone="13700000002").status_code == 200
    assert ask_code(client, phone="13700000003").status_code == 429


def test_the_receipt_page_without_a_request_goes_to_the_form(client):
    assert client.get("/submit/done").location.endswith("/submit")
