"""The citizen on a phone (390 px): opens the public case page of a closed case, rates it
dissatisfied, asks for a re-examination; then the center's supervisor finds it in the inbox."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.cases import actions
from engine.db import db
from tests.browser.conftest import login, scroll_width, shot
from tests.factories import INTAKE, to_handling

pytestmark = pytest.mark.browser
PHONE_VIEWPORT = {"width": 390, "height": 844}


def _closed_case(actor, dept) -> tuple[str, str]:
    case = to_handling(actor, dept, lead="xs_xs", title="西山路路灯不亮")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="explained", reply_text="已安排检修。")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    found = case.query_code, case.case_no
    db.session.rollback()      # SQLite: hold no transaction while the server writes
    return found


def test_citizen_rates_dissatisfied_and_asks_for_reexamination_which_reaches_the_center(page: Page, actor, dept):
    code, case_no = _closed_case(actor, dept)
    page.set_viewport_size(PHONE_VIEWPORT)
    page.goto("/lookup")
    page.fill("input[name=query_code]", code.lower())
    page.fill("input[name=phone]", INTAKE["phone"])
    with page.expect_navigation():
        page.click("#lookup button[type=submit]")
    expect(page.locator("#case-status")).to_have_text("已办结")
    expect(page.locator("#reply")).to_have_text("已安排检修。")
    expect(page.locator("#progress li.done")).to_have_count(7)
    assert scroll_width(page) <= PHONE_VIEWPORT["width"]

    page.check("input[name=satisfaction][value=dissatisfied]")
    page.fill("textarea[name=comment]", "路灯还是不亮")
    with page.expect_navigation():
        page.click("#rate")
    expect(page.locator("#rating-given")).to_contain_text("不满意")

    page.click("#ask-reexamination")              # an empty reason: the browser asks for it first
    expect(page.locator("textarea[name=reason]:invalid")).to_have_count(1)
    page.fill("textarea[name=reason]", "检修后路灯仍然不亮，请上级部门复核")
    with page.expect_navigation():
        page.click("#ask-reexamination")
    expect(page.locator("#reexamination-status")).to_contain_text("复核申请已登记")
    assert scroll_width(page) <= PHONE_VIEWPORT["width"]
    shot(page, "reexamination_citizen_390")

    page.set_viewport_size({"width": 1366, "height": 768})
    login(page, "supervisor")
    row = page.locator("main tr", has_text="复核申请：西山路路灯不亮")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("复核审查")
    shot(page, "reexamination_supervisor_inbox")
