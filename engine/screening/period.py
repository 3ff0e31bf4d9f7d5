"""Shanghai calendar days and weeks as the stored naive-UTC moments that bound them."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from engine.localtime import local_date


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def latest_complete_week(now_utc: datetime) -> date:
    """The Monday of the last whole Monday–Sunday week before today (Shanghai)."""
    return monday_of(local_date(now_utc)) - timedelta(days=7)
