"""Call records: written once per call by the telephony worker, counted by outcome.

`record` is idempotent by call id (INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite):
a call reported twice — a replayed event after a reconnect, a CDR for a call the worker also
saw live, two workers — keeps its first row and the second report returns False.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from engine.db import db
from engine.models import CallRecord
from engine.models.call import OUTCOMES
from engine.ports import now as clock_now

FIELDS = ("caller", "queue", "agent", "arrived_at", "ivr_at", "queued_at", "offered_at", "answered_at",
          "ended_at", "recording_path", "outcome", "callback_requested", "callback_number", "case_id")


def record(*, call: dict, commit: bool = True) -> bool:
    """Store one decided call (`call_id` and `outcome` required); False if it was recorded before."""
    if not call.get("call_id") or call.get("outcome") not in OUTCOMES:
        raise ValueError(f"a call record needs a call_id and an outcome in {OUTCOMES}")
    at = clock_now()
    values = {k: call.get(k) for k in FIELDS}
    values["callback_requested"] = bool(values["callback_requested"])
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (insert(CallRecord)
            .values(call_id=str(call["call_id"]), created_at=at, updated_at=at, **values)
            .on_conflict_do_nothing(index_elements=[CallRecord.call_id])
            .returning(CallRecord.id))
    new = db.session.execute(stmt).scalar() is not None
    if commit:
        db.session.commit()
    return new


def summary(since: datetime | None = None, call_ids: list[str] | None = None) -> dict[str, int]:
    """Calls per outcome (every outcome present, zero if none), arrived since `since` / among `call_ids`."""
    query = select(CallRecord.outcome, func.count()).group_by(CallRecord.outcome)
    if since is not None:
        query = query.where(CallRecord.arrived_at >= since)
    if call_ids is not None:
        query = query.where(CallRecord.call_id.in_(call_ids))
    counts = dict.fromkeys(OUTCOMES, 0)
    counts.update({outcome: n for outcome, n in db.session.execute(query)})
    return counts


def get(call_id: str) -> CallRecord | None:
    """The record of one call, if any."""
    return db.session.execute(select(CallRecord).where(CallRecord.call_id == call_id)).scalar_one_or_none()
