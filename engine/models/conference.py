"""Conferences (会商): a host's conference on a case and its members as the switch reports them.

The web writes the conference and its invitations; the telephony worker moves members with the
switch's `conference::maintenance` events (joined, muted, left) — see engine.telephony.conferences.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

CONFERENCE_STATES = ("open", "ended")
MEMBER_STATES = ("invited", "joined", "left", "failed")
MEMBER_KINDS = ("seat", "contact", "citizen", "caller")


class Conference(db.Model):
    """One conference room on the switch (`name`, built from the case number and this id)."""

    __tablename__ = "conference"
    __table_args__ = (Index("ix_conference_case", "case_id", "started_at"),
                      Index("ix_conference_status", "status", "id"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    host_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    status: Mapped[str] = mapped_column(String(8), default="open")
    switch_uuid: Mapped[str | None] = mapped_column(String(64))   # Conference-Unique-ID
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime)


class ConferenceMember(db.Model):
    """One party: invited by the host (its leg is our origination uuid) or seen joining."""

    __tablename__ = "conference_member"
    __table_args__ = (UniqueConstraint("conference_id", "leg_id", name="uq_conference_member_leg"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conference_id: Mapped[int] = mapped_column(ForeignKey("conference.id"), index=True)
    leg_id: Mapped[str] = mapped_column(String(64))
    member_id: Mapped[int | None] = mapped_column(Integer)        # the switch's Member-ID once joined
    kind: Mapped[str] = mapped_column(String(8))
    label: Mapped[str] = mapped_column(String(120), default="")
    number: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(8), default="invited")
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    talking: Mapped[bool] = mapped_column(Boolean, default=False)
    command_id: Mapped[int | None] = mapped_column(Integer)       # the invitation's telephony_command
    invited_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    joined_at: Mapped[datetime | None] = mapped_column(DateTime)
    left_at: Mapped[datetime | None] = mapped_column(DateTime)
