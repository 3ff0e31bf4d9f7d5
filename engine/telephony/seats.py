"""Who sits at a seat: the seat's open screens keep it present; an absent seat is signed out.

A seat left ready when its agent signs out of the workbench, loses the session, or closes the
last screen would go on being offered calls that nobody answers. Signing out of the workbench
signs the seat out at once; otherwise every open screen's screen-pop stream marks the seat seen
(at most every SEEN_EVERY), and the scheduler signs out seats not seen for
`telephony.seat_absent_seconds`. A seat on a call is left alone until the call ends.
"""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from engine.db import db
from engine.models import AgentStatus
from engine.organisation import settings
from engine.ports import now as clock_now
from engine.telephony import live
from engine.telephony.call_center import CHOSEN_STATES

log = logging.getLogger(__name__)
SEEN_EVERY = timedelta(seconds=20)      # one write per screen stream at most this often
ABSENT_STATES = ("ready", "break", "ringing")    # not "talking": the call goes on, the seat with it


def mark_seen(user_id: int, now: datetime | None = None) -> None:
    """An open screen of this user's seat is alive (a no-op within SEEN_EVERY of the last mark)."""
    now = now or clock_now()
    db.session.execute(update(AgentStatus).where(
        AgentStatus.user_id == user_id, AgentStatus.state != "logged_out",
        or_(AgentStatus.seen_at.is_(None), AgentStatus.seen_at < now - SEEN_EVERY),
    ).values(seen_at=now).execution_options(synchronize_session=False))
    db.session.commit()


def sign_out(user_id: int, *, reason: str) -> bool:
    """Sign the user's seat out (here and at the switch) unless it is already; True if it was in."""
    row = db.session.get(AgentStatus, user_id, with_for_update=True)
    if row is None or row.state in ("logged_out", "talking"):
        db.session.rollback()
        return False
    row.state, row.state_since, row.call_id = "logged_out", clock_now(), None
    live.queue_command(kind="agent_status", actor_id=user_id, commit=False,
                       command=f"callcenter_config agent set status {live.cc_agent(row.extension)} "
                               f"'{CHOSEN_STATES['logged_out']}'")
    db.session.commit()
    log.info("seat %s signed out: %s", row.extension, reason)
    return True


def sign_out_absent(now: datetime | None = None) -> dict[str, int]:
    """Scheduler job: sign out every seat no screen has shown for the absence limit."""
    now = now or clock_now()
    limit = timedelta(seconds=int(settings.snapshot()["telephony.seat_absent_seconds"]))
    absent = db.session.execute(select(AgentStatus.user_id).where(
        AgentStatus.state.in_(ABSENT_STATES),
        or_(AgentStatus.seen_at.is_(None), AgentStatus.seen_at < now - limit))).scalars().all()
    db.session.rollback()
    return {"signed_out": sum(sign_out(user_id, reason="no open screen") for user_id in absent)}
