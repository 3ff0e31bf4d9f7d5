"""A dissatisfied visit in the browser: nothing preset, the record and a decision required, and a
close asked for by the visitor waits in the center leader's approvals until confirmed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from engine.cases import actions
from engine.db import db
from engine.models import Case, WorkItem
from tests.browser.conftest import login, logout, shot
from tests.factories import to_handling

pytestmark = pytest.mark.browser


def _visit_item(case_id: int) -> int:
    return db.session.execute(db.select(WorkItem.id).where(
        WorkItem.case_id == case_id, WorkItem.form_key == "visit", WorkItem.state == "open")).scalar_one()


def _replied_and_reviewed(actor, dept, result: str, reply: str) -> tuple[int, int, str]:
    """(visit item id, case id, case number) of a case waiting for its visit."""
    case = to_handling(actor, dept, lead="dh_hb")
    actions.reply(case_id=case.id, actor=actor("dh_hb_handler"), result=result, reply_text=reply)
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    found = _visit_item(case.id), case.id, case.case_no
    db.session.rollback()      # SQLite: hold no transaction (nor touch expired rows) while the server writes
    return found


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("#task-form button[type=submit]").click()


def test_a_dissatisfied_visit_is_decided_and_a_close_is_confirmed(page: Page, actor, dept):
    item_id, case_id, case_no = _replied_and_reviewed(actor, dept, "explained", "已解释政策")
    login(page, "visitor")
    page.goto(f"/work-items/{item_id}")
    expect(page.locator("#f-decision")).to_be_hidden()              # only for a dissatisfied citizen
    page.select_option("#f-satisfaction", "dissatisfied")
    page.locator("#f-resolved input[value=false]").check()
    expect(page.locator("#f-decision")).to_be_visible()
    expect(page.locator("#f-decision")).to_have_value("")             # no decision preset
    _submit(page)                                                     # no record, no decision: refused
    expect(page.locator('[data-field="note"] .error')).to_be_visible()
    expect(page.locator('[data-field="decision"] .error')).to_be_visible()
    assert db.session.get(Case, case_id, populate_existing=True).stage == "visit"
    db.session.rollback()

    page.fill("#f-note", "市民认为解释不清，仍有意见")
    page.select_option("#f-decision", "close")
    page.fill("#f-close_reason", "诉求超出政策范围，已多次解释")
    shot(page, "visit-dissatisfied-close")
    _submit(page)
    expect(page.locator(".flash.success")).to_contain_text(case_no)
    logout(page)
    _leader_confirms(page, case_no)
    closed = db.session.get(Case, case_id, populate_existing=True)
    assert (closed.status, closed.outcome) == ("closed", "archived")
    db.session.rollback()


def _leader_confirms(page: Page, case_no: str) -> None:
    """The center leader finds the close in 领导审批, reads why, and confirms it."""
    login(page, "leader")
    page.goto("/approvals")
    row = page.locator("#closure-queue tr[data-item]").filter(has_text=case_no)
    expect(row).to_contain_text("诉求超出政策范围")
    expect(row).to_contain_text("仍有意见")
    row.get_by_role("link", name="办理", exact=True).click()
    page.wait_for_url(re.compile(r"/work-items/\d+(\?next=.*)?$"))
    expect(page.locator("main")).to_contain_text("不满意")             # the visit's facts, in words
    expect(page.locator("main")).to_contain_text("诉求超出政策范围，已多次解释")
    page.locator("#f-close_confirmed input[value=true]").check()
    shot(page, "visit-close-confirmed")
    _submit(page)
    expect(page).to_have_url(re.compile(r"/approvals$"))             # back to the approvals, not the inbox


def test_changing_the_answer_back_sends_no_hidden_decision(page: Page, actor, dept):
    item_id, case_id, _ = _replied_and_reviewed(actor, dept, "resolved", "已修复")
    login(page, "visitor")
    page.goto(f"/work-items/{item_id}")
    page.select_option("#f-satisfaction", "dissatisfied")
    page.select_option("#f-decision", "reopen")
    page.select_option("#f-satisfaction", "satisfied")                # the citizen corrects themself
    page.locator("#f-resolved input[value=true]").check()
    expect(page.locator("#f-decision")).to_be_hidden()
    _submit(page)
    closed = db.session.get(Case, case_id, populate_existing=True)
    assert (closed.status, closed.outcome, closed.reopen_count) == ("closed", "archived", 0)
    db.session.rollback()
