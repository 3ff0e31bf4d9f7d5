"""Call records: written once per call by the telephony worker, counted by outcome.

`record` is idempotent by call id (INSERT … ON CONFLICT DO NOTHING on PostgreSQL and SQLite):
a call reported twice — a replayed event after a reconnect, a CDR for a call the worker also
saw live, two workers — keeps its first row and the second report returns False.
"""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import func, select

from engine.db import db, dialect_insert
from engine.models import CallRecord
from engine.models.call import OUTCOMES
from engine.ports import now as clock_now
from engine.telephony import live as call_live
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
    if not call.get("call_id") or call.get("outcome") not in OUTCOMES:
        raise ValueError(f"a call record needs a call_id and an outcome in {OUTCOMES}")
    at = clock_now()
    values = {k: call.get(k) for k in FIELDS}
    for name, size in _LENGTHS.items():   # the switch's strings are not ours to trust: fit them
        if isinstance(values[name], str):
            values[name] = values[name][:size]
    values["callback_requested"] = bool(values["callback_requested"])
    if values["direction"] not in ("inbound", "outbound"):
        values["direction"] = "outbound" if values["queue"] == OUTBOUND_QUEUE else "inbound"
    values["callback_status"] = "open" if values["callback_requested"] else None
    values["case_id"] = values["case_id"] or call_live.case_for_call(str(call["call_id"]))
    # a message waits in the voicemail queue until an agent has listened (engine.telephony.voicemail)
    values["voicemail_status"] = ("registered" if values["case_id"] else "open") if values["voicemail_path"] else None
    insert = dialect_insert()
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
