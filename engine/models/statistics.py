"""Statistics: the custom reports people saved under a name for their role (自定义报表), and the
daily rollup of the additive KPIs (kpi_day), its monthly sums (kpi_month) and its state (rollup_state)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow


class SavedReport(db.Model):
    """A custom report's definition (engine.statistics.custom.ReportSpec as a mapping), shared by
    everyone holding `role`; only whitelisted dimension and measure codes, never SQL."""

    __tablename__ = "saved_report"
    __table_args__ = (UniqueConstraint("role", "name", name="uq_saved_report_role_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    spec: Mapped[dict] = mapped_column(Json)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class KpiDay(db.Model):
    """One additive figure of one Shanghai day for one leaf department × category × channel
    (engine.statistics.rollup): numerator and denominator exactly as the raw query groups them.
    No department is stored as 0 and call figures (the center's, no case) as 0, '', ''; the key
    is the primary key, day first, so a period reads an index range."""

    __tablename__ = "kpi_day"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)   # 0: none (not a foreign key)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    numerator: Mapped[float] = mapped_column(Float)
    denominator: Mapped[int | None] = mapped_column(Integer)               # None: a count


class KpiMonth(db.Model):
    """kpi_day summed per calendar month (`month` is its first day), rewritten with the days it sums
    (engine.statistics.rollup), so a year reads twelve months of rows instead of 365 days."""

    __tablename__ = "kpi_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    department_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(16), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    numerator: Mapped[float] = mapped_column(Float)
    denominator: Mapped[int | None] = mapped_column(Integer)


class RollupState(db.Model):
    """The one row (id 1) saying which Shanghai days kpi_day holds (first_day..last_day, never
    today) and the day of the last nightly sweep; refreshes lock it, so two never interleave."""

    __tablename__ = "rollup_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    swept_on: Mapped[date | None] = mapped_column(Date)
    refreshed_at: Mapped[datetime | None] = mapped_column(DateTime)
