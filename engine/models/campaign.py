"""Outbound campaigns (外呼任务): a list of calls to make, the agents who make them, every attempt."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

PURPOSES = ("general", "revisit", "callback")         # 普通外呼, 满意度回访, 劝阻回拨
CAMPAIGN_STATES = ("draft", "running", "paused", "finished")
ASSIGNMENTS = ("even", "skill")
TARGET_STATES = ("open", "done", "failed", "closed")  # closed: the campaign finished before it was called
RESULTS = ("reached", "no_answer", "busy", "wrong_number", "call_back")


class Campaign(db.Model):
    """One campaign with its retry rule: at most `max_attempts` calls per target, `retry_minutes`
    apart, after one of `retry_results` (comma-separated result codes)."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    purpose: Mapped[str] = mapped_column(String(12), default="general")
    state: Mapped[str] = mapped_column(String(10), default="draft", index=True)
    assignment: Mapped[str] = mapped_column(String(8), default="even")
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    retry_minutes: Mapped[int] = mapped_column(Integer, default=60)
    retry_results: Mapped[str] = mapped_column(String(60), default="no_answer,busy")
    owner_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class CampaignAgent(db.Model):
    """An agent working a campaign, with the skill tags they bring (e.g. 粤语, english)."""

    __tablename__ = "campaign_agent"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    skills: Mapped[str] = mapped_column(String(200), default="")


class CampaignTarget(db.Model):
    """One entry of the list: whom to call, who calls, where it stands.

    `key` makes adding idempotent: the normalised phone for list rows and callbacks, `case:<id>`
    for a satisfaction re-visit (one visit per case, even when a citizen has two).
    """

    __tablename__ = "campaign_target"
    __table_args__ = (UniqueConstraint("campaign_id", "key", name="uq_campaign_target_key"),
                      # an agent's queue: their open targets by the moment they are due
                      Index("ix_campaign_target_queue", "agent_id", "state", "next_attempt_at"),
                      Index("ix_campaign_target_campaign_state", "campaign_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    key: Mapped[str] = mapped_column(String(40))
    phone: Mapped[str] = mapped_column(String(32), index=True)    # normalised (the contact page finds it)
    name: Mapped[str] = mapped_column(String(100), default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    call_record_id: Mapped[int | None] = mapped_column(ForeignKey("call_record.id"))   # a dissuaded call
    notes: Mapped[str] = mapped_column(String(500), default="")
    skill: Mapped[str] = mapped_column(String(50), default="")
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(String(8), default="open")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_result: Mapped[str | None] = mapped_column(String(12))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime)
    dial_call_id: Mapped[str | None] = mapped_column(String(64))    # our origination uuid of the last dial
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CampaignAttempt(db.Model):
    """Every call attempt with its result: who, when, what, the note and the call it was."""

    __tablename__ = "campaign_attempt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    target_id: Mapped[int] = mapped_column(ForeignKey("campaign_target.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)    # normalised: a contact's outbound history
    agent_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    result: Mapped[str] = mapped_column(String(12))
    note: Mapped[str] = mapped_column(String(500), default="")
    call_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    call_id: Mapped[str | None] = mapped_column(String(64))
    call_record_id: Mapped[int | None] = mapped_column(ForeignKey("call_record.id"))
