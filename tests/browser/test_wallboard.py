"""The wallboard in Chromium: it follows the telephony worker's snapshot and new call records
without a reload (server-sent events, or polling when the stream fails), flags stale live data,
and the shift lead switches smart dissuasion from it."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete, update

from engine.db import db
from engine.deadlines.workdays import local_date, on_day
from engine.models import Parameter, TelephonyState
from engine.ports import now as clock_now
from engine.telephony import calls, live as call_live
from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def snapshot(waiting: int, longest: int) -> None:
    """What the telephony worker writes every second or so."""
    call_live.write_state("live", {"queues": [{"name": "hotline@default", "waiting": waiting, "ringing": 1,
                                               "longest_wait": longest}], "stages": {}, "calls": waiting + 1,
                                   "peak": False})
    db.session.rollback()


def answered_call(call_id: str) -> None:
    now = clock_now()
    # Never before today's local midnight: run just after it, the call would count for yesterday.
    midnight = on_day(local_date(now), "00:00")
    at = [max(now - timedelta(seconds=s), midnight) for s in (30, 20, 12)]
    calls.record(call={"call_id": call_id, "outcome": "answered", "arrived_at": at[0], "queued_at": at[1],
                       "answered_at": at[2], "queue": "complaint@default"})
    db.session.rollback()


@pytest.fixture
def board(page: Page):
    """The shift lead on the wallboard, with the worker's first snapshot on it."""
    snapshot(3, 42)
    login(page, "shift_lead")
    page.goto("/wallboard")
    expect(page.locator("h1")).to_have_text("监控大屏")
    expect(page.locator('#wb-waiting [data-field="waiting"]')).to_have_text("3")
    yield page
    db.session.rollback()
    db.session.execute(delete(Parameter).where(Parameter.name == "telephony.peak_mode"))
    db.session.commit()


def test_the_board_follows_the_worker_without_a_reload(board: Page):
    page = board
    page.evaluate("window.notReloaded = true")
    expect(page.locator('[data-field="offered"]')).to_have_text("0")
    expect(page.locator("#wallboard-stale")).to_be_hidden()
    expect(page.locator("#wb-longest")).not_to_have_class("wb-tile alarm")

    snapshot(17, 95)                      # a queue builds up
    expect(page.locator('#wb-waiting [data-field="waiting"]')).to_have_text("17", timeout=6000)
    expect(page.locator('#wb-longest [data-field="longest_wait_text"]')).to_have_text("01:35")
    expect(page.locator("#wb-longest")).to_have_class("wb-tile alarm")
    expect(page.locator("table.wb-queues tbody td.alarm")).to_have_text("01:35")

    answered_call("browser-1")            # a call ends and is recorded
    expect(page.locator('[data-field="offered"]')).to_have_text("1", timeout=6000)
    expect(page.locator('[data-field="answered"]')).to_have_text("1")
    expect(page.locator('[data-field="answer_rate_text"]')).to_have_text("100.0%")
    today = page.locator('table.wb-queues-today tr[data-queue="complaint@default"] td')   # and under its queue
    expect(today).to_have_text(["投诉", "1", "1", "100.0%"])
    shot(page, "wallboard-today-by-queue")

    # the worker stops writing: the board says so in red
    db.session.execute(update(TelephonyState).where(TelephonyState.name == "live")
                       .values(updated_at=clock_now() - timedelta(minutes=2)))
    db.session.commit()
    expect(page.locator("#wallboard-stale")).to_be_visible(timeout=6000)
    expect(page.locator("#wallboard-stale")).to_contain_text("实时数据已过时")
    shot(page, "wallboard-stale")
    snapshot(2, 10)
    expect(page.locator("#wallboard-stale")).to_be_hidden(timeout=6000)
    expect(page.locator("#wb-longest")).to_have_class("wb-tile")
    assert page.evaluate("window.notReloaded") is True
    shot(page, "wallboard")


def test_it_polls_when_the_event_stream_is_refused(page: Page):
    page.route("**/wallboard/stream", lambda route: route.fulfill(status=503, body="down"))
    snapshot(4, 5)
    login(page, "shift_lead")
    with page.expect_response("**/wallboard/data") as polled:
        page.goto("/wallboard")
    assert polled.value.status == 200
    page.evaluate("window.notReloaded = true")
    snapshot(8, 5)
    expect(page.locator('#wb-waiting [data-field="waiting"]')).to_have_text("8", timeout=8000)
    answered_call("browser-poll-1")
    expect(page.locator('[data-field="offered"]')).to_have_text("1", timeout=8000)
    assert page.evaluate("window.notReloaded") is True


def test_the_shift_lead_switches_smart_dissuasion(board: Page):
    page = board
    switch = page.locator("#peak-switch")
    expect(switch.locator('[data-mode="2"]')).to_have_attribute("aria-pressed", "true")
    with page.expect_navigation():
        switch.locator('[data-mode="1"]').click()
    expect(page.locator(".flash.success")).to_have_text("智能劝阻：开启。")
    expect(switch.locator('[data-mode="1"]')).to_have_attribute("aria-pressed", "true")
    expect(switch.locator('[data-mode="2"]')).to_have_attribute("aria-pressed", "false")
    expect(page.locator('[data-field="peak.mode_label"]')).to_have_text("开启")
