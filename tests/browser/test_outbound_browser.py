"""An agent works an outbound list to its end in Chromium: signs in to a seat, dials each call
from the queue (the command goes to the switch; the test plays the telephony worker's part),
records the results — no answer then reached on the retry, a call-back then a wrong number —
until the queue is empty; the shift lead then sees the campaign finished at 100 %."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from engine.db import db
from engine.models import CampaignAttempt, CampaignTarget, TelephonyCommand
from engine.ports import now as clock_now
from engine.telephony import live as call_live
from tests.browser.conftest import login, logout, shot
from tests.engine.campaigns.fixtures import clean_campaigns, started  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser
LIST = [{"phone": "13800138101", "name": "刘先生", "notes": "供暖维修效果"},
        {"phone": "13800138102", "name": "陈女士", "notes": "公积金新政策"},
        {"phone": "13800138103", "name": "黄先生", "notes": "噪音整改"}]


def _dial(page: Page, target_id: int, masked: str) -> None:
    """Click-to-call on the row; the worker answers +OK."""
    before = db.session.execute(select(TelephonyCommand.id).order_by(TelephonyCommand.id.desc())).scalars().first() or 0
    db.session.rollback()
    page.locator(f"tr[data-target='{target_id}'] [data-dial-url]").click()
    expect(page.locator("#phone-message")).to_contain_text(f"正在呼叫 {masked}")
    command = db.session.execute(select(TelephonyCommand).where(TelephonyCommand.id > before,
                                                                TelephonyCommand.kind == "originate")).scalar_one()
    assert "sofia/gateway/carrier/" + masked[:3] in command.command
    db.session.rollback()
    call_live.finish_command(command.id, ok=True, result=f"+OK {command.call_id}")
    expect(page.locator("#phone-message")).to_contain_text("已发起呼叫")


def _result(page: Page, target_id: int, result: str, note: str = "", call_back_at: str = "") -> None:
    row = page.locator(f"tr[data-target='{target_id}']")
    if note:
        row.locator("input[name=note]").fill(note)
    if call_back_at:
        row.locator("input[name=call_back_at]").fill(call_back_at)
    with page.expect_navigation():
        row.locator(f"button[value={result}]").click()
    expect(page.locator(".flash.success")).to_contain_text("呼叫结果已记录")


def _time_passes(target_id: int) -> None:
    """The retry or call-back moment arrives (the clock is the server's; the row is moved instead)."""
    db.session.execute(update(CampaignTarget).where(CampaignTarget.id == target_id)
                       .values(next_attempt_at=clock_now() - timedelta(seconds=1)))
    db.session.commit()


def test_an_agent_works_an_outbound_list_to_its_end(page: Page, actor):
    campaign = started(actor("shift_lead"), agents={"agent": ""}, phones=LIST, max_attempts=3, retry_minutes=30)
    campaign_id = campaign.id
    first, second, third = db.session.execute(select(CampaignTarget.id).order_by(CampaignTarget.id)).scalars().all()
    db.session.rollback()
    login(page, "agent")
    page.fill("#phone-extension", "1001")
    page.click("[data-phone-state=ready]")
    expect(page.locator("#phone-state")).to_have_text("就绪 · 1001")
    page.click("nav >> text=我的外呼")
    expect(page.locator("#due-count")).to_have_text("3")
    shot(page, "outbound-queue")
    _first_round(page, first, second, third)
    _time_passes(second)
    _time_passes(third)
    page.reload()
    expect(page.locator("#due-count")).to_have_text("2")
    _dial(page, second, "138****8102")
    _result(page, second, "reached", note="已告知新政策")
    _dial(page, third, "138****8103")
    _result(page, third, "wrong_number", note="号码已换人使用")
    expect(page.locator("#outbound-empty")).to_be_visible()
    expect(page.locator("#later-count")).to_have_text("0")
    shot(page, "outbound-queue-empty")

    attempts = db.session.execute(select(CampaignAttempt.result).order_by(CampaignAttempt.id)).scalars().all()
    linked = db.session.execute(select(CampaignAttempt.call_id).where(CampaignAttempt.call_id.is_(None))).all()
    db.session.rollback()
    assert attempts == ["reached", "no_answer", "call_back", "reached", "wrong_number"] and linked == []
    page.click("[data-phone-state=logged_out]")
    logout(page)
    _the_lead_sees_it_done(page, campaign_id)


def _first_round(page: Page, first: int, second: int, third: int) -> None:
    """Reached, no answer (back in 30 minutes), call back at a time: nothing left to call now."""
    _dial(page, first, "138****8101")
    _result(page, first, "reached", note="维修后供暖正常，满意")
    _dial(page, second, "138****8102")
    _result(page, second, "no_answer")
    expect(page.locator("#outbound-later")).to_contain_text("陈女士")           # back in 30 minutes
    _dial(page, third, "138****8103")
    _result(page, third, "call_back", note="在开会，下午再打", call_back_at="2099-01-01T15:00")
    expect(page.locator("#outbound-empty")).to_have_text("暂无待拨号码。")
    expect(page.locator("#later-count")).to_have_text("2")
    shot(page, "outbound-later")


def _the_lead_sees_it_done(page: Page, campaign_id: int) -> None:
    login(page, "shift_lead")
    page.click("nav >> text=外呼任务")
    row = page.locator(f"#campaigns tr[data-campaign='{campaign_id}']")
    expect(row).to_contain_text("100%")
    expect(row).to_contain_text("已结束")
    row.locator("a").click()
    expect(page.locator("#campaign-percent")).to_have_text("100%")
    expect(page.locator("#campaign-state")).to_have_text("已结束")
    expect(page.locator("#by-state [data-state=done]")).to_have_text("2")
    expect(page.locator("#by-state [data-state=failed]")).to_have_text("1")
    expect(page.locator("#by-result [data-result=no_answer]")).to_have_text("1")
    expect(page.locator("#by-agent")).to_contain_text("话务员 王芳")
    shot(page, "outbound-campaign-done")
