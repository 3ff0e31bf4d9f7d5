"""Idempotency keys of intake: a client that lost the answer to its POST sends it again with the
same key and gets the case it already opened, never a second one (engine.cases.intake_keys)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow


class IntakeKey(db.Model):
    """One client key per user, written in the case's own transaction (both stand or neither)."""

    __tablename__ = "intake_key"
    __table_args__ = (UniqueConstraint("user_id", "key", name="uq_intake_key_user_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
