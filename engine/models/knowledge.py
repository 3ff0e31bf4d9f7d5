"""Knowledge base (知识库): categories, articles with their saved versions, shared call recordings."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

ARTICLE_STATES = ("draft", "pending", "published", "retired")


class KbCategory(db.Model):
    """One node of the category tree; `path` holds the ids from the root ("/1/4/") like departments."""

    __tablename__ = "kb_category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("kb_category.id"))
    path: Mapped[str] = mapped_column(String(255), default="/", index=True)
    sort: Mapped[int] = mapped_column(Integer, default=0)


class KbArticle(db.Model):
    """An article as it stands: the latest saved version's text, its state and its search words.

    `search_words` are the jieba tokens of the title (weighted by repetition) and of the body's
    plain text, separated by spaces: PostgreSQL indexes them with a GIN full-text index, SQLite
    with an FTS5 table kept in step by triggers (migration 0033; engine.knowledge.search).
    """

    __tablename__ = "kb_article"
    __table_args__ = (Index("ix_kb_article_state_valid", "state", "valid_from", "valid_to"),
                      Index("ix_kb_article_department_state", "department_id", "state"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text, default="")     # sanitised before it is stored
    category_id: Mapped[int] = mapped_column(ForeignKey("kb_category.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    state: Mapped[str] = mapped_column(String(12), default="draft")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)          # the latest version's number
    published_version: Mapped[int | None] = mapped_column(Integer)    # the number agents read and cite
    review_note: Mapped[str] = mapped_column(String(500), default="")  # why it went back to draft
    search_words: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))


class KbArticleVersion(db.Model):
    """Each saved version, never changed: who saved it, when, why, and the whole text then."""

    __tablename__ = "kb_article_version"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    body_html: Mapped[str] = mapped_column(Text)
    category_id: Mapped[int] = mapped_column(ForeignKey("kb_category.id"))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")     # the change note, or the state change
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class KbRecording(db.Model):
    """A call recording (or a cut of it) shared into an article as an example of a good answer."""

    __tablename__ = "kb_recording"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id"), index=True)
    call_record_id: Mapped[int] = mapped_column(ForeignKey("call_record.id"))
    start_second: Mapped[int | None] = mapped_column(Integer)
    end_second: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(200), default="")
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    shared_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class KbArticleEvent(db.Model):
    """A change of an article's state (submitted, published, rejected with the reason, retired). Append-only."""

    __tablename__ = "kb_article_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("kb_article.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_state: Mapped[str] = mapped_column(String(12))
    to_state: Mapped[str] = mapped_column(String(12))
    version: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(500), default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
