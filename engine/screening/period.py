"""Shanghai calendar days and weeks as the stored naive-UTC moments that bound them."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")


def local_midnight(day: date, plus_days: int = 0) -> datetime:
    """00:00 of a Shanghai day (`plus_days` later) as stored (naive UTC)."""
    moment = datetime.combine(day + timedelta(days=plus_days), time(), tzinfo=TZ)
    return moment.astimezone(timezone.utc).replace(tzinfo=None)


def local_day(moment_utc: datetime) -> date:
    """The Shanghai date of a stored naive-UTC moment."""
    return moment_utc.replace(tzinfo=timezone.utc).astimezone(TZ).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def latest_complete_week(now_utc: datetime) -> date:
    """The Monday of the last whole Monday–Sunday week before today (Shanghai)."""
    return monday_of(local_day(now_utc)) - timedelta(days=7)
