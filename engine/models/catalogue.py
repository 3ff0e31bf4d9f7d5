"""The dispatch catalogue (派单目录): which department handles which kind of request."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow


class DispatchRule(db.Model):
    """Category (+ optional keyword in title or content) → lead and co-departments to propose.

    Admins edit the catalogue; the dispatcher sees its proposal and decides. A higher priority
    wins when several rules match.
    """

    __tablename__ = "dispatch_rule"
    __table_args__ = (Index("ix_dispatch_rule_category_active", "category", "active"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(16))
    keyword: Mapped[str] = mapped_column(String(50), default="")
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    co_department_ids: Mapped[list] = mapped_column(Json, default=list)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
