"""Deadlines per case, stage and department, with their colour; overtime reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

STAGES = ("sign_for", "handling")
STATES = ("open", "paused", "met", "missed", "natural", "cancelled")
COLOURS = ("green", "yellow", "red")


class Deadline(db.Model):
    """One statutory limit: the lead's sign-for, or a department's handling in one round.

    Read by the scheduler's set-based recolouring and by lists; written only in the action's
    transaction (engine.deadlines.service). `notified_colour` is the colour whose reminders were
    sent: a transition is reminded once, in the transaction that records it.
    """

    __tablename__ = "deadline"
    __table_args__ = (
        Index("ix_deadline_state_due", "state", "due_at"),
        Index("ix_deadline_case", "case_id", "state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    stage: Mapped[str] = mapped_column(String(16))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    role: Mapped[str] = mapped_column(String(8))            # lead | co
    round: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[datetime] = mapped_column(DateTime)
    working_days: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    warn_at: Mapped[datetime] = mapped_column(DateTime)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    colour: Mapped[str] = mapped_column(String(8), default="green")
    state: Mapped[str] = mapped_column(String(12), default="open")
    paused_at: Mapped[datetime | None] = mapped_column(DateTime)
    paused_days: Mapped[int] = mapped_column(Integer, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    notified_colour: Mapped[str | None] = mapped_column(String(8))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)


class OvertimeReport(db.Model):
    """超时办结情况报告: why an overdue case is late and what was done; needed before its reply."""

    __tablename__ = "overtime_report"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadline.id"))
    reason: Mapped[str] = mapped_column(Text)
    measures: Mapped[str] = mapped_column(Text)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
