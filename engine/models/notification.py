"""The notification outbox: every SMS is a row first, sent by the scheduler with retries."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

STATUSES = ("pending", "retrying", "sent", "dead")
KINDS = ("receipt", "reminder_yellow", "reminder_red", "digest", "escalation")


class Notification(db.Model):
    """One message to one recipient. `dedupe_key` is unique: the same reminder is never queued twice."""

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(8), default="sms")
    kind: Mapped[str] = mapped_column(String(24))
    recipient: Mapped[str] = mapped_column(String(32))          # phone number
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    body: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    provider_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
