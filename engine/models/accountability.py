"""责任追究: accountability records of the violations the system can see, and their decision."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow

# Seed 5 (限时办结制 Article 7, 责任追究制 Article 5(2)): the violations found from the facts.
RULES = ("overdue_no_extension", "extension_told_late", "delivered_late", "returned_too_often")


class AccountabilityRecord(db.Model):
    """One violation of one rule on one case (one deadline or one return count), found once.

    `subject` names what the violation is about inside the case (`deadline:<id>` or
    `returns:<n>`); with the rule and the case it is unique, so the scheduler's job may run any
    number of times and a violation is still recorded once. The decision is made once.
    """

    __tablename__ = "accountability_record"
    __table_args__ = (
        UniqueConstraint("rule", "case_id", "subject", name="uq_accountability_record_rule_case_subject"),
        Index("ix_accountability_record_department_found", "department_id", "found_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    rule: Mapped[str] = mapped_column(String(24))
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    deadline_id: Mapped[int | None] = mapped_column(ForeignKey("deadline.id"))
    # The person answerable; None when no single person acted (the department answers).
    person_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    evidence: Mapped[list] = mapped_column(Json, default=list)        # case_event ids
    found_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    decision: Mapped[str | None] = mapped_column(String(40))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
