"""Call records: written once per call by the telephony worker, counted by outcome.

`record` is idempotent by call id (INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite):
a call reported twice — a replayed event after a reconnect, a CDR for a call the worker also
saw live, two workers — keeps its first row and the second report returns False.
"""
from __future__ import annotations

import functools
import logging
from datetime import datetime

from sqlalchemy import func, select

from engine.db import db, dialect_insert
from engine.models import CallRecord, Case
from engine.models.call import OUTCOMES
from engine.ports import now as clock_now
from engine.telephony.call_center import OUTBOUND_QUEUE

log = logging.getLogger(__name__)

FIELDS = ("caller", "queue", "agent", "arrived_at", "ivr_at", "queued_at", "offered_at", "answered_at",
          "ended_at", "recording_path", "outcome", "callback_requested", "callback_number", "case_id",
          "voicemail_path", "switch_id", "direction")


_LENGTHS = {"caller": 64, "queue": 64, "agent": 64, "recording_path": 255, "callback_number": 64,
            "voicemail_path": 255, "switch_id": 64}


def record(*, call: dict, commit: bool = True) -> bool:
    """Store one decided call (`call_id` and `outcome` required); False if it was recorded before.

    The record links to the case an agent registered during the call; a dissuaded call with a
    callback request opens the callback list entry; a voicemail becomes a case (new rows only).
    """
    new = record_many([call])[0]
    if commit:
        db.session.commit()
    return new


def record_many(calls: list[dict]) -> list[bool]:
    """Store decided calls with one INSERT … ON CONFLICT DO NOTHING for all of them (the telephony
    worker's pass, engine.telephony.passes.write_pass); whether each is new, in order. No commit.

    Raises ValueError before writing anything if a call lacks its id or outcome.
    """
    at = clock_now()
    rows = [_values(call, at) for call in calls]
    linked = _cases_of([row["call_id"] for row in rows if not row["case_id"]])
    for row in rows:
        row["case_id"] = row["case_id"] or linked.get(row["call_id"])
        # a message waits in the voicemail queue until an agent has listened (engine.telephony.voicemail)
        row["voicemail_status"] = ("registered" if row["case_id"] else "open") if row["voicemail_path"] else None
    # one executemany: SQLAlchemy sends it as multi-row INSERTs ("insertmanyvalues"), compiled once
    result = db.session.connection().execute(_insert_new(db.session.get_bind().dialect.name), rows)
    inserted = set(result.scalars())
    new = []
    for row in rows:     # a call twice in one pass is new once
        new.append(row["call_id"] in inserted)
        inserted.discard(row["call_id"])
    return new


@functools.cache
def _insert_new(dialect: str):
    """INSERT … ON CONFLICT (call_id) DO NOTHING RETURNING call_id: the calls that were new."""
    return (dialect_insert(dialect)(CallRecord.__table__)
            .on_conflict_do_nothing(index_elements=[CallRecord.call_id]).returning(CallRecord.call_id))


def _values(call: dict, at: datetime) -> dict:
    """One call's row, its switch-given strings fitted to their columns."""
    if not call.get("call_id") or call.get("outcome") not in OUTCOMES:
        raise ValueError(f"a call record needs a call_id and an outcome in {OUTCOMES}")
    values = {k: call.get(k) for k in FIELDS}
    for name, size in _LENGTHS.items():   # the switch's strings are not ours to trust: fit them
        if isinstance(values[name], str):
            values[name] = values[name][:size]
    values["callback_requested"] = bool(values["callback_requested"])
    if values["direction"] not in ("inbound", "outbound"):
        values["direction"] = "outbound" if values["queue"] == OUTBOUND_QUEUE else "inbound"
    values["callback_status"] = "open" if values["callback_requested"] else None
    return dict(values, call_id=str(call["call_id"])[:64], created_at=at, updated_at=at)


def _cases_of(call_ids: list[str]) -> dict[str, int]:
    """The case registered from each call, if any (the first, if an agent registered two)."""
    if not call_ids:
        return {}
    query = select(Case.call_id, func.min(Case.id)).where(Case.call_id.in_(call_ids)).group_by(Case.call_id)
    return {call_id: case_id for call_id, case_id in db.session.execute(query)}


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
