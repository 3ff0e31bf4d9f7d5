"""The mayor's mailbox (市长信箱): every mail received, kept with its outcome, and the IMAP cursor."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Json, db, utcnow

MAIL_STATES = ("received", "opening", "parsed", "failed")
MAIL_SOURCES = ("imap", "upload")


class InboundMail(db.Model):
    """One mail to the mayor's mailbox, never deleted: its raw bytes are in the file store (by
    SHA-256), so a mail that could not become a case is still there to read, download and retry.

    `dedupe_key` (SHA-256 of the Message-ID, or of the raw bytes when there is none) is unique: the
    same mail polled twice or uploaded again is this row, never a second case. An IMAP mail also
    remembers where it came from (mailbox, UIDVALIDITY, UID), unique as well.
    """

    __tablename__ = "inbound_mail"
    __table_args__ = (UniqueConstraint("imap_mailbox", "imap_uidvalidity", "imap_uid", name="uq_inbound_mail_imap"),
                      Index("ix_inbound_mail_state_created", "state", "created_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    dedupe_key: Mapped[str] = mapped_column(String(64), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(300))
    source: Mapped[str] = mapped_column(String(8))                  # imap | upload
    imap_mailbox: Mapped[str | None] = mapped_column(String(300))   # user@host:port/folder
    imap_uidvalidity: Mapped[int | None] = mapped_column(BigInteger)
    imap_uid: Mapped[int | None] = mapped_column(BigInteger)
    raw_sha256: Mapped[str] = mapped_column(String(64))             # the kept mail in the file store
    size: Mapped[int] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(320), default="")    # the citizen's address: how to reach them
    sender_name: Mapped[str] = mapped_column(String(200), default="")
    subject: Mapped[str] = mapped_column(String(300), default="")
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)      # the mail's Date header, UTC
    # received -> opening (committed with its case, see engine.channels.mailbox) -> parsed | failed
    state: Mapped[str] = mapped_column(String(12), default="received")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"), index=True)
    failure_code: Mapped[str | None] = mapped_column(String(40))
    failure_detail: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[list] = mapped_column(Json, default=list)         # e.g. attachments left off the case
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ImapCursor(db.Model):
    """How far the poller read one IMAP folder: the last UID taken under its UIDVALIDITY (a new
    UIDVALIDITY renumbers the folder, so reading starts again; the dedupe key stops repeats)."""

    __tablename__ = "imap_cursor"

    mailbox: Mapped[str] = mapped_column(String(300), primary_key=True)
    uidvalidity: Mapped[int] = mapped_column(BigInteger)
    last_uid: Mapped[int] = mapped_column(BigInteger, default=0)
    polled_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
