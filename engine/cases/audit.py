"""Appending to a case's audit trail."""
from __future__ import annotations

from sqlalchemy import insert

from engine.db import db
from engine.models import CaseEvent


def record(case_id: int, *, actor_id: int | None, action: str, from_stage: str | None,
           to_stage: str | None, data: dict | None, now) -> None:
    """Append one audit event in the current transaction."""
    record_many([dict(case_id=case_id, actor_id=actor_id, action=action, from_stage=from_stage,
                      to_stage=to_stage, data=data or {}, created_at=now)])


def record_many(rows: list[dict]) -> None:
    """Append several events with one statement (plain INSERT: no ORM flush bookkeeping)."""
    if rows:
        db.session.execute(insert(CaseEvent), rows)
