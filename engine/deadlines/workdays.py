"""Working days and deadline arithmetic (pure functions).

Counting follows DOMAIN.md: the limit starts the day after acceptance and the due moment is the
end of office hours on the Nth working day, Asia/Shanghai. Holidays and make-up working days
(调休) are the exceptions a `WorkCalendar` holds (loaded from the calendar table by
engine.deadlines.calendar); the module-level functions apply the Mon-Fri rule unless given another
`is_working_day`, e.g. `WorkCalendar.is_working_day`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Callable, Mapping

# TZ, local_date and local_moment are read here by the deadlines' callers (engine.deadlines exports them)
from engine.localtime import TZ, local_date, local_moment, stored  # noqa: F401


def mon_to_fri(day: date) -> bool:
    """The default rule: Monday to Friday are working days."""
    return day.weekday() < 5


def add_working_days(start: date, days: int, is_working_day: Callable[[date], bool] = mon_to_fri) -> date:
    """The `days`-th working day after `start`, counting from the next day."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, left = start, days
    while left:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def end_of_office(day: date, office_end: str = "17:30") -> datetime:
    """Naive-UTC moment when office hours end on `day` in Asia/Shanghai."""
    return on_day(day, office_end)


@dataclass(frozen=True)
class WorkCalendar:
    """The statutory calendar: exceptions to Mon-Fri (True = workday) and each year's status.

    Immutable, so one instance can be cached and shared by every request of a process.
    """

    exceptions: Mapping[date, bool] = field(default_factory=dict)
    years: Mapping[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Read-only copies: the caller's dicts may change, a cached calendar must not.
        object.__setattr__(self, "exceptions", MappingProxyType(dict(self.exceptions)))
        object.__setattr__(self, "years", MappingProxyType(dict(self.years)))

    def is_working_day(self, day: date) -> bool:
        """The stored exception for `day` if any, else the Mon-Fri rule."""
        return self.exceptions.get(day, mon_to_fri(day))

    def add_working_days(self, start: date, days: int) -> date:
        """The `days`-th working day after `start`, counting from the next day (0 -> start)."""
        return add_working_days(start, days, self.is_working_day)

    def working_days_between(self, start: date, end: date) -> int:
        """How many working days d there are with start < d <= end (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def is_provisional(self, day: date) -> bool:
        """True when `day`'s year has no data or is not confirmed (Mon-Fri may be wrong there)."""
        return self.years.get(day.year) != "confirmed"

    def span_provisional(self, start: date, end: date) -> bool:
        """True when a count from `start` to `end` relied on a provisional year.

        The due day's year always counts; so does every year a counted day (start < d <= end) is in.
        """
        first = min((start + timedelta(days=1)).year, end.year)
        return any(self.years.get(year) != "confirmed" for year in range(first, end.year + 1))

    def due_after(self, moment_utc: datetime, days: int, office_end: str = "17:30") -> tuple[datetime, bool]:
        """(due moment, provisional) `days` working days after the local day of `moment_utc`."""
        start = local_date(moment_utc)
        due_day = self.add_working_days(start, days)
        return end_of_office(due_day, office_end), self.span_provisional(start, due_day)

    def extend(self, due_utc: datetime, days: int, office_end: str = "17:30") -> tuple[datetime, bool]:
        """(due moment, provisional) moved `days` working days after the day of `due_utc`."""
        return self.due_after(due_utc, days, office_end)

    def office_intervals(self, start_utc: datetime, end_utc: datetime, office: tuple[str, str]):
        """(from, to) naive-UTC office-hour stretches of working days inside [start, end], in order."""
        day = local_date(start_utc)
        while day <= local_date(end_utc):
            if self.is_working_day(day):
                opens, closes = on_day(day, office[0]), on_day(day, office[1])
                if max(opens, start_utc) < min(closes, end_utc):
                    yield max(opens, start_utc), min(closes, end_utc)
            day += timedelta(days=1)

    def office_time(self, start_utc: datetime, end_utc: datetime, office: tuple[str, str]) -> timedelta:
        """Office time on working days between two moments (nights, weekends, holidays not counted)."""
        return sum((b - a for a, b in self.office_intervals(start_utc, end_utc, office)), timedelta())

    def office_time_before(self, end_utc: datetime, span: timedelta, start_utc: datetime,
                           office: tuple[str, str]) -> datetime:
        """The moment `span` of office time before `end_utc`, not earlier than `start_utc`."""
        for a, b in reversed(list(self.office_intervals(start_utc, end_utc, office))):
            if b - a >= span:
                return b - span
            span -= b - a
        return start_utc


def on_day(day: date, hhmm: str) -> datetime:
    """Naive-UTC moment of the local time `hhmm` on `day` in Asia/Shanghai."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    return stored(day, time(hour, minute))
