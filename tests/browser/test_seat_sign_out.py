"""An agent who signs out of the workbench leaves no seat ready at the switch; a seat whose last
screen closed is signed out by the scheduler's presence job."""
from __future__ import annotations

import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from engine.db import db
from engine.models import AgentStatus, TelephonyCommand
from engine.ports import now as clock_now
from engine.telephony import seats
from tests.browser.conftest import login, logout

pytestmark = pytest.mark.browser


def _seat(user_id: int) -> SimpleNamespace:
    """The seat's state and last mark, read and let go (SQLite: an open read blocks the server)."""
    row = db.session.get(AgentStatus, user_id, populate_existing=True)
    found = SimpleNamespace(state=row.state, seen_at=row.seen_at)
    db.session.rollback()
    return found


def _last_command() -> str:
    command = db.session.execute(select(TelephonyCommand.command).order_by(TelephonyCommand.id.desc())).scalar()
    db.session.rollback()
    return command


def _ready_at_seat(page: Page, extension: str) -> None:
    page.fill("#phone-extension", extension)
    page.locator('[data-phone-state="ready"]').click()
    expect(page.locator("#phone-state")).to_contain_text("就绪")


def test_signing_out_signs_the_seat_out_at_the_switch(page: Page, actor):
    user_id = actor("agent").user_id
    db.session.rollback()
    login(page, "agent")
    _ready_at_seat(page, "1001")
    assert _seat(user_id).state == "ready"
    logout(page)
    assert _seat(user_id).state == "logged_out"
    assert _last_command() == "callcenter_config agent set status 1001@default 'Logged Out'"


def test_a_seat_whose_screens_closed_is_signed_out(page: Page, actor):
    user_id = actor("agent").user_id
    db.session.rollback()
    login(page, "agent")
    _ready_at_seat(page, "1002")
    page.goto("/inbox")                                   # the phone bar's stream marks the seat seen
    expect(page.locator("#phone-state")).to_contain_text("就绪")
    assert _seat(user_id).seen_at > clock_now() - timedelta(seconds=30)
    page.goto("about:blank")                              # the last screen of the seat closes
    # … ten minutes ago. The closed stream's thread may still mark the seat seen once before it
    # notices the browser left, so the sign-out pass is repeated until that last mark is past.
    signed = {"signed_out": 0}
    for _ in range(20):
        db.session.execute(update(AgentStatus).where(AgentStatus.user_id == user_id)
                           .values(seen_at=clock_now() - timedelta(minutes=10)))
        db.session.commit()
        if (signed := seats.sign_out_absent()) != {"signed_out": 0}:
            break
        time.sleep(0.25)
    assert signed == {"signed_out": 1}
    assert _seat(user_id).state == "logged_out"
    assert _last_command() == "callcenter_config agent set status 1002@default 'Logged Out'"
