"""Inbound SMS: a citizen's text to the service number, delivered by the carrier's webhook.

A message from a number with an open case joins that case's timeline (a `citizen_message` event:
the citizen adds to what they asked); from any other number it starts a case in triage, whose
receipt and replies go back through the SMS outbox. Every message is kept (`inbound_sms`) once per
carrier id: the carrier re-sending it gets the first answer again and nothing happens twice.

The carrier signs the raw body with HMAC-SHA256 (the web checks it before anything here runs);
`received_at` is inside the signed body, so an old message cannot be replayed with a new time.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from engine.cases import normalize_phone
from engine.channels.intake import open_from_channel
from engine.channels.verification import PHONE_PATTERN
from engine.db import db, naive_utc
from engine.errors import ValidationFailed
from engine.models import Case, CaseEvent, InboundSms
from engine.organisation import Actor, roles as R
from engine.paging import Page
from engine.ports import mask_phone, now as clock_now
from forms.messages import msg

REPLAY_WINDOW = timedelta(minutes=5)
MAX_TEXT = 2000               # a long SMS is a few hundred characters; more is not an SMS
TITLE_CHARS = 20
SENDER_NAME = "短信市民"       # the carrier tells the number, not the name
DEFAULT_CATEGORY = "consult"  # triage reads the text and corrects it
EVENT = "citizen_message"
VIEW_ROLES = (R.ADMIN, R.SHIFT_LEAD, R.DISPATCHER)


@dataclass(frozen=True)
class Message:
    id: str
    sender: str
    recipient: str
    text: str
    received_at: datetime     # naive UTC


def signature_valid(secret: str, body: bytes, signature: str | None) -> bool:
    """Whether `signature` (hex) is HMAC-SHA256(secret, body); an empty secret accepts nothing."""
    if not secret or not signature:
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


def sign(secret: str, body: bytes) -> str:
    """The signature a sender puts in X-Signature (for the carrier's side, tests and the docs)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def parse(payload: object) -> Message:
    """The message of a webhook body, or ValidationFailed naming each bad field."""
    if not isinstance(payload, dict):
        raise ValidationFailed({"body": [msg("json_object", "must be a JSON object")]})
    errors: dict[str, list[str]] = {}

    def text(name: str, limit: int, required: bool = True) -> str:
        value = payload.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                errors[name] = [msg("required", "required")]
            return ""
        if not isinstance(value, str):
            errors[name] = [msg("must_be_string", "must be a string")]
            return ""
        if len(value) > limit or "\x00" in value:
            errors[name] = [msg("max_length", "at most %(max)s characters", max=limit)]
        return value.strip()

    message_id, sender, recipient = text("id", 100), text("from", 32), text("to", 32, required=False)
    body = text("text", MAX_TEXT)
    if sender and not PHONE_PATTERN.fullmatch(normalize_phone(sender)):
        errors["from"] = [msg("phone_invalid", "enter a valid phone number")]
    received = _moment(text("received_at", 40), errors)
    if errors:
        raise ValidationFailed(errors)
    return Message(message_id, normalize_phone(sender), recipient, body, received)


def _moment(value: str, errors: dict) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        errors["received_at"] = [msg("iso_datetime", "must be an ISO 8601 date and time with its offset")]
        return None
    if moment.tzinfo is None:
        errors["received_at"] = [msg("iso_datetime", "must be an ISO 8601 date and time with its offset")]
        return None
    return naive_utc(moment)


def receive(payload: object, *, now: datetime | None = None) -> dict:
    """Take one message: the answer for the carrier ({message_id, result, case_no}); the same
    answer, with no second effect, for a message id taken before. ValidationFailed names the field
    (also `received_at` outside the window of 5 minutes around now)."""
    at = now or clock_now()
    message = parse(payload)
    earlier = _answer_of(message.id)
    if earlier is not None:
        return earlier
    if abs(at - message.received_at) > REPLAY_WINDOW:
        raise ValidationFailed({"received_at": [msg("outside_window", "more than %(min)s minutes from the "
                                                                      "server's clock", min=REPLAY_WINDOW.seconds // 60)]})
    try:
        return _take(message, at)
    except IntegrityError:
        db.session.rollback()
        if not _taken(message.id):
            raise
        # the same message id, taken by a parallel delivery meanwhile (its answer may be a moment away)
        return _answer_of(message.id) or {"message_id": message.id, "result": "pending", "case_no": None}


def _taken(message_id: str) -> bool:
    return db.session.execute(select(InboundSms.id).where(InboundSms.message_id == message_id)).scalar() is not None


def _answer_of(message_id: str) -> dict | None:
    row = db.session.execute(select(InboundSms).where(InboundSms.message_id == message_id)).scalar()
    return dict(row.answer) if row is not None and row.answer else None


def _take(message: Message, at: datetime) -> dict:
    """Append to the sender's open case, or open one; the message's row is in the same transaction."""
    case = open_case_of(message.sender)
    row = InboundSms(message_id=message.id, sender=message.sender, recipient=message.recipient, text=message.text,
                     received_at=message.received_at, created_at=at, answer={})
    if case is not None:
        event = CaseEvent(case_id=case.id, actor_id=None, action=EVENT, from_stage=case.stage, to_stage=case.stage,
                          data={"text": message.text, "message_id": message.id, "channel": "sms"}, created_at=at)
        try:
            db.session.add(event)
            db.session.flush()
            row.result, row.case_id, row.event_id = "appended", case.id, event.id
            row.answer = {"message_id": message.id, "result": "appended", "case_no": case.case_no}
            db.session.add(row)
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise
        return dict(row.answer)
    return _open(message, row)


def _open(message: Message, row: InboundSms) -> dict:
    """A new case in triage. The message's row is flushed first, inside the intake's transaction:
    a parallel delivery of the same id meets the unique key and registers nothing."""
    row.result = "opened"
    db.session.add(row)
    db.session.flush()
    try:
        case = open_from_channel("sms", {
            "category": DEFAULT_CATEGORY, "citizen_name": SENDER_NAME, "phone": message.sender,
            "title": _title(message.text), "content": message.text, "wants_sms_reply": True})
    except BaseException:
        db.session.rollback()
        raise
    row.case_id = case.id
    row.answer = {"message_id": message.id, "result": "opened", "case_no": case.case_no}
    db.session.commit()
    return dict(row.answer)


def open_case_of(phone: str) -> Case | None:
    """The sender's most recent case still open (not closed, not merged into another)."""
    return db.session.execute(select(Case).where(Case.phone == normalize_phone(phone), Case.status != "closed",
                                                 Case.merged_into_id.is_(None))
                              .order_by(Case.created_at.desc(), Case.id.desc()).limit(1)).scalar()


def _title(text: str) -> str:
    one_line = " ".join(text.split())
    return one_line if len(one_line) <= TITLE_CHARS else one_line[:TITLE_CHARS] + "…"


@dataclass(frozen=True)
class InboundView:
    """A kept message as staff list it: the sender masked."""

    id: int
    message_id: str
    sender: str
    text: str
    received_at: datetime
    result: str
    case_id: int | None
    case_no: str | None
    event_id: int | None


def list_messages(*, actor: Actor, page: int = 1, page_size: int = 50) -> Page:
    """The inbound messages, newest first (the center's desk roles and the admin)."""
    actor.require(*VIEW_ROLES)
    total = db.session.execute(select(func.count()).select_from(InboundSms)).scalar()
    rows = db.session.execute(select(InboundSms, Case.case_no).outerjoin(Case, Case.id == InboundSms.case_id)
                              .order_by(InboundSms.created_at.desc(), InboundSms.id.desc())
                              .limit(page_size).offset((page - 1) * page_size)).all()
    items = [InboundView(r.id, r.message_id, mask_phone(r.sender), r.text, r.received_at, r.result, r.case_id, no,
                         r.event_id) for r, no in rows]
    return Page(items=items, total=total, page=page, page_size=page_size)
