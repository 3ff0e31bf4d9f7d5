"""Input the database would refuse gets a 404 or a 422 naming the field, never a 500.

The classes the fuzzer found (tests/api/test_fuzz.py runs it): ids past the 32-bit id columns,
pages past any OFFSET, filters with such ids or with years before 1, strings holding NUL or an
unpaired UTF-16 surrogate. Each is tried here on the REST API and on the pages, plus the
siblings a hand finds (digits that are not ASCII, `inf` as an integer).
"""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import delete, func, insert, select

from engine.cases import actions, work_items
from engine.db import MAX_ID, db
from engine.deadlines import calendar
from engine.errors import ValidationFailed
from engine.models import CalendarDay, CalendarYear, Case, CaseEvent, ConfigChange, DispatchRule, Parameter, WorkItem
from forms import FORMS
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.factories import INTAKE, open_case, to_handling

HUGE_IDS = (MAX_ID + 1, 10**20)
SETTINGS = (Parameter, CalendarDay, CalendarYear, DispatchRule)
NUL, SURROGATE = "\u0000", "\ud800"
# JSON text as a client sends it: json.dumps writes the lone surrogate as the escape \ud800
BAD_TEXT = (f"x{NUL}y", f"x{SURROGATE}y")


def _count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def _id_rules(app, api: bool):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") == api and "<id:" in rule.rule:
            yield rule


def _with_id(rule, value: int) -> str:
    return re.sub(r"<id:\w+>", str(value), re.sub(r"<(?!id:)[^>]+>", "x", rule.rule))


# --- REST ----------------------------------------------------------------------------------------
def test_rest_ids_past_the_column_range_are_not_found(app, api):
    admin, tried = api("admin"), 0
    for rule in _id_rules(app, api=True):
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for value in HUGE_IDS:
                res = getattr(admin, method.lower())(_with_id(rule, value), json={})
                assert res.status_code == 404, (method, rule.rule, value, res.json)
                tried += 1
    assert tried >= 20      # every REST route with an id was tried


@pytest.mark.parametrize("path, field", [
    ("/api/v1/cases?page=999999999999999999", "page"),
    ("/api/v1/work-items?page=100001", "page"),
    ("/api/v1/notifications?page=10286873024301819512932649664512", "page"),
    ("/api/v1/work-items?case_id=-137690248582025", "case_id"),
    ("/api/v1/work-items?case_id=2147483648", "case_id"),
    ("/api/v1/work-items?due_before=0482-05-08T00:00:00%2B07:00", "due_before"),
    ("/api/v1/cases?lead_department_id=49610900817205", "lead_department_id"),
    ("/api/v1/cases?created_from=0643-05-05T18:42:10%2B01:36", "created_from"),
    ("/api/v1/cases?created_to=9999-12-31T23:59:59-05:00", "created_to"),
    ("/api/v1/notifications?case_id=626399879109", "case_id"),
    ("/api/v1/calendar/working-days?start=0118-03-31&days=39", "start"),
])
def test_rest_filters_out_of_range_are_422_naming_the_field(api, path, field):
    res = api("admin").get(path)
    assert res.status_code == 422, res.json
    assert field in json.dumps(res.json["errors"]), res.json


def test_rest_calendar_years_outside_the_calendar_are_not_found(api):
    admin = api("admin")
    assert admin.post("/api/v1/calendar/years/157548904219/confirm").status_code == 404
    assert admin.get("/api/v1/calendar/years/1800").status_code == 404
    assert admin.get("/api/v1/calendar/years/2026").status_code == 200


@pytest.mark.parametrize("text", BAD_TEXT, ids=["nul", "surrogate"])
def test_rest_unstorable_text_is_422_naming_the_field_and_nothing_is_stored(api, text):
    admin, changes, cases = api("admin"), _count(ConfigChange), _count(Case)
    sent = [
        ("put", "/api/v1/calendar/days/2026-03-02", {"kind": "holiday", "reason": text}, "reason"),
        ("put", "/api/v1/parameters/warn_days.report", {"value": 2, "reason": text}, "reason"),
        ("post", "/api/v1/cases", {**INTAKE, "title": text}, "title"),
        ("post", "/api/v1/cases", {**INTAKE, "extra": {text: 1}}, "extra"),
    ]
    for method, path, body, field in sent:
        res = getattr(api("agent") if path == "/api/v1/cases" else admin, method)(
            path, data=json.dumps(body), content_type="application/json")
        assert res.status_code == 422, (path, res.json)
        assert field in json.dumps(res.json["errors"]), res.json
    assert (_count(ConfigChange), _count(Case)) == (changes, cases)


# --- pages ---------------------------------------------------------------------------------------
STREAMS = {"/phone/events", "/wallboard/stream"}       # endless by design
HOSTILE = {"99999999999999999999", "²", "-1", "0643-05-05", "0", "9999-12-31", "٣"}
FILTERS = ("page", "page_size", "case_id", "department_id", "lead_department_id", "lead_handler_id",
           "co_department_id", "co_handler_id", "registered_from", "registered_to", "due_before", "due_from",
           "date", "year", "start", "days", "scope", "colour", "sort", "status", "category", "caller", "agent",
           "outcome", "tab", "role", "q", "case_no", "phone", "kind")


def _get_pages(app):
    for rule in app.url_map.iter_rules():
        path = rule.rule
        if "GET" in rule.methods and "<" not in path and not path.startswith(("/api/", "/static")) \
                and path not in STREAMS:
            yield path


@pytest.mark.parametrize("login", ["admin", "shift_lead", "dh_hb_handler"])
def test_every_page_survives_hostile_filters(app, signin, login, actor, dept):
    to_handling(actor, dept)
    client, tried = signin(login), 0
    for path in _get_pages(app):
        for value in sorted(HOSTILE):
            res = client.get(path, query_string={name: value for name in FILTERS})
            assert res.status_code < 500, (path, value, res.status_code)
            tried += 1
    assert tried > 100


@pytest.mark.parametrize("login", ["admin", "agent"])
def test_page_ids_past_the_column_range_are_not_found(app, signin, login):
    client = signin(login)
    for rule in _id_rules(app, api=False):
        for value in HUGE_IDS:
            path = _with_id(rule, value)
            res = client.get(path) if "GET" in rule.methods else client.post(path, data={})
            assert res.status_code in (400, 404), (rule.rule, res.status_code)   # 400: CSRF before routing


def test_non_ascii_digits_and_huge_pages_fall_back_to_a_page(signin, actor):
    open_case(actor("agent"))
    agent = signin("agent")
    for path in ("/inbox?page=²", "/inbox?page=99999999999999999999", "/cases?page=٣",
                 "/query?page=99999999999999999999&page_size=²"):
        assert agent.get(path).status_code == 200, path


def test_a_page_form_with_unstorable_text_is_refused_in_chinese(app, signin):
    # Only NUL: a form cannot carry a lone surrogate (browsers and werkzeug turn it into U+FFFD).
    agent, before = signin("agent"), _count(Case)
    res = agent.post("/cases/new", data={**INTAKE, "title": f"x{NUL}y", "csrf_token": csrf(agent, "/cases/new")})
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and "无法保存的字符" in page and "Traceback" not in page
    assert _count(Case) == before


def test_a_page_json_endpoint_with_a_lone_surrogate_is_refused(signin):
    agent = signin("agent")
    res = agent.post("/phone/dial", data=json.dumps({"case_id": SURROGATE}), content_type="application/json",
                     headers={"X-CSRFToken": csrf(agent, "/inbox")})
    assert res.status_code == 422 and "case_id" in json.dumps(res.json)


def test_unstorable_text_in_the_query_string_is_refused(signin):
    res = signin("agent").get("/query", query_string={"case_no": f"GD{NUL}1"})
    assert res.status_code == 422 and "无法保存的字符" in res.get_data(as_text=True)


# --- the engine refuses the same without the web in front ---------------------------------------
@pytest.mark.parametrize("data, field", [
    ({"content": "电梯坏了\u0000"}, "content"),
    ({"title": "电梯\udc00"}, "title"),
])
def test_forms_refuse_unstorable_text_for_any_caller(actor, data, field):
    with pytest.raises(ValidationFailed) as refused:
        open_case(actor("agent"), **data)
    assert field in refused.value.errors


def _open_item(case_id: int, form_key: str) -> WorkItem:
    return db.session.execute(select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.state == "open",
                                                     WorkItem.form_key == form_key)).scalar_one()


def test_forms_refuse_integers_that_do_not_fit(actor, dept):
    case = to_handling(actor, dept)
    handle = _open_item(case.id, "handle")
    with pytest.raises(ValidationFailed) as refused:      # JSON's 1e999 arrives as float("inf")
        work_items.complete(item_id=handle.id, actor=actor("dh_hb_handler"),
                            data={"action": "extension", "extension_days": float("inf"), "extension_reason": "x"})
    assert "extension_days" in refused.value.errors
    fresh = open_case(actor("agent"))
    actions.triage(case_id=fresh.id, actor=actor("agent"), decision="dispatch")
    dispatch = _open_item(fresh.id, "dispatch")
    for department in (MAX_ID + 1, -(10**15)):
        with pytest.raises(ValidationFailed) as refused:
            work_items.complete(item_id=dispatch.id, actor=actor("dispatcher"),
                                data={"mode": "transfer", "lead_department_id": department})
        assert "lead_department_id" in refused.value.errors


# --- a repeated claim changes nothing ------------------------------------------------------------
def test_claiming_an_item_one_holds_is_a_no_op(actor, dept):
    case = to_handling(actor, dept)
    item = _open_item(case.id, "handle")
    handler = actor("dh_hb_handler")
    first = work_items.claim(item_id=item.id, actor=handler)
    claimed_at = first.claimed_at
    for _ in range(5):
        again = work_items.claim(item_id=item.id, actor=handler)
        assert again.claimed_by_id == handler.user_id and again.claimed_at == claimed_at
    rows = db.session.execute(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "claim")).scalar()
    assert rows == 1


# The fields a form parses as a number, a date or an id. Free text is left out on purpose: some
# posts are then refused as incomplete, but none can rename or re-shape the demo city for later tests.
POSTED_NAMES = sorted({f.name for form in FORMS.values() for f in form.fields
                       if f.type in ("integer", "department", "departments", "boolean", "choice")} | {
    "parent_id", "department_id", "value", "day", "year", "start", "days", "priority", "_version", "case_id",
    "user_id", "call_record_id", "mode", "kind", "state", "outcome"})


@pytest.fixture
def settings_restored():
    """Parameters, the calendar and the catalogue as they were: a hostile post may still be a valid value."""
    kept = [[{c.name: getattr(row, c.name) for c in row.__table__.columns}
             for row in db.session.execute(select(model)).scalars()] for model in SETTINGS]
    yield
    db.session.rollback()
    for model, rows in zip(SETTINGS, kept):
        db.session.execute(delete(model))
        if rows:
            db.session.execute(insert(model), rows)
    db.session.commit()
    calendar.forget()


@pytest.mark.parametrize("login", ["admin", "dispatcher", "dh_hb_handler"])
def test_every_form_post_survives_hostile_values(app, signin, login, actor, dept, settings_restored):
    case = to_handling(actor, dept)
    ids = {"case_id": case.id, "item_id": _open_item(case.id, "handle").id, "department_id": dept("dh_hb"),
           "user_id": 1, "rule_id": 1}
    client = signin(login)
    token, tried = csrf(client, "/inbox"), 0
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods or rule.rule.startswith(("/api/", "/static", "/telephony/cdr", "/logout")) \
                or rule.rule in ("/login", "/lang/<code>") or rule.rule.endswith("/deactivate"):
            continue      # deactivating parses nothing and would really deactivate a demo rule
        path = re.sub(r"<id:(\w+)>", lambda m: str(ids.get(m.group(1), 1)), rule.rule)
        path = re.sub(r"<(\w+)>", "warn_days.report", path)
        for value in sorted(HOSTILE):
            res = client.post(path, data={**{name: value for name in POSTED_NAMES}, "csrf_token": token})
            assert res.status_code < 500, (login, path, value, res.status_code)
            tried += 1
    assert tried > 100
