"""Call records: one row per telephone call (the A leg), written by the telephony worker."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

OUTCOMES = ("answered", "trunk", "ivr", "queue", "agent", "overflow", "dissuaded")


class CallRecord(db.Model):
    """One call and where it ended. `call_id` (the A leg's Unique-ID) is unique: a call is never counted twice.

    Timestamps are naive UTC: arrival, IVR (the switch answered), queue join, offer to an agent,
    answer by an agent, end.
    """

    __tablename__ = "call_record"
    __table_args__ = (Index("ix_call_record_outcome_arrival", "outcome", "arrived_at"),
                      Index("ix_call_record_callback", "callback_status", "arrived_at"),
                      Index("ix_call_record_arrived", "arrived_at", "id"),   # call list, today's figures
                      Index("ix_call_record_caller", "caller", "arrived_at"),  # screen pop: repeat callers
                      Index("ix_call_record_voicemail", "voicemail_status", "arrived_at"),
                      # statistics: the calls of a period, by the moment their figures use
                      Index("ix_call_record_arrival_or_created", text("coalesce(arrived_at, created_at)")))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    caller: Mapped[str | None] = mapped_column(String(64))
    queue: Mapped[str | None] = mapped_column(String(64))
    agent: Mapped[str | None] = mapped_column(String(64))
    arrived_at: Mapped[datetime | None] = mapped_column(DateTime)
    ivr_at: Mapped[datetime | None] = mapped_column(DateTime)
    queued_at: Mapped[datetime | None] = mapped_column(DateTime)
    offered_at: Mapped[datetime | None] = mapped_column(DateTime)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)
    recording_path: Mapped[str | None] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(12))
    callback_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_number: Mapped[str | None] = mapped_column(String(64))
    # the callback list: open until an agent has called the citizen back (done) or gave up
    callback_status: Mapped[str | None] = mapped_column(String(8))
    callback_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    callback_at: Mapped[datetime | None] = mapped_column(DateTime)
    voicemail_path: Mapped[str | None] = mapped_column(String(255))
    # the voicemail queue (engine.telephony.voicemail): open until an agent who listened to it
    # registers it as a case, merges it into one, or discards it with a reason
    voicemail_status: Mapped[str | None] = mapped_column(String(10))
    voicemail_heard_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    voicemail_heard_at: Mapped[datetime | None] = mapped_column(DateTime)
    voicemail_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    voicemail_at: Mapped[datetime | None] = mapped_column(DateTime)
    voicemail_note: Mapped[str | None] = mapped_column(String(200))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    # inbound: a citizen called 12345; outbound: an agent's click-to-call (queue "outbound")
    direction: Mapped[str] = mapped_column(String(8), default="inbound", server_default="inbound")
    switch_id: Mapped[str | None] = mapped_column(String(64))   # the switch that carried the call
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
