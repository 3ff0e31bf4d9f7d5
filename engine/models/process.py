"""Process versions: each uploaded BPMN file stored immutably."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

STATES = ("draft", "published", "retired")


class ProcessVersion(db.Model):
    """One immutable version of a process definition. Cases pin the version they started on.

    Uploaded as a draft; at most one version of a process is published at a time and only it
    starts new cases; publishing another retires it (its running cases go on, or migrate).
    `forms` holds the form definitions uploaded with the version (user tasks' form keys that
    the built-in forms do not have), immutable like the XML."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200), default="")
    xml: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    retired_at: Mapped[datetime | None] = mapped_column(DateTime)
    forms: Mapped[dict | None] = mapped_column(JSON)
