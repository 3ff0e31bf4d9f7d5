"""Work items (待办): the projection of ready user tasks and open urges, read by inboxes."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

KINDS = ("task", "urge", "escalation")
STATES = ("open", "done", "cancelled")


class WorkItem(db.Model):
    """One row per ready user task (kind=task) or unanswered urge (kind=urge).

    Rows are never deleted: a completed item turns `done`, one the process moved past turns
    `cancelled`, so a second completion of the same item is a clear 409, not a 404.
    """

    __tablename__ = "work_item"
    __table_args__ = (
        Index("ix_work_item_inbox", "state", "department_id", "role", "created_at"),
        Index("ix_work_item_case_state", "case_id", "state"),
        Index("ix_work_item_claimed", "claimed_by_id", "state"),
        # Open items in inbox order: a department's page walks this and stops after 30 matches
        # instead of sorting every open item of the subtree (bench/inbox.py, docs/PERFORMANCE.md).
        Index("ix_work_item_state_created", "state", "created_at", "id"),
        # The combined query's "handled by" filters: one person's completed tasks, not every done item.
        Index("ix_work_item_completed_by", "completed_by_id", "form_key"),
        # The inbox's "mine" count (unclaimed or claimed by me) from the index alone (migration 0042).
        Index("ix_work_item_inbox_claimed", "state", "department_id", "role", "claimed_by_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    kind: Mapped[str] = mapped_column(String(16), default="task")
    task_id: Mapped[str | None] = mapped_column(String(36))  # SpiffWorkflow task UUID
    task_name: Mapped[str] = mapped_column(String(100))      # BPMN element id
    title: Mapped[str] = mapped_column(String(200))
    form_key: Mapped[str] = mapped_column(String(64))
    stage: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(32))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    state: Mapped[str] = mapped_column(String(12), default="open")
    urge_id: Mapped[int | None] = mapped_column(ForeignKey("urge.id"))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    warn_at: Mapped[datetime | None] = mapped_column(DateTime)   # colour is computed, see Case
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
