"""Appending to a case's audit trail."""
from __future__ import annotations

from engine.db import db
from engine.models import CaseEvent


def record(case_id: int, *, actor_id: int | None, action: str, from_stage: str | None,
           to_stage: str | None, data: dict | None, now) -> None:
    """Append one audit event in the current transaction."""
    db.session.add(CaseEvent(case_id=case_id, actor_id=actor_id, action=action,
                             from_stage=from_stage, to_stage=to_stage, data=data or {}, created_at=now))
