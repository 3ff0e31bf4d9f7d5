"""The pages through the Flask test client: sign-in, CSRF, scope by URL, forms, language."""
from __future__ import annotations

import re

import flask_babel
import pytest
from flask import g
from flask.testing import FlaskClient

from tests.factories import open_case, to_handling

TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


class PageClient(FlaskClient):
    """A browser-like client. The test's own app context stays pushed across requests (the
    fixtures need it), so per-request caches on it would outlive a request: Flask-WTF's CSRF
    token (then never put in the session) and Flask-Babel's locale. A real request never shares
    them: drop them."""

    def open(self, *args, **kwargs):
        g.pop("csrf_token", None)
        g.pop("_login_user", None)      # Flask-Login's per-request user, likewise
        flask_babel.refresh()
        return super().open(*args, **kwargs)


def csrf(client, path="/login") -> str:
    return TOKEN.search(client.get(path).data).group(1).decode()


def page_client(app) -> PageClient:
    return PageClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def client(app):
    return page_client(app)


@pytest.fixture
def signin(app):
    def login(login_name, password="12345demo"):
        client = page_client(app)
        res = client.post("/login", data={"username": login_name, "password": password, "csrf_token": csrf(client)})
        assert res.status_code == 302, res.data
        return client
    return login


def test_anonymous_users_are_sent_to_sign_in(client):
    assert client.get("/").location.endswith("/login")
    res = client.get("/inbox")
    assert res.status_code == 302 and "/login" in res.location


@pytest.fixture(autouse=True)
def _fresh_limits():
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


def test_wrong_password_is_refused_in_chinese_and_rate_limited(client, signin):
    token = csrf(client)
    res = client.post("/login", data={"username": "agent", "password": "nope", "csrf_token": token})
    assert res.status_code == 401 and "用户名或密码错误" in res.get_data(as_text=True)
    codes = [client.post("/login", data={"username": "agent", "password": "nope", "csrf_token": token}).status_code
             for _ in range(12)]
    assert codes[-1] == 429 and codes.count(401) == 9          # 10 per minute per address and username
    assert signin("dispatcher")                                 # another account from the same address


def test_a_form_without_its_csrf_token_is_refused(app, signin, client):
    res = client.post("/login", data={"username": "agent", "password": "12345demo"})
    assert res.status_code == 400 and "CSRF" in res.get_data(as_text=True)
    agent = signin("agent")
    res = agent.post("/cases/new", data={"category": "consult"})
    assert res.status_code == 400


def test_agent_registers_a_case_and_triages_it_through_the_forms(app, signin):
    agent = signin("agent")
    token = csrf(agent, "/cases/new")
    bad = agent.post("/cases/new", data={"csrf_token": token, "category": "complaint", "phone": "x"})
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "必填" in page and "格式不正确" in page and "required" not in page     # the fields say what is wrong, in Chinese
    res = agent.post("/cases/new", data={
        "csrf_token": token, "category": "complaint", "channel": "phone", "citizen_name": "张三",
        "phone": "13800138000", "title": "噪音扰民", "content": "夜间施工噪音", "confidential": "false"})
    assert res.status_code == 302 and "/work-items/" in res.location
    form = agent.get(res.location)
    assert "分类处置" in form.get_data(as_text=True)
    done = agent.post(res.location, data={"csrf_token": csrf(agent, res.location), "decision": "dispatch",
                                          "_version": "1"})
    assert done.status_code == 302
    assert "已完成" in agent.get("/inbox").get_data(as_text=True)


def test_a_stale_page_gets_409(app, signin, actor):
    case = open_case(actor("agent"))
    agent = signin("agent")
    item_url = f"/work-items/{_item(case.id)}"
    token = csrf(agent, item_url)
    res = agent.post(item_url, data={"csrf_token": token, "decision": "dispatch", "_version": "99"})
    assert res.status_code == 409


def _item(case_id):
    from sqlalchemy import select

    from engine.db import db
    from engine.models import WorkItem
    return db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case_id,
                                                        WorkItem.state == "open")).scalar_one()


def test_a_handler_cannot_open_another_departments_case_by_url(app, signin, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    other = signin("dh_hb_handler")
    assert other.get(f"/cases/{case.id}").status_code == 403
    assert other.get(f"/work-items/{_item(case.id)}").status_code == 403
    own = signin("xs_xs_handler")
    page = own.get(f"/cases/{case.id}").get_data(as_text=True)
    assert case.case_no in page and "138****8000" not in page      # not confidential: handler sees the phone
    inbox = own.get("/inbox").get_data(as_text=True)
    assert case.case_no in inbox and "正常" in inbox                # colour badge


def test_personal_data_is_masked_for_roles_that_do_not_need_it(app, signin, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    page = signin("designer").get(f"/cases/{case.id}").get_data(as_text=True)
    assert "138****8000" in page and "13800138000" not in page


def test_language_switch_to_english(app, signin):
    agent = signin("agent")
    assert "待办" in agent.get("/inbox").get_data(as_text=True)
    agent.post("/lang/en", data={"csrf_token": csrf(agent, "/inbox")})
    page = agent.get("/inbox").get_data(as_text=True)
    assert "Inbox" in page and "待办</a>" not in page


def test_sign_out_needs_a_post_with_token(app, signin):
    agent = signin("agent")
    assert agent.get("/logout").status_code == 405
    assert agent.post("/logout", data={"csrf_token": csrf(agent, "/inbox")}).status_code == 302
    assert agent.get("/inbox").status_code == 302


def test_inbox_filters_by_category_colour_and_due_range(app, signin, actor, dept):
    complaint = to_handling(actor, dept, lead="xs_xs")
    consult = to_handling(actor, dept, lead="xs_xs", category="consult", title="咨询办事流程")
    handler = signin("xs_xs_handler")

    def shown(query):
        page = handler.get("/inbox?scope=department&" + query).get_data(as_text=True)
        return {c.case_no for c in (complaint, consult) if c.case_no in page}

    assert shown("") == {complaint.case_no, consult.case_no}
    assert shown("category=consult") == {consult.case_no}
    assert shown("colour=green") == {complaint.case_no, consult.case_no}
    assert shown("colour=red") == set()
    due = consult.handle_due_at
    day = f"{due:%Y-%m-%d}"
    assert consult.case_no in shown(f"due_from={day}&due_before={day}")
    assert shown("due_before=2000-01-01") == set()


def test_a_background_request_does_not_write_the_session_back(app, signin):
    """A flash set by a form post must survive a background request answered just after it:
    only a request that changed the session sends the cookie (it once overwrote the post's)."""
    agent = signin("agent")
    agent.get("/inbox")                         # the first page after signing in may take its flash
    assert "Set-Cookie" not in agent.get("/inbox").headers
    assert "Set-Cookie" not in agent.get("/phone/state").headers
    changed = agent.post("/lang/en", data={"csrf_token": csrf(agent)})
    assert "Set-Cookie" in changed.headers
