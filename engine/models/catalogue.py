"""The matter catalogue (事项分类: what a request is about, a tree) and the dispatch catalogue
(派单目录: which department handles which kind of request)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow


class Matter(db.Model):
    """One node of the matter catalogue, e.g. 市政管理 › 路灯照明. Admins edit the tree; intake
    picks a node; dispatch rules for a node (or an ancestor) propose its departments.

    `path` is the ids from the root, '/3/17/' (the same trick as Department.path), so a subtree
    and the ancestors are one indexed read.
    """

    __tablename__ = "matter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("matter.id"))
    path: Mapped[str] = mapped_column(String(255), index=True, default="")
    sort: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class DispatchRule(db.Model):
    """Matter and/or category (+ optional keyword in title or content) → lead and co-departments
    to propose; `to_area` makes the case's own street or district the lead where it has one (属地).

    Admins edit the catalogue; the dispatcher sees its proposal and decides. A rule for a deeper
    matter beats one for its ancestor, which beats a category rule; then the higher priority.
    An empty category means any.
    """

    __tablename__ = "dispatch_rule"
    __table_args__ = (Index("ix_dispatch_rule_category_active", "category", "active"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    category: Mapped[str] = mapped_column(String(16))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matter.id"))
    to_area: Mapped[bool] = mapped_column(Boolean, default=False)
    keyword: Mapped[str] = mapped_column(String(50), default="")
    lead_department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    co_department_ids: Mapped[list] = mapped_column(Json, default=list)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
