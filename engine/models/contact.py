"""Contacts (CRM), their phones, tags, links to what they did, merges; call notes; Excel import jobs (issue 15)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow

CONTACT_KINDS = ("person", "organisation")
CLASSIFICATIONS = ("ordinary", "frequent", "key", "sensitive", "enterprise")


class Contact(db.Model):
    """One citizen or organisation. Merged contacts stay (merged_into_id set) so old links resolve."""

    __tablename__ = "contact"
    __table_args__ = (Index("ix_contact_name", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default="person")
    name: Mapped[str] = mapped_column(String(100), default="")
    other_names: Mapped[list] = mapped_column(Json, default=list)     # names given on other calls/cases
    organisation: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    classification: Mapped[str] = mapped_column(String(12), default="ordinary")
    notes: Mapped[str] = mapped_column(Text, default="")
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_consent_at: Mapped[datetime | None] = mapped_column(DateTime)
    outbound_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    outbound_consent_at: Mapped[datetime | None] = mapped_column(DateTime)
    source: Mapped[str] = mapped_column(String(12), default="manual")   # manual, case, call, sms, import
    # indexed: deleting or merging a contact looks its merged contacts up (SQLite checks the key row by row)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)


class ContactPhone(db.Model):
    """A normalised phone number; unique, so a number belongs to one contact only."""

    __tablename__ = "contact_phone"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    label: Mapped[str] = mapped_column(String(20), default="")
    source: Mapped[str] = mapped_column(String(12), default="manual")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ContactTag(db.Model):
    __tablename__ = "contact_tag"
    __table_args__ = (UniqueConstraint("contact_id", "tag"), Index("ix_contact_tag_tag", "tag"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    tag: Mapped[str] = mapped_column(String(40))


class ContactLink(db.Model):
    """A case, call record or SMS seen with one of the contact's phones (the learn job writes these)."""

    __tablename__ = "contact_link"
    __table_args__ = (UniqueConstraint("source", "source_id"), Index("ix_contact_link_contact", "contact_id", "source"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contact.id"))
    source: Mapped[str] = mapped_column(String(12))         # case, call, sms
    source_id: Mapped[int] = mapped_column(Integer)


class ContactCursor(db.Model):
    """How far the learn job has read each source table (by id)."""

    __tablename__ = "contact_cursor"

    source: Mapped[str] = mapped_column(String(12), primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)


class ContactMerge(db.Model):
    """The audit of a manual merge: what moved from `merged` into `kept`, by whom."""

    __tablename__ = "contact_merge"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("contact.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    moved: Mapped[dict] = mapped_column(Json, default=dict)
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class CallNote(db.Model):
    """通话备注: a note written during or after a call, on the call and its contact."""

    __tablename__ = "call_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_record_id: Mapped[int] = mapped_column(ForeignKey("call_record.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImportJob(db.Model):
    """One uploaded workbook imported into a target in the background (engine.imports)."""

    __tablename__ = "import_job"
    __table_args__ = (Index("ix_import_job_state", "state", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target: Mapped[str] = mapped_column(String(32))
    filename: Mapped[str] = mapped_column(String(200))
    file_sha256: Mapped[str] = mapped_column(String(64))
    headers: Mapped[list] = mapped_column(Json, default=list)
    mapping: Mapped[dict] = mapped_column(Json, default=dict)       # column index (str) -> field
    options: Mapped[dict] = mapped_column(Json, default=dict)
    state: Mapped[str] = mapped_column(String(10), default="new")   # new, queued, running, done, failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    good: Mapped[int] = mapped_column(Integer, default=0)
    bad: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint: Mapped[int] = mapped_column(Integer, default=0)     # data rows done and committed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    worker: Mapped[str | None] = mapped_column(String(64))
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class ImportError_(db.Model):
    """A rejected row: its number in the sheet (1 = header), the field, a code, a message, the raw values."""

    __tablename__ = "import_error"
    __table_args__ = (Index("ix_import_error_job_row", "job_id", "row_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_job.id"))
    row_no: Mapped[int] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(40), default="")
    code: Mapped[str] = mapped_column(String(24))
    message: Mapped[str] = mapped_column(String(200))
    raw: Mapped[list] = mapped_column(Json, default=list)
