"""The citizen's own say on a case from the public page: the online rating (网上评价) and the
re-examination request (复核申请) that opens a case of the `reexamination` process."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow


class CitizenRating(db.Model):
    """One rating per case (the unique case id makes "once" hold under concurrent posts).
    `completed_visit`: the rating was the case's satisfaction visit (counted in 满意率)."""

    __tablename__ = "citizen_rating"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    satisfaction: Mapped[str] = mapped_column(String(24))       # the visit form's options
    comment: Mapped[str] = mapped_column(Text, default="")
    completed_visit: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Reexamination(db.Model):
    """A re-examination request: the original case (once per case: unique) and the case of the
    `reexamination` process it opened (None only while that case is being registered)."""

    __tablename__ = "reexamination"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), unique=True)
    reexam_case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
