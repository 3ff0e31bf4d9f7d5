"""Business parameters (admin-edited, effective at once) and the audit of configuration changes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow


class Parameter(db.Model):
    """One parameter value; absent names fall back to engine.organisation.parameters.DEFAULTS."""

    __tablename__ = "parameter"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[object] = mapped_column(Json)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class ConfigChange(db.Model):
    """Who changed which calendar day, year status or parameter, from what to what. Append-only."""

    __tablename__ = "config_change"
    __table_args__ = (Index("ix_config_change_area_key", "area", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    area: Mapped[str] = mapped_column(String(16))       # calendar | calendar_year | parameter
    key: Mapped[str] = mapped_column(String(64))
    old: Mapped[object | None] = mapped_column(Json)
    new: Mapped[object | None] = mapped_column(Json)
    reason: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # One hash chain over the whole table (docs/AUDIT.md), stamped at flush by engine.models.audit_chain.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
