"""The Open311 intake queue: a POSTed request waits, validated, until the scheduler opens its case.

Exactly once: the request's row is locked while its case is opened (`SKIP LOCKED` on PostgreSQL,
so several schedulers share the queue without waiting on each other; SQLite has one writer), and
the row is marked `opened` with the case's id inside the case's own transaction
(open_case's before_commit). A crash before that commit leaves the request queued and no case; a
crash after it leaves the case and the row opened: nothing is lost or doubled either way.

A request the engine refuses (a matter retired between the POST and the opening, say) is kept
`failed` with the error, listed for the administrator, and can be put back in the queue; a
database error leaves it queued for the next round.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import DBAPIError

from engine import cases
from engine.channels.intake import open_from_channel
from engine.db import db
from engine.errors import DomainError
from engine.models import ChannelClient, Open311Request
from engine.ports import now as clock_now

QUEUED, OPENED, FAILED = "queued", "opened", "failed"
BATCH = 50                  # rows read per round: each is then locked and opened on its own
ROUND_LIMIT = 2000          # requests one scheduler tick opens at most before yielding
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class QueueState:
    queued: int
    failed: int
    oldest_queued_at: datetime | None


def open_queued(limit: int = ROUND_LIMIT) -> int:
    """Open the cases of the waiting requests, oldest first; how many were opened."""
    opened = 0
    seen: set[int] = set()
    while opened < limit:
        ids = [i for i in db.session.scalars(select(Open311Request.id).where(Open311Request.state == QUEUED)
                                             .order_by(Open311Request.id).limit(BATCH)) if i not in seen]
        db.session.rollback()           # a read snapshot must not outlive the round
        if not ids:
            break
        seen.update(ids)
        opened += sum(_open_one(request_id) for request_id in ids)
    return opened


def _open_one(request_id: int) -> int:
    """1 when this call opened the request's case; 0 when another scheduler has it or it failed."""
    row = db.session.scalars(select(Open311Request).where(Open311Request.id == request_id,
                                                          Open311Request.state == QUEUED)
                             .with_for_update(skip_locked=True)).first()
    if row is None:
        db.session.rollback()
        return 0
    channel = db.session.scalar(select(ChannelClient.channel).where(ChannelClient.id == row.client_id))
    intake = dict(row.intake or {})
    try:
        open_from_channel(channel, intake.get("fields", {}), before_commit=lambda case: _link(row, case, intake))
    except DBAPIError:
        db.session.rollback()
        raise                           # the database's trouble, not the request's: it stays queued
    except DomainError as exc:
        db.session.rollback()
        return _failed(request_id, _reason(exc))
    except Exception as exc:            # noqa: BLE001 (a bug must not block the queue behind one request)
        db.session.rollback()
        log.exception("open311 request %s could not be opened", request_id)
        return _failed(request_id, f"{type(exc).__name__}: {exc}")
    return 1


def _reason(exc: DomainError) -> str:
    """The error as the administrator reads it: its code and, for a refusal, each field's message."""
    fields = getattr(exc, "errors", None) or {}
    detail = "; ".join(f"{name}: {', '.join(map(str, problems))}" for name, problems in fields.items())
    return f"{exc.code}: {detail or exc.message}"


def _link(row: Open311Request, case, intake: dict) -> None:
    """In the case's transaction: the request is opened as this case, with its event."""
    now = clock_now()
    row.case_id, row.state, row.opened_at, row.intake = case.id, OPENED, now, None
    cases.record_events([dict(case_id=case.id, actor_id=None, action="open311_received", from_stage=case.stage,
                              to_stage=case.stage, created_at=now, data=intake.get("event", {}))])


def _failed(request_id: int, error: str) -> int:
    """Keep the request, failed with its error, unless its case was opened after all (an error
    after the case's commit, in the duplicate check, leaves the request opened)."""
    db.session.execute(update(Open311Request).where(Open311Request.id == request_id, Open311Request.state == QUEUED)
                       .values(state=FAILED, error=error[:2000]))
    db.session.commit()
    return 0


def state() -> QueueState:
    """How many requests wait and how many failed, and since when the oldest waits."""
    counts = dict(db.session.execute(select(Open311Request.state, func.count())
                                     .where(Open311Request.state.in_((QUEUED, FAILED)))
                                     .group_by(Open311Request.state)).all())
    oldest = db.session.scalar(select(func.min(Open311Request.created_at)).where(Open311Request.state == QUEUED))
    return QueueState(counts.get(QUEUED, 0), counts.get(FAILED, 0), oldest)


def failed(limit: int = 100) -> list[Open311Request]:
    """The failed requests, newest first (for the administrator)."""
    return list(db.session.scalars(select(Open311Request).where(Open311Request.state == FAILED)
                                   .order_by(Open311Request.id.desc()).limit(limit)))


def requeue(request_id: int) -> bool:
    """Put a failed request back in the queue (after its cause was mended); False if it is not failed."""
    done = db.session.execute(update(Open311Request).where(Open311Request.id == request_id,
                                                           Open311Request.state == FAILED)
                              .values(state=QUEUED, error="")).rowcount
    db.session.commit()
    return bool(done)
