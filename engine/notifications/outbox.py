"""The SMS outbox: queue messages in the caller's transaction, deliver them with retries.

Every message is a `notification` row first. `enqueue` never sends; `deliver_due` (run by the
scheduler) sends what is due through an `engine.ports.SmsGateway` and records the outcome.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import DateTime, Integer, String, bindparam, func, insert as sa_insert, literal, select, update

from engine.db import db, dialect_insert
from engine.errors import NotFound, WrongState
from engine.models import Case, Notification, User
from engine.organisation import Actor, roles as R
from engine.paging import Page
from engine.ports import SmsError, SmsGateway, mask_phone, now as clock_now
from forms.messages import msg

log = logging.getLogger(__name__)

DEFAULT_SIGNATURE = "【12345】"
# Wait before attempt n+1 after n failures; the sixth failure is final.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
           timedelta(hours=2))
MAX_ATTEMPTS = 6
# A claimed row is hidden from other deliverers this long; if the deliverer dies between
# claiming and recording, the message is tried again after it (at least once, never lost).
CLAIM_LEASE = timedelta(minutes=5)
DUE_STATUSES = ("pending", "retrying")
VIEW_ROLES = (R.ADMIN, R.SHIFT_LEAD)

_settings = {"signature": DEFAULT_SIGNATURE}


def configure(*, signature: str) -> None:
    """Set the SMS signature (from the app's SMS_SIGNATURE) prefixed to every queued text."""
    _settings["signature"] = signature


def signature() -> str:
    return _settings["signature"]


def enqueue(*, kind: str, recipient: str, body: str, dedupe_key: str, case_id: int | None = None,
            user_id: int | None = None, now: datetime | None = None) -> bool:
    """Queue one message in the current transaction (no commit); False if the key was queued before."""
    at = now or clock_now()
    return db.session.execute(_enqueue(db.session.get_bind().dialect.name), {
        "kind": kind, "recipient": recipient, "body": body, "dedupe_key": dedupe_key, "case_id": case_id,
        "user_id": user_id, "at": at}).scalar() is not None


@lru_cache(maxsize=4)
def _enqueue(dialect: str):
    """enqueue's INSERT, built once per dialect. ON CONFLICT DO NOTHING rather than
    check-then-insert: two racing schedulers both try, the unique key lets exactly one row in and
    the loser waits for it instead of failing. The parameters take their columns' types."""
    return (dialect_insert(dialect)(Notification.__table__)
            .values(channel="sms", kind=bindparam("kind"), recipient=bindparam("recipient"), body=bindparam("body"),
                    dedupe_key=bindparam("dedupe_key"), case_id=bindparam("case_id"), user_id=bindparam("user_id"),
                    status="pending", attempts=0, next_attempt_at=bindparam("at"), created_at=bindparam("at"))
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(Notification.__table__.c.id))


def enqueue_to_user(*, kind: str, user_id: int, body: str, dedupe_key: str, case_id: int | None = None,
                    now: datetime | None = None) -> None:
    """Queue one message to a staff member's phone in the statement that reads the phone (INSERT …
    SELECT: a case action's notice costs one round trip, not two). Nothing is queued for an inactive
    user, a user without a phone, or a key queued before."""
    at = now or clock_now()
    db.session.execute(_to_user(db.session.get_bind().dialect.name), {
        "kind": kind, "body": body, "dedupe_key": dedupe_key, "case_id": case_id, "user_id": user_id, "at": at})


@lru_cache(maxsize=4)
def _to_user(dialect: str):
    """The INSERT … SELECT of enqueue_to_user, built once per dialect (building it per call costs
    more than the round trip it saves)."""
    source = select(literal("sms"), bindparam("kind", type_=String), User.phone, User.id,
                    bindparam("case_id", type_=Integer), bindparam("body", type_=String),
                    bindparam("dedupe_key", type_=String), literal("pending"), literal(0),
                    bindparam("at", type_=DateTime), bindparam("at", type_=DateTime)).where(
        User.id == bindparam("user_id"), User.active.is_(True), User.phone.is_not(None), User.phone != "")
    columns = ["channel", "kind", "recipient", "user_id", "case_id", "body", "dedupe_key", "status", "attempts",
               "next_attempt_at", "created_at"]
    return (dialect_insert(dialect)(Notification.__table__).from_select(columns, source)
            .on_conflict_do_nothing(index_elements=["dedupe_key"]))


def receipt_text(case: Case) -> str:
    """The citizen's receipt: case number and the query code for the public status lookup."""
    return (f"{_settings['signature']}您反映的诉求已受理，工单编号{case.case_no}，查询码{case.query_code}，"
            "可凭查询码和手机号查询办理进度。")


def queue_receipt(case: Case) -> bool:
    """Queue the receipt SMS of a newly opened case (flushed, not yet committed).

    A plain INSERT with separate parameters (a cached statement): a case that was just created
    cannot have a receipt yet, so no conflict handling and no RETURNING are needed.
    """
    if not (case.phone or "").strip():
        return False        # a mail without a phone: nobody to text (its sender is kept on the mail record)
    at = case.created_at
    db.session.execute(sa_insert(Notification.__table__), [dict(
        channel="sms", kind="receipt", recipient=case.phone, body=receipt_text(case),
        dedupe_key=f"receipt:{case.id}", case_id=case.id, user_id=None, status="pending", attempts=0,
        next_attempt_at=at, created_at=at)])
    return True


REPLY_SMS_CHARS = 200      # of the reply itself: a long SMS is several billed parts


def deliver_due(*, gateway: SmsGateway, now: datetime | None = None, limit: int = 100) -> dict[str, int]:
    """Send up to `limit` due messages, oldest first; returns counts {sent, retrying, dead}.

    One message at a time: claim (commit), send with no transaction open, record (commit). No
    database lock is held while the gateway talks, and a crash never marks an unsent row sent. A
    crash between send and record sends again after the claim's lease, under the same key.
    """
    counts = {"sent": 0, "retrying": 0, "dead": 0}
    for _ in range(limit):
        row = _claim(now or clock_now())
        if row is None:
            break
        try:
            provider_id, error = gateway.send(row.recipient, row.body, key=delivery_key(row.id)), None
        except SmsError as exc:
            provider_id, error = None, exc
        except Exception as exc:   # a broken gateway must not stall the queue: retry later
            log.exception("SMS gateway failed on notification %s", row.id)
            provider_id, error = None, SmsError(f"{type(exc).__name__}: {exc}", retryable=True)
        counts[_record(row, now or clock_now(), provider_id, error)] += 1
    return counts


def delivery_key(notification_id: int) -> str:
    """The message's key at the gateway, the same on every attempt (SmsGateway.send)."""
    return f"notification-{notification_id}"


def _claim(at: datetime) -> Notification | None:
    """Take the oldest due row for this deliverer and push it out of everyone else's sight."""
    due = (select(Notification.id)
           .where(Notification.status.in_(DUE_STATUSES), Notification.next_attempt_at <= at)
           .order_by(Notification.next_attempt_at, Notification.id).limit(1)
           .with_for_update(skip_locked=True))   # PostgreSQL: a racing deliverer takes the next row
    try:
        claimed = db.session.execute(
            update(Notification).where(Notification.id == due.scalar_subquery())
            .values(next_attempt_at=at + CLAIM_LEASE).returning(Notification.id)
            .execution_options(synchronize_session=False)).scalar()
        row = db.session.get(Notification, claimed, populate_existing=True) if claimed else None
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return row


def _record(row: Notification, at: datetime, provider_id: str | None, error: SmsError | None) -> str:
    """Write the outcome of one attempt; returns the row's new status."""
    row.attempts += 1
    if error is None:
        row.status, row.sent_at, row.provider_id = "sent", at, provider_id
    else:
        row.last_error = error.message[:2000]
        if error.retryable and row.attempts < MAX_ATTEMPTS:
            row.status, row.next_attempt_at = "retrying", at + BACKOFF[row.attempts - 1]
        else:
            row.status = "dead"
            log.warning("SMS notification %s is dead after %s attempts: %s", row.id, row.attempts,
                        error.message)
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return row.status


@dataclass(frozen=True)
class NotificationView:
    """A notification as staff see it: the phone masked, the query code blanked out."""

    id: int
    channel: str
    kind: str
    recipient: str
    user_id: int | None
    case_id: int | None
    body: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    provider_id: str | None
    created_at: datetime
    sent_at: datetime | None


def _view(row: Notification, query_code: str | None) -> NotificationView:
    # The query code plus the phone is the citizen's key to their case: staff lists need neither.
    body = row.body.replace(query_code, "*" * len(query_code)) if query_code else row.body
    return NotificationView(
        id=row.id, channel=row.channel, kind=row.kind, recipient=mask_phone(row.recipient),
        user_id=row.user_id, case_id=row.case_id, body=body, status=row.status, attempts=row.attempts,
        next_attempt_at=row.next_attempt_at, last_error=row.last_error, provider_id=row.provider_id,
        created_at=row.created_at, sent_at=row.sent_at)


def list_notifications(*, actor: Actor, status: str | None = None, kind: str | None = None,
                       case_id: int | None = None, page: int = 1, page_size: int = 50) -> Page:
    """A page of outbox rows, newest first (admin and shift lead)."""
    actor.require(*VIEW_ROLES)
    filters = [column == value for column, value in
               ((Notification.status, status), (Notification.kind, kind), (Notification.case_id, case_id))
               if value not in (None, "")]
    total = db.session.execute(select(func.count()).select_from(Notification).where(*filters)).scalar()
    rows = db.session.execute(
        select(Notification, Case.query_code).outerjoin(Case, Case.id == Notification.case_id)
        .where(*filters).order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=[_view(n, code) for n, code in rows], total=total, page=page, page_size=page_size)


def retry(*, actor: Actor, notification_id: int) -> NotificationView:
    """Put a dead message back in the queue, due now, with a fresh set of attempts (admin)."""
    actor.require(R.ADMIN)
    try:
        row = db.session.execute(select(Notification).where(Notification.id == notification_id)
                                 .with_for_update().execution_options(populate_existing=True)).scalar()
        if row is None:
            raise NotFound(msg("notification_not_found", "notification %(id)s not found", id=notification_id))
        if row.status != "dead":
            raise WrongState(msg("notification_not_dead", "only a dead notification can be retried; this one is %(status)s", status=row.status))
        row.status, row.attempts, row.next_attempt_at = "pending", 0, clock_now()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    log.info("notification %s requeued by %s", row.id, actor.username)
    return _view(row, _query_code(row.case_id))


def _query_code(case_id: int | None) -> str | None:
    if case_id is None:
        return None
    return db.session.execute(select(Case.query_code).where(Case.id == case_id)).scalar()
