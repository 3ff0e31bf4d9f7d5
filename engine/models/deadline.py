"""Deadlines per case, stage and department, with their colour; overtime reports."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

STAGES = ("sign_for", "handling")
STATES = ("open", "paused", "met", "missed", "natural", "cancelled")
COLOURS = ("green", "yellow", "red")
# Article 7 of the time-limit rules: a limit counts as missed, whatever the due date says, when
# the extension was asked after it, the citizen was told of the extension after it, or the
# decision reached the citizen more than one working day after it was made.
OVERTIME_CAUSES = ("extension_asked_late", "extension_told_late", "delivered_late")
# Article 8: the four reasons on the citizen's side that allow a natural completion (自然办结).
NATURAL_REASONS = ("no_materials", "no_fees", "no_inspection", "citizen_other")

DISPATCHED = "stage = 'sign_for' AND role = 'lead'"
DISPATCHED_AGAIN = "stage = 'sign_for' AND role = 'lead' AND round > 1"
HANDLED_AGAIN = "stage = 'handling' AND role = 'lead' AND round > 1"
OPEN = "state = 'open'"


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
        # statistics: limits closed in a period, read from the index alone on PostgreSQL (migration 0028)
        Index("ix_deadline_stage_completed", "stage", "completed_at",
              postgresql_include=["role", "state", "case_id", "department_id"]),
        # statistics: the few cases dispatched or handled again (round > 1), so 退回率 and 延期率
        # group only those to count each case once (migration 0028)
        # statistics: every dispatch (the lead's sign-for limit it opened) with its department, so
        # 退回率 reads a year of dispatches from the index alone (migration 0032)
        Index("ix_deadline_dispatched", "started_at", postgresql_include=["case_id", "department_id", "round"],
              postgresql_where=text(DISPATCHED), sqlite_where=text(DISPATCHED)),
        Index("ix_deadline_dispatched_again", "started_at", "case_id", postgresql_where=text(DISPATCHED_AGAIN),
              sqlite_where=text(DISPATCHED_AGAIN)),
        Index("ix_deadline_handled_again", "completed_at", "case_id", postgresql_where=text(HANDLED_AGAIN),
              sqlite_where=text(HANDLED_AGAIN)),
        # recolouring: the few open limits whose stored colour is stale, found by colour and the
        # crossed date instead of reading every open limit (engine.deadlines.colours; migration 0042)
        Index("ix_deadline_open_colour_due", "colour", "due_at", postgresql_where=text(OPEN), sqlite_where=text(OPEN)),
        Index("ix_deadline_open_colour_warn", "colour", "warn_at", postgresql_where=text(OPEN),
              sqlite_where=text(OPEN)),
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
    # Set when Article 7 makes this limit overtime (OVERTIME_CAUSES): closing it records `missed`.
    overtime_cause: Mapped[str | None] = mapped_column(String(24))


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


class NaturalCompletion(db.Model):
    """自然办结: declared by the lead department within its window (the working day before the due
    date or on it), reported to the center director, who files it (备案)."""

    __tablename__ = "natural_completion"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadline.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    reason: Mapped[str] = mapped_column(String(16))          # NATURAL_REASONS
    notice: Mapped[str] = mapped_column(Text)                 # what the 办结通知书 tells the citizen
    due_at: Mapped[datetime] = mapped_column(DateTime)        # the limit it was declared against
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    declared_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    filed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    filed_at: Mapped[datetime | None] = mapped_column(DateTime)
    filed_note: Mapped[str] = mapped_column(Text, default="")
