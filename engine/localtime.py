"""The hotline's local time (Asia/Shanghai) and the naive-UTC moments the database stores.

One place for the conversions every domain needs (deadlines, statistics, screening, the case
query): a stored moment's local date, and the stored moment of a local day and time.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def local_moment(moment_utc: datetime) -> datetime:
    """A naive-UTC moment in Asia/Shanghai (aware)."""
    return moment_utc.replace(tzinfo=timezone.utc).astimezone(TZ)


def local_date(moment_utc: datetime) -> date:
    """The Asia/Shanghai calendar date of a naive-UTC moment."""
    return local_moment(moment_utc).date()


def stored(day: date, at: time = time()) -> datetime:
    """The naive-UTC moment of the local time `at` on `day` in Asia/Shanghai."""
    return datetime.combine(day, at, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


def local_midnight(day: date, plus_days: int = 0) -> datetime:
    """00:00 of a Shanghai day (`plus_days` later) as stored (naive UTC)."""
    return stored(day + timedelta(days=plus_days))
