"""The citizens' web form and inbound SMS: phone verification codes, the form's submissions (the
abuse guard counts them) and every inbound text message with what became of it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow


class PhoneVerification(db.Model):
    """A 6-digit code sent by SMS to prove the citizen holds the phone. Only a salted hash is kept;
    it expires, allows a few wrong tries, and is used once."""

    __tablename__ = "phone_verification"
    __table_args__ = (Index("ix_phone_verification_phone_created", "phone", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(32))              # normalised (engine.cases.normalize_phone)
    salt: Mapped[str] = mapped_column(String(32))
    code_hash: Mapped[str] = mapped_column(String(64))          # sha256(salt | phone | code), hex
    client_ip: Mapped[str] = mapped_column(String(64), default="")
    attempts: Mapped[int] = mapped_column(Integer, default=0)   # wrong codes tried
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    used_at: Mapped[datetime | None] = mapped_column(DateTime)


class WebSubmission(db.Model):
    """One accepted or honeypot-caught post of the web form: the per-phone and per-address limits
    count these rows, so every web process sees the same counts."""

    __tablename__ = "web_submission"
    __table_args__ = (Index("ix_web_submission_phone_created", "phone", "created_at"),
                      Index("ix_web_submission_place_created", "place_key", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(32))
    place_key: Mapped[str] = mapped_column(String(120), default="")   # address or rounded map point
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    client_ip: Mapped[str] = mapped_column(String(64), default="")
    honeypot: Mapped[bool] = mapped_column(Boolean, default=False)    # a bot filled the hidden field
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class InboundSms(db.Model):
    """Every text message the SMS webhook accepted, once per carrier message id, and its result:
    appended to an open case (`event_id`) or a new case."""

    __tablename__ = "inbound_sms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    message_id: Mapped[str] = mapped_column(String(100), unique=True)   # the carrier's id
    sender: Mapped[str] = mapped_column(String(32), index=True)         # normalised phone
    recipient: Mapped[str] = mapped_column(String(32), default="")      # our service number
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime)             # the carrier's time, UTC
    result: Mapped[str] = mapped_column(String(16))                     # appended | opened
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    event_id: Mapped[int | None] = mapped_column(Integer)
    answer: Mapped[dict] = mapped_column(Json, default=dict)            # what the webhook answered
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
