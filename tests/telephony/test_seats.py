"""A seat nobody sits at is signed out at the switch: on signing out of the workbench at once, and
when no screen of the seat has been open for `telephony.seat_absent_seconds`."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from engine.db import db
from engine.models import AgentStatus, Parameter, TelephonyCommand
from engine.organisation import settings
from engine.ports import now as clock_now
from engine.telephony import call_center, seats
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)

SIGNED_OUT = "callcenter_config agent set status {ext}@default 'Logged Out'"


def commands() -> list[str]:
    return db.session.execute(select(TelephonyCommand.command).order_by(TelephonyCommand.id)).scalars().all()


def seat(user_id: int) -> AgentStatus:
    return db.session.get(AgentStatus, user_id, populate_existing=True)


def last_seen(user_id: int, seconds_ago: int) -> None:
    db.session.execute(update(AgentStatus).where(AgentStatus.user_id == user_id)
                       .values(seen_at=clock_now() - timedelta(seconds=seconds_ago)))
    db.session.commit()


def test_signing_out_of_the_workbench_signs_the_seat_out(signin, actor):
    agent = signin("agent")
    token = csrf(agent, "/inbox")
    assert agent.post("/phone/state", json={"state": "ready", "extension": "1001"},
                      headers={"X-CSRFToken": token}).status_code == 200
    assert agent.post("/logout", data={"csrf_token": token}).status_code == 302
    assert seat(actor("agent").user_id).state == "logged_out"
    assert commands()[-1] == SIGNED_OUT.format(ext="1001")


def test_a_seat_no_screen_shows_is_signed_out_after_the_parameter(actor):
    ready, resting, talking = (actor(login) for login in ("agent", "dispatcher", "shift_lead"))
    for who, ext, state in ((ready, "1001", "ready"), (resting, "1002", "break"), (talking, "1003", "ready")):
        call_center.set_state(actor=who, state=state, extension=ext)
    db.session.execute(update(AgentStatus).where(AgentStatus.user_id == talking.user_id).values(state="talking"))
    db.session.commit()
    limit = int(settings.snapshot()["telephony.seat_absent_seconds"])
    for who in (ready, resting, talking):
        last_seen(who.user_id, limit - 10)
    assert seats.sign_out_absent() == {"signed_out": 0}          # within the limit: still there
    for who in (ready, resting, talking):
        last_seen(who.user_id, limit + 10)
    assert seats.sign_out_absent() == {"signed_out": 2}
    assert [seat(w.user_id).state for w in (ready, resting, talking)] == ["logged_out", "logged_out", "talking"]
    assert commands()[-2:] == [SIGNED_OUT.format(ext="1001"), SIGNED_OUT.format(ext="1002")]
    assert seats.sign_out_absent() == {"signed_out": 0}          # once: no second command


def test_an_open_screen_keeps_the_seat(signin, actor):
    agent = signin("agent")
    agent.post("/phone/state", json={"state": "ready", "extension": "1001"},
               headers={"X-CSRFToken": csrf(agent, "/inbox")})
    user_id = actor("agent").user_id
    last_seen(user_id, 3600)
    assert agent.get("/phone/state").status_code == 200           # the phone bar asks: the screen is open
    assert seat(user_id).seen_at > clock_now() - timedelta(seconds=5)
    assert seats.sign_out_absent() == {"signed_out": 0} and seat(user_id).state == "ready"


def test_marks_are_throttled(actor):
    call_center.set_state(actor=actor("agent"), state="ready", extension="1001")
    user_id = actor("agent").user_id
    first = seat(user_id).seen_at
    seats.mark_seen(user_id, now=first + timedelta(seconds=5))
    assert seat(user_id).seen_at == first                         # within 20 s: no write
    seats.mark_seen(user_id, now=first + timedelta(seconds=25))
    assert seat(user_id).seen_at == first + timedelta(seconds=25)


@pytest.mark.parametrize("value", [59, 0])
def test_the_absence_limit_has_a_floor(actor, value):
    from engine.errors import ValidationFailed
    with pytest.raises(ValidationFailed):
        settings.set_parameter(actor=actor("admin"), name="telephony.seat_absent_seconds", value=value)
    assert db.session.get(Parameter, "telephony.seat_absent_seconds") is None
