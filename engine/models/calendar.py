"""The working-day calendar: only the exceptions to the Mon-Fri rule, and each year's status."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

YEAR_STATUSES = ("provisional", "confirmed")


class CalendarDay(db.Model):
    """A day that breaks the Mon-Fri rule: a weekday holiday, or a weekend make-up workday (调休)."""

    __tablename__ = "calendar_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    label: Mapped[str] = mapped_column(String(50), default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CalendarYear(db.Model):
    """A year with calendar data. `confirmed` once the State Council schedule is entered and checked."""

    __tablename__ = "calendar_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(12), default="provisional")
    source: Mapped[str] = mapped_column(String(32), default="admin")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
