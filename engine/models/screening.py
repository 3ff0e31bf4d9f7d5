"""Risk screening (社会风险评估研判 / 矛盾纠纷排查): the keyword lists per risk type, the flags
intake puts on a case whose words match, and the disputes registered by hand."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow


class RiskType(db.Model):
    """A kind of social risk (群体事件, 信访, 征地拆迁 …) and the words that reveal it.

    Never deleted, only deactivated: flags and disputes keep its code. `revision` counts edits, so
    every process notices a change of the lists by a cheap aggregate (engine.screening.matcher).
    """

    __tablename__ = "risk_type"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    keywords: Mapped[list] = mapped_column(Json)            # ["群体", "集体", …]
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class CaseRiskFlag(db.Model):
    """A case whose title or content matched a risk type's words at intake (one row per type)."""

    __tablename__ = "case_risk_flag"
    __table_args__ = (UniqueConstraint("case_id", "risk_type_code"),
                      Index("ix_case_risk_flag_flagged_type", "flagged_at", "risk_type_code"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Cascade: a flag is a property of its case and goes with it.
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    risk_type_code: Mapped[str] = mapped_column(String(32))
    words: Mapped[list] = mapped_column(Json)               # the keywords found, in list order
    flagged_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class DisputeRecord(db.Model):
    """矛盾纠纷排查表: one dispute found off-line, registered by a department or the center."""

    __tablename__ = "dispute_record"
    __table_args__ = (Index("ix_dispute_record_department_found", "department_id", "found_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    found_on: Mapped[date] = mapped_column(Date, index=True)
    place: Mapped[str] = mapped_column(String(200))
    area_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    parties: Mapped[str] = mapped_column(Text)
    risk_type_code: Mapped[str] = mapped_column(String(32))
    description: Mapped[str] = mapped_column(Text)
    people_count: Mapped[int] = mapped_column(Integer)
    risk_level: Mapped[str] = mapped_column(String(8))     # general | larger | major (一般/较大/重大)
    measures: Mapped[str] = mapped_column(Text, default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    reporter: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
