"""Screen pop in Chromium: the agent signs in to a seat on the phone bar; a call offered to that
seat pops up with the caller's history (server-sent events); the pop's link opens intake
pre-filled and linked to the call; the answer confirms the pop; a number on a case is dialled."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.db import db
from engine.models import Case, TelephonyCommand
from engine.telephony import live as call_live
from tests.browser.conftest import login, shot
from tests.factories import open_case

pytestmark = pytest.mark.browser


def test_screen_pop_from_offer_to_linked_intake(page: Page, actor):
    earlier = open_case(actor("agent"), phone="13912345678", title="楼道灯坏了")
    db.session.rollback()
    login(page, "agent")
    page.fill("#phone-extension", "1001")
    page.click("[data-phone-state=ready]")
    expect(page.locator("#phone-state")).to_have_text("就绪 · 1001")
    page.wait_for_timeout(500)      # the event stream is open
    call_live.feed(kind="offer", call_id="pop-1", agent="1001@default", caller="13912345678", queue="hotline@default")
    db.session.rollback()
    pop = page.locator("#screen-pop")
    expect(pop).to_be_visible()
    expect(pop.locator("[data-pop=title]")).to_have_text("来电振铃")
    expect(pop.locator("[data-pop=caller]")).to_have_text("13912345678")
    expect(pop.locator("[data-pop=history]")).to_contain_text(earlier.case_no)
    expect(pop.locator("[data-pop=name]")).to_have_text(earlier.citizen_name)
    expect(pop.locator("[data-pop=record]")).to_have_text("近30天首次来电")
    expect(page.locator("#phone-state")).to_have_text("振铃中 · 1001")
    call_live.feed(kind="answer", call_id="pop-1", agent="1001@default", caller="13912345678")
    db.session.rollback()
    expect(pop.locator("[data-pop=title]")).to_have_text("已接通")
    shot(page, "screen-pop")
    with page.expect_navigation():
        pop.locator("[data-pop=intake]").click()
    expect(page.locator("#intake-call")).to_contain_text("13912345678")
    expect(page.locator("input[name=phone]")).to_have_value("13912345678")
    # the pop stays on the new page (same call, same history)
    expect(page.locator("#screen-pop [data-pop=history]")).to_contain_text(earlier.case_no)
    page.select_option("select[name=category]", "complaint")
    page.fill("input[name=citizen_name]", "陈女士")
    page.fill("input[name=title]", "楼道灯又坏了")
    page.fill("textarea[name=content]", "三楼楼道灯不亮，已经一周。")
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    db.session.rollback()
    case = db.session.execute(select(Case).where(Case.title == "楼道灯又坏了")).scalar_one()
    assert case.call_id == "pop-1" and case.phone == "13912345678"
    case_no = case.case_no
    db.session.rollback()
    _the_call_is_registered_once(page, case_no)


def _the_call_is_registered_once(page: Page, case_no: str) -> None:
    """After registering, the pop names the case and offers only another request of the call."""
    pop = page.locator("#screen-pop")
    expect(pop.locator("[data-pop=registered]")).to_contain_text(case_no)
    link = pop.locator("[data-pop=intake]")
    expect(link).to_have_text("登记本次来电的另一项诉求")
    page.goto("/cases/new?call=pop-1")                  # the plain link again: told, not registered twice
    expect(page.locator("#intake-registered")).to_contain_text(case_no)
    expect(page.locator("input[name=another_request]")).not_to_be_checked()
    with page.expect_navigation():
        link.click()                                    # another request, said so by the link
    expect(page.locator("input[name=another_request]")).to_be_checked()


def test_click_to_call_on_a_case_shows_the_switchs_answer(page: Page, actor):
    case = open_case(actor("agent"))
    db.session.rollback()
    login(page, "agent")
    page.fill("#phone-extension", "1001")
    page.click("[data-phone-state=ready]")
    expect(page.locator("#phone-state")).to_have_text("就绪 · 1001")
    page.goto(f"/cases/{case.id}")
    page.locator(f"[data-dial-case='{case.id}']").first.click()
    expect(page.locator("#phone-message")).to_contain_text("正在呼叫 138****8000")
    # the worker carries the command out; here the test plays the worker's part
    command = db.session.execute(select(TelephonyCommand).where(TelephonyCommand.kind == "originate")).scalar_one()
    db.session.rollback()
    call_live.finish_command(command.id, ok=True, result=f"+OK {command.call_id}")
    expect(page.locator("#phone-message")).to_contain_text(f"已发起呼叫：+OK {command.call_id}")
