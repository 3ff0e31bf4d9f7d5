"""Files attached to a case (photos, documents, recordings a citizen or department supplies)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow


class Attachment(db.Model):
    """One uploaded file. The bytes live in the file store under their SHA-256 (content-addressed:
    the same photo attached twice is stored once); this row says what, whose, and when."""

    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))   # None: the citizen sent it (a channel)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
