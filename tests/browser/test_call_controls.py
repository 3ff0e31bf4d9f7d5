"""Call controls in Chromium against the simulated switch over real TCP (worker included): an
agent transfers a live call to a colleague from the phone bar and sees the switch confirm it; a
shift lead starts listening to a call from the wallboard and whispers to the agent."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.db import db
from engine.models import AgentStatus
from engine.telephony import controls
from tests.browser.conftest import login, shot
from tests.telephony.test_live_features import seat, switch, wait_for

pytestmark = [pytest.mark.browser, pytest.mark.timeout(90)]


def talking(sim, actor, login="agent", ext="1001") -> tuple[str, str]:
    a, b = sim.talking_call(f"{ext}@default", caller="13900002222")
    wait_for(lambda: controls.agent_calls().get(a, {}).get("agent_leg") == b, what="the live call")
    return a, b


def test_an_agent_transfers_a_live_call_to_a_colleague(page: Page, app, live_server, actor):
    seat(actor)
    seat(actor, "dispatcher", "1002")
    with switch(app, live_server) as (sim, worker):
        login(page, "agent")
        a, _ = talking(sim, actor)
        bar = page.locator("#call-controls")
        expect(bar.locator("[data-control=hold]")).to_be_visible(timeout=8000)
        bar.locator("[data-control=hold]").click()
        expect(page.locator("#control-message")).to_have_text("保持：交换机已确认", timeout=8000)
        expect(page.locator("#call-held")).to_be_visible()
        bar.locator("[data-control=unhold]").click()
        expect(page.locator("#control-message")).to_have_text("恢复通话：交换机已确认", timeout=8000)
        page.select_option("#transfer-target", "agent:1002")
        bar.locator("[data-control=transfer]").click()
        expect(page.locator("#control-message")).to_have_text("直接转接：交换机已确认", timeout=8000)
        shot(page, "call-transfer-confirmed")
        wait_for(lambda: db.session.get(AgentStatus, actor("dispatcher").user_id).call_id == a,
                 what="the colleague's seat on the call")
        expect(bar.locator("[data-control=pickup]")).to_be_visible(timeout=8000)   # the agent is free again
        expect(bar.locator("[data-control=hold]")).to_be_hidden()


def test_a_shift_lead_whispers_to_the_agent_from_the_wallboard(page: Page, app, live_server, actor):
    seat(actor)
    seat(actor, "shift_lead", "1009")
    with switch(app, live_server) as (sim, worker):
        a, b = talking(sim, actor)
        login(page, "shift_lead")
        page.goto("/wallboard")
        row = page.locator(f"#wb-supervision tr[data-call-id='{a}']")
        expect(row).to_contain_text("1001", timeout=8000)
        expect(row).to_contain_text("139****2222")
        expect(row.locator("td").nth(2)).to_have_text("通话中")        # the call's state in words, not its key
        row.locator("[data-listen]").click()
        expect(page.locator("#supervision-message")).to_contain_text("监听：交换机应答 +OK", timeout=8000)
        expect(page.locator("#supervision-bar")).to_be_visible(timeout=8000)
        page.locator("#supervision-bar [data-mode=whisper]").click()
        expect(page.locator("#supervision-message")).to_contain_text("耳语（仅坐席可听）：交换机应答 +OK", timeout=8000)
        lead_leg = next(leg for leg in sim.board.legs.values() if leg.role == "supervisor")
        assert lead_leg.mode == "2" and lead_leg.vars.get("eavesdrop_enable_dtmf") == "true"
        assert f"&eavesdrop({b})" in next(c for c in sim.commands if "eavesdrop(" in c)
        shot(page, "supervision-whisper")
        page.locator("#supervision-bar [data-stop]").click()
        expect(page.locator("#supervision-bar")).to_be_hidden(timeout=8000)
        assert a in sim.board.legs
