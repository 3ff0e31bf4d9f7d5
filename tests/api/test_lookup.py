"""The public status lookup: the right pair answers, every wrong pair gets one identical answer."""
from __future__ import annotations

import re

import pytest

from engine.cases import actions, lookup
from tests.api.test_pages import TOKEN, client, csrf  # noqa: F401  (fixtures)
from tests.factories import INTAKE, open_case, to_handling

PHONE = INTAKE["phone"]


@pytest.fixture(autouse=True)
def _fresh_limits():
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


def ask(client, code: str, phone: str):
    return client.post("/lookup", data={"csrf_token": csrf(client, "/lookup"), "query_code": code, "phone": phone})


def main_part(html: bytes) -> str:
    """The page without its CSRF token (which carries a timestamp)."""
    return TOKEN.sub(b'name="csrf_token" value=""', html).decode()


def test_the_right_pair_shows_status_and_department_nothing_personal(client, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs", address="西山区松山路18号", citizen_name="王小明")
    res = ask(client, case.query_code.lower(), "+86 138-0013-8000")           # as a citizen types it
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and res.headers["Cache-Control"] == "no-store"
    assert "办理中" in page and "西山街道" in page and case.created_at.strftime("%Y") in page
    assert lookup.mask_case_no(case.case_no) in page and case.case_no not in page
    for secret in (PHONE, "138****8000", "王小明", "西山区松山路18号", INTAKE["title"], case.query_code,
                   f"/cases/{case.id}"):
        assert secret not in page
    assert not re.search(r'href="[^"]*\d', page.split("<main>")[1])             # no ids in any link


def test_wrong_code_and_wrong_phone_get_the_identical_answer(client, actor):
    case = open_case(actor("agent"))
    other = open_case(actor("agent"), phone="13900139000")
    wrong_phone = ask(client, case.query_code, "13900139000")
    wrong_code = ask(client, "ABCDEFGHJK", PHONE)
    someone_elses = ask(client, other.query_code, PHONE)
    empty = ask(client, case.query_code, "")
    assert {r.status_code for r in (wrong_phone, wrong_code, someone_elses, empty)} == {200}
    answer = main_part(wrong_phone.data)
    assert "没有与该查询码和联系电话相符的工单" in answer
    assert main_part(wrong_code.data) == answer == main_part(someone_elses.data) == main_part(empty.data)
    assert case.query_code not in answer and "13900139000" not in answer         # nothing echoed back


def test_a_closed_case_shows_the_reply(client, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="路灯已于周三修复。")
    page = ask(client, case.query_code, PHONE).get_data(as_text=True)
    assert "路灯已于周三修复" not in page                                          # replied, not yet closed
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    page = ask(client, case.query_code, PHONE).get_data(as_text=True)
    assert "已办结" in page and "路灯已于周三修复。" in page


def test_a_direct_answer_and_a_refusal_are_shown(client, actor):
    answered = open_case(actor("agent"), category="consult")
    actions.triage(case_id=answered.id, actor=actor("agent"), decision="direct_answer", answer="请到社保窗口办理。")
    assert "请到社保窗口办理。" in ask(client, answered.query_code, PHONE).get_data(as_text=True)
    refused = open_case(actor("agent"))
    actions.triage(case_id=refused.id, actor=actor("agent"), decision="not_accepted",
                   not_accepted_reason="emergency", note="内部备注")
    page = ask(client, refused.query_code, PHONE).get_data(as_text=True)
    assert "紧急警情" in page and "内部备注" not in page


def test_lookups_are_rate_limited_per_address(client, actor):
    case = open_case(actor("agent"))
    token = csrf(client, "/lookup")
    codes = [client.post("/lookup", data={"csrf_token": token, "query_code": f"WRONG{i}", "phone": PHONE}).status_code
             for i in range(21)]
    assert codes[:20] == [200] * 20 and codes[20] == 429
    assert ask(client, case.query_code, PHONE).status_code == 429                # even the right pair, now
    assert client.get("/lookup").status_code == 200                              # the form still shows


def test_the_form_needs_its_csrf_token(client, actor):
    case = open_case(actor("agent"))
    res = client.post("/lookup", data={"query_code": case.query_code, "phone": PHONE})
    assert res.status_code == 400


def test_normalising_and_masking():
    assert lookup.normalise_phone("+86 138-0013-8000") == "13800138000"
    assert lookup.normalise_code(" abcd efgh ") == "ABCDEFGH"
    assert lookup.mask_case_no("GD20261129000123") == "GD2026****0123"
    assert lookup.find("X" * 40, PHONE) is None


def test_the_limiter_skips_the_token_api_and_only_it(app):
    """The REST API carries no rate limit and skips the limiter's check; public pages keep theirs."""
    from api.pages.web import _unlimited
    with app.test_request_context("/api/v1/cases", method="POST"):
        assert _unlimited()
    for path in ("/lookup", "/login", "/open311/v2/services.json"):
        with app.test_request_context(path, method="POST"):
            assert not _unlimited(), path
