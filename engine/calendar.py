"""Working days and deadline arithmetic (pure functions).

Counting follows DOMAIN.md: the limit starts the day after acceptance and the due moment is the
end of office hours on the Nth working day, Asia/Shanghai. Holidays and make-up working days
(调休) come from the calendar table of the deadlines issue; until then `is_working_day`
applies the Mon-Fri rule, which that table overrides.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Callable
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


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


def local_date(moment_utc: datetime) -> date:
    """The Asia/Shanghai calendar date of a naive-UTC moment."""
    return moment_utc.replace(tzinfo=timezone.utc).astimezone(TZ).date()


def end_of_office(day: date, office_end: str = "17:30") -> datetime:
    """Naive-UTC moment when office hours end on `day` in Asia/Shanghai."""
    hour, minute = (int(x) for x in office_end.split(":"))
    local = datetime.combine(day, time(hour, minute), tzinfo=TZ)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def due_after(moment_utc: datetime, days: int, office_end: str = "17:30",
              is_working_day: Callable[[date], bool] = mon_to_fri) -> datetime:
    """Due moment `days` working days after the day of `moment_utc`."""
    return end_of_office(add_working_days(local_date(moment_utc), days, is_working_day), office_end)


def extend(due_utc: datetime, days: int, office_end: str = "17:30",
           is_working_day: Callable[[date], bool] = mon_to_fri) -> datetime:
    """A due moment moved `days` working days later (extension approval)."""
    return end_of_office(add_working_days(local_date(due_utc), days, is_working_day), office_end)
