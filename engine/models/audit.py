"""The append-only audit trail of every case."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow

# A sign-for that returned the case, spelled as each database reads the JSON (the statistics' query
# must say the same for the planner to use the partial index).
RETURNED_PG = "action = 'sign_for' AND (data ->> 'decision') = 'return'"
RETURNED_SQLITE = "action = 'sign_for' AND JSON_EXTRACT(data, '$.\"decision\"') = 'return'"


class CaseEvent(db.Model):
    """Who did what to a case, when, and from which stage to which. Never updated or deleted."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_id_id", "case_id", "id"),
                      # statistics: the events of an action in a period, and their cases (migration 0022)
                      Index("ix_case_event_action_created", "action", "created_at", "case_id"),
                      # statistics: the returns (退回率), a few in a hundred sign-fors (migration 0028)
                      Index("ix_case_event_returned", "created_at", "case_id",
                            postgresql_where=text(RETURNED_PG), sqlite_where=text(RETURNED_SQLITE)))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    action: Mapped[str] = mapped_column(String(40))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str | None] = mapped_column(String(32))
    data: Mapped[dict] = mapped_column(Json, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # The case's hash chain (docs/AUDIT.md): the hash of the case's previous event, and SHA-256 of
    # this row's canonical JSON covering it. Written by engine.models.audit_chain, never by hand.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
