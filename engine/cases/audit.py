"""Appending to a case's audit trail: each event chained by hash to the case's previous one
(engine.models.audit_chain, docs/AUDIT.md)."""
from __future__ import annotations

from sqlalchemy import insert

from engine.db import db
from engine.models import CaseEvent
from engine.models.audit_chain import lock_cases, remember, stamp_events, start_chain


def record(case_id: int, *, actor_id: int | None, action: str, from_stage: str | None,
           to_stage: str | None, data: dict | None, now, locked: bool = False) -> None:
    """Append one audit event in the current transaction."""
    record_many([dict(case_id=case_id, actor_id=actor_id, action=action, from_stage=from_stage,
                      to_stage=to_stage, data=data or {}, created_at=now)], locked=locked)


def record_many(rows: list[dict], *, locked: bool = False) -> None:
    """Append several events with one statement (a Core INSERT: no ORM flush bookkeeping).

    Costs one SELECT of the cases' last hashes per transaction and case, none for a case this
    transaction opened (`new_case`) or appended to already. On PostgreSQL the cases' rows are
    locked first unless the caller holds them (`locked=True`: a case action), so that two
    transactions never chain onto the same head."""
    if rows:
        heads = stamp_events(db.session, rows, locked=locked)
        db.session.execute(insert(CaseEvent.__table__), rows)   # Core: no ORM bulk-insert bookkeeping
        remember(db.session, heads)


def new_case(case_id: int) -> None:
    """The case was inserted by this transaction: its chain starts here, nothing to read or lock."""
    start_chain(db.session, case_id)


def lock(case_id: int) -> None:
    """Take the case's row before other rows (PostgreSQL), for a writer outside a case action that
    will append to its trail: the same order as the case actions, so no deadlock."""
    lock_cases(db.session, [case_id])
