"""Registered clients of the Open311 GeoReport v2 interface and the requests they posted."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow


class ChannelClient(db.Model):
    """An app, a WeChat mini-program backend or a partner site allowed to post requests (admin-managed).

    Only the SHA-256 of its api_key is stored: the key is shown once, at creation or rotation.
    `key_hint` (its last characters) lets an admin tell which key a partner holds.
    """

    __tablename__ = "channel_client"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(16))          # app | wechat | web: the case's channel
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_hint: Mapped[str] = mapped_column(String(8), default="")
    rate_limit: Mapped[str] = mapped_column(String(32), default="600/minute")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class Open311Request(db.Model):
    """A GeoReport request: its token, what the client sent beside the intake fields (location as
    given, media link) and the case it became. Public reads show these, never the case's own address,
    which an agent may have corrected with personal detail.

    A POST stores it `queued` with its validated intake fields; the scheduler opens the case
    (`opened`, case_id set in the case's transaction) or keeps it `failed` with the error.
    """

    __tablename__ = "open311_request"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("channel_client.id"), index=True)
    address_string: Mapped[str] = mapped_column(String(300), default="")
    address_id: Mapped[str] = mapped_column(String(64), default="")
    lat: Mapped[float | None] = mapped_column(Float)
    long: Mapped[float | None] = mapped_column(Float)
    media_url: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    state: Mapped[str] = mapped_column(String(10), default="opened", server_default="opened")  # queued|opened|failed
    intake: Mapped[dict | None] = mapped_column(Json)       # the validated intake fields and extras, while queued
    error: Mapped[str] = mapped_column(Text, default="", server_default="")
    opened_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (Index("ix_open311_request_waiting", "id", postgresql_where=text("state = 'queued'"),
                            sqlite_where=text("state = 'queued'")),)
