"""Statistics: the custom reports people saved under a name for their role (自定义报表)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
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
