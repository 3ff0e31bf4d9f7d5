"""A conference in Chromium against the simulated switch over real TCP (worker included): the
host starts it from the case page, calls two citizens' numbers in, mutes one and removes the
other; the members list follows the switch's conference::maintenance events."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import login, shot
from tests.factories import open_case
from tests.telephony.test_live_features import switch

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]


def test_a_host_mutes_and_removes_a_member(page: Page, app, live_server, actor):
    case = open_case(actor("agent"))
    with switch(app, live_server) as (sim, worker):
        login(page, "agent")
        page.goto(f"/cases/{case.id}")
        page.click("#start-conference")
        page.wait_for_url("**/conferences/*")
        form = page.locator("#invite-form")
        for number in ("13800001111", "13800002222"):
            form.locator("input[name=number]").fill(number)
            form.locator("button[type=submit]").click()
            expect(page.locator("#conference-message")).to_have_text("已发送至交换机。")
        rows = page.locator("#conference-members tbody tr")
        first, second = rows.nth(0), rows.nth(1)
        expect(first.locator(".member-state")).to_have_text("会商中", timeout=8000)
        expect(second.locator(".member-state")).to_have_text("会商中", timeout=8000)
        expect(page.locator("#conference-count")).to_have_text("2")
        first.locator("[data-action=mute]").click()
        expect(first.locator(".member-state")).to_have_text("会商中 · 已静音", timeout=8000)
        expect(first.locator("[data-action=unmute]")).to_be_visible()
        second.locator("[data-action=kick]").click()
        expect(second.locator(".member-state")).to_have_text("已离开", timeout=8000)
        expect(page.locator("#conference-count")).to_have_text("1")
        shot(page, "conference-mute-kick")
        [room] = sim.conferences.rooms.values()
        assert [m.speak for m in room.members.values()] == [False]
        page.goto(f"/cases/{case.id}")
        expect(page.locator("#timeline")).to_contain_text("发起会商")
        expect(page.locator("#conferences")).to_contain_text("会商 ")
