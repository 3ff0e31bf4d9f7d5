"""The case (工单) row with its projections, the departments it involves, and urges."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from engine.db import db, utcnow
from engine.models.org import Department

CATEGORIES = ("consult", "complaint", "report", "help", "suggestion", "praise")
CHANNELS = ("phone", "web", "app", "wechat", "sms", "mailbox")
STATUSES = ("registered", "dispatching", "handling", "reviewing", "visiting", "closed")
OUTCOMES = ("direct_answer", "not_accepted", "merged", "archived")
DISPATCH_MODES = ("transfer", "assign")
URGENCIES = ("normal", "urgent", "very_urgent")


class Case(db.Model):
    """One row per case: the workflow blob plus every column lists and reports read.

    The blob is deferred: lists, inboxes and reports never load it. It is `json`, not `jsonb`,
    on PostgreSQL: SpiffWorkflow 3.2 stores task data as deltas and rebuilds them in the order of
    the blob's keys, and jsonb re-sorts keys, which silently empties task data.
    """

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_status_created", "status", "created_at"),
        Index("ix_case_phone_created", "phone", "created_at"),
        Index("ix_case_closed", "closed_at"),     # statistics: the cases closed in a period
        Index("ix_case_category_created", "category", "created_at"),   # duplicates: a category's newest (0030)
        # statistics: the extended cases (延期率), a few in a hundred (migration 0028)
        Index("ix_case_extended", "id", postgresql_where=text("extension_count > 0"),
              sqlite_where=text("extension_count > 0")),
        # statistics: a figure grouped by a case's column reads this narrow index, not the case rows
        # (measured at 1M cases: 退回率 by category for a month 305 → 67 ms; migration 0028)
        Index("ix_case_dimensions", "id",
              postgresql_include=["lead_department_id", "category", "channel", "area_id", "dispatch_mode"]),
        # the combined query's count of a department's open cases, from the index alone (migration 0042)
        Index("ix_case_lead_status", "lead_department_id", "status"),
        UniqueConstraint("call_id", "call_seq"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_no: Mapped[str] = mapped_column(String(20), unique=True)
    query_code: Mapped[str] = mapped_column(String(16), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    blob = deferred(mapped_column(JSON))
    # The hash of the case's newest audit event, kept by engine.models.audit_chain so that an
    # action chains its events without reading the trail (one round trip less per action). NULL:
    # not known here (a case opened in this form, or before the column): read from the trail.
    event_head: Mapped[str | None] = mapped_column(String(64))

    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    outcome: Mapped[str | None] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(16), index=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    citizen_name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    address: Mapped[str] = mapped_column(String(300), default="")
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    citizen_gender: Mapped[str] = mapped_column(String(8), default="")      # male | female | ""
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matter.id"), index=True)   # 事项分类
    area_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))    # district/street of the matter
    urgency: Mapped[str] = mapped_column(String(12), default="normal")
    wants_callback: Mapped[bool] = mapped_column(Boolean, default=True)     # the department calls back
    wants_sms_reply: Mapped[bool] = mapped_column(Boolean, default=False)   # the reply by SMS at closing
    # the telephone call (A leg id) the case was registered from, if any: links case and call record
    call_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # 1 for the case a call was registered as; 2, 3 … only for further requests the agent said the
    # same call also made. Unique with call_id: a call cannot be registered twice by accident.
    call_seq: Mapped[int | None] = mapped_column(SmallInteger)

    dispatch_mode: Mapped[str | None] = mapped_column(String(16))
    # 即办件 (immediate: answered at intake) or 承诺件 (committed: dispatched under a limit), set
    # at triage; None for a request not accepted or merged, and before triage.
    handling_kind: Mapped[str | None] = mapped_column(String(12), index=True)
    lead_department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    sign_due_at: Mapped[datetime | None] = mapped_column(DateTime)
    handle_due_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    # The binding deadline now (sign-for, then handling) and its warning point. The colour is not
    # stored: it is a function of these and the time (engine.deadlines.colours), so nothing has to
    # rewrite 100,000 case rows when the clock moves.
    due_at: Mapped[datetime | None] = mapped_column(DateTime, index=True)
    warn_at: Mapped[datetime | None] = mapped_column(DateTime)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    urge_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    extension_count: Mapped[int] = mapped_column(Integer, default=0)

    # 并单: a repeat request merged into an open case stays as a record pointing at it.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # 首问责任人: who first took the request (the registering agent; for a non-phone channel the
    # first to act on it in triage); answerable for it to the end and told of every stage change.
    first_contact_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    lead_department: Mapped[Department | None] = relationship(lazy="raise", foreign_keys=[lead_department_id])


class CaseDepartment(db.Model):
    """A department involved in a case (lead or co-department), with its opinion.

    Rows of an earlier dispatch stay (active=False) so the history of who held the case is kept;
    department scoping reads only active rows.
    """

    __tablename__ = "case_department"
    __table_args__ = (Index("ix_case_department_dept_active", "department_id", "active"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    role: Mapped[str] = mapped_column(String(8))  # lead | co
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    dispatch_round: Mapped[int] = mapped_column(Integer, default=1)
    opinion: Mapped[str | None] = mapped_column(Text)
    opinion_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    opinion_at: Mapped[datetime | None] = mapped_column(DateTime)
    signed_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    department: Mapped[Department] = relationship(lazy="joined")


class CaseNumberCounter(db.Model):
    """Per-day sequence behind case numbers such as GD20261129000123."""

    __tablename__ = "case_number_counter"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class Urge(db.Model):
    """One urge (督办) on a case: who urged whom, with which opinion, and the answer."""

    __tablename__ = "urge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    actor_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    opinion: Mapped[str] = mapped_column(Text)
    stage: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    response: Mapped[str | None] = mapped_column(Text)
    # The supervisor's evaluation of how the department answered (督办评价): good/acceptable/poor.
    evaluation: Mapped[str | None] = mapped_column(String(16))
    evaluation_note: Mapped[str | None] = mapped_column(Text)
    evaluated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    evaluated_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("case_id", "seq"),)
