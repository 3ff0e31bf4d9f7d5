"""Interfaces to the outside world. Tests swap the clock; later issues add SMS and telephony."""
from __future__ import annotations

from datetime import datetime, timezone


class Clock:
    """The source of 'now' (naive UTC, like every stored timestamp)."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(tzinfo=None)


class FixedClock(Clock):
    """A clock that stands still until moved; for tests and demos of deadline behaviour."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


clock: Clock = Clock()


def set_clock(new: Clock) -> Clock:
    """Replace the process-wide clock; returns the previous one."""
    global clock
    previous, clock = clock, new
    return previous


def now() -> datetime:
    """Current time from the installed clock."""
    return clock.now()
