"""The mayor's mailbox (市长信箱): every mail kept, each made into one case in triage, once.

A mail (polled over IMAP, or an .eml an operator uploads) is first KEPT: its raw bytes go to the
file store and a row records it (state `received`). Then it is read (engine.channels.mailbox_parse)
and opened as a case through the channels' intake door. The mail row turns `parsed` with its case
id in the very transaction that registers the case (a session hook sets them just before that
commit), so a crash can never leave a case whose mail looks unprocessed, and a retry can never
open a second one. A mail that cannot become a case turns `failed` with its reasons (message
codes, read in the user's language on the admin page) and stays there to download and retry.

Idempotent: a mail's identity is its Message-ID (or the SHA-256 of its bytes without one), and an
IMAP mail's is also its (mailbox, UIDVALIDITY, UID); both are unique, so the same mail polled
again or uploaded again is the row already there, never another case.

Attachments the case cannot take (a type or size engine.cases refuses, or more than its limit)
are left off the case and listed on the mail row; the citizen's files are still in the kept mail.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import event, or_, select, update
from sqlalchemy.exc import IntegrityError

from engine import cases
from engine.channels.intake import open_from_channel
from engine.channels.mailbox_parse import Envelope, MailUnreadable, dedupe_key, envelope_of, parse, read
from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import Case, InboundMail
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from engine.storage import store
from forms.messages import Msg, msg

log = logging.getLogger(__name__)
CHANNEL = "mailbox"
# Who works the mailbox: the center's triage (dispatchers, shift leads) and the admins who run it.
MAILBOX_ROLES = (R.ADMIN, R.SHIFT_LEAD, R.DISPATCHER)
# The raw mail is the citizen's personal data: only the roles entitled to it download it.
RAW_ROLES = tuple(r for r in MAILBOX_ROLES if r in R.PERSONAL_DATA_ROLES)
STUCK_AFTER = timedelta(minutes=5)   # a mail `received` this long ago lost its process (a crash): resume it


@dataclass
class Received:
    """A mail handed in, and whether it was new (False: the same mail was here already)."""

    mail: InboundMail
    new: bool


def receive(raw: bytes, *, source: str, imap: tuple[str, int, int] | None = None,
            uploaded_by_id: int | None = None) -> Received:
    """Keep a mail and open its case, once. `imap` = (mailbox, UIDVALIDITY, UID) for a polled mail."""
    kept = _keep(raw, source=source, imap=imap, uploaded_by_id=uploaded_by_id)
    if not kept.new:
        return kept
    return Received(process(kept.mail), True)


def _keep(raw: bytes, *, source: str, imap, uploaded_by_id) -> Received:
    """The row of this mail: found, or written with the bytes stored first (committed)."""
    try:
        env = envelope_of(read(raw))
    except Exception:       # even the headers are unreadable: the bytes identify the mail
        env = Envelope()
    key = dedupe_key(raw, env.message_id)
    existing = _existing(key, imap)
    if existing is not None:
        return Received(existing, False)
    digest = store().put(raw)    # before the row: a row always has its bytes
    now = clock_now()
    row = InboundMail(dedupe_key=key, message_id=env.message_id, source=source, raw_sha256=digest, size=len(raw),
                      sender=env.sender, sender_name=env.sender_name, subject=env.subject, sent_at=env.sent_at,
                      state="received", notes=[], attempts=0, uploaded_by_id=uploaded_by_id,
                      created_at=now, updated_at=now)
    if imap:
        row.imap_mailbox, row.imap_uidvalidity, row.imap_uid = imap
    db.session.add(row)
    try:
        db.session.commit()
    except IntegrityError:      # the same mail, kept by a concurrent poll or upload a moment ago
        db.session.rollback()
        return Received(_existing(key, imap), False)
    return Received(row, True)


def _existing(key: str, imap) -> InboundMail | None:
    same = [InboundMail.dedupe_key == key]
    if imap:
        same.append((InboundMail.imap_mailbox == imap[0]) & (InboundMail.imap_uidvalidity == imap[1])
                    & (InboundMail.imap_uid == imap[2]))
    return db.session.execute(select(InboundMail).where(or_(*same)).order_by(InboundMail.id).limit(1)).scalar()


def process(row: InboundMail) -> InboundMail:
    """Read a kept mail and open its case; on failure record why. Never raises for the mail's own
    faults (the poller must go on to the next mail)."""
    try:
        parsed = parse(raw_bytes(row), check_file=cases.check_attachment)
    except MailUnreadable as exc:
        return _fail(row.id, exc.message.code, [(None, exc.message)])
    if not _claim(row):
        return db.session.get(InboundMail, row.id)
    refused = [note("attachment_refused", why, file=name) for name, why in parsed.refused]
    try:
        with _parsed_with_case(row, refused):
            open_from_channel(CHANNEL, parsed.data, files=parsed.files)
    except ValidationFailed as exc:
        return _fail(row.id, "mail_intake_refused", [(field, m) for field, ms in exc.errors.items() for m in ms])
    except Exception as exc:        # e.g. the database went away: record it when possible, retry later
        log.exception("mail %s: opening its case failed", row.id)
        return _fail(row.id, "mail_error", [(None, msg("mail_error", "an internal error: %(what)s",
                                                        what=type(exc).__name__))])
    return row


def _claim(row: InboundMail) -> bool:
    """Take the mail for this process (a conditional UPDATE in the case's coming transaction: a
    concurrent poll or retry waits for it, then finds it taken)."""
    taken = db.session.execute(update(InboundMail).where(InboundMail.id == row.id,
                                                         InboundMail.state.in_(("received", "failed")))
                               .values(state="opening", attempts=InboundMail.attempts + 1))
    if taken.rowcount != 1:
        db.session.rollback()
        return False
    db.session.refresh(row)
    return True


@contextmanager
def _parsed_with_case(row: InboundMail, notes: list[dict]):
    """While the case is opened: just before its transaction commits, mark the mail parsed with
    the new case's id, so both are written together or neither is."""
    session = db.session()
    opened: list[int] = []

    def after_flush(sess, _context):
        opened.extend(o.id for o in sess.new if isinstance(o, Case) and o.channel == CHANNEL)

    def before_commit(sess):
        if opened and row.case_id is None:
            row.state, row.case_id, row.notes = "parsed", opened[0], notes
            row.failure_code = row.failure_detail = None
            row.updated_at = clock_now()

    event.listen(session, "after_flush", after_flush)
    event.listen(session, "before_commit", before_commit)
    try:
        yield
    finally:
        event.remove(session, "after_flush", after_flush)
        event.remove(session, "before_commit", before_commit)


def _fail(mail_id: int, code: str, reasons: list[tuple[str | None, Msg]]) -> InboundMail:
    """Record why a mail did not become a case (unless its case was committed after all: then a
    later step failed, e.g. the duplicate check, and the mail is parsed)."""
    db.session.rollback()
    row = db.session.get(InboundMail, mail_id, populate_existing=True)
    if row.state == "parsed":
        return row
    row.state, row.failure_code = "failed", code
    row.failure_detail = "; ".join(f"{field}: {m}" if field else str(m) for field, m in reasons)[:4000]
    row.notes = [note("failure", m, field=field) for field, m in reasons]
    row.attempts = (row.attempts or 0) + 1      # the claim's count went with the rollback
    row.updated_at = clock_now()
    db.session.commit()
    return row


def note(kind: str, message: Msg | str, **extra) -> dict:
    """A JSON note of the mail row: a message kept with its code, template and parameters, so the
    page says it in the reader's language."""
    return {"kind": kind, "message": message_json(message), **{k: v for k, v in extra.items() if v is not None}}


def message_json(message: Msg | str) -> dict:
    if not isinstance(message, Msg):
        return {"code": "text", "template": str(message), "params": {}}
    params = {k: message_json(v) if isinstance(v, Msg) else v for k, v in message.params.items()}
    return {"code": message.code, "template": message.template, "params": params}


def message_of(data: dict) -> Msg:
    """The Msg a note holds (nested messages rebuilt)."""
    params = {k: message_of(v) if isinstance(v, dict) else v for k, v in (data.get("params") or {}).items()}
    return Msg(data.get("code", "text"), data.get("template", ""), **params)


def raw_bytes(row: InboundMail) -> bytes:
    path = store().path(row.raw_sha256)
    if not path.exists():
        raise NotFound(msg("mail_raw_missing", "the kept file of mail %(id)s is missing from the store", id=row.id))
    return path.read_bytes()


def retry(*, mail_id: int, actor: Actor) -> InboundMail:
    """Read a failed mail again (after a fix, or a passing fault): 409 unless it failed."""
    actor.require(*MAILBOX_ROLES)
    row = get(mail_id=mail_id, actor=actor)
    if row.state != "failed":
        raise WrongState(msg("mail_not_failed", "mail %(id)s did not fail; only a failed mail is retried", id=mail_id))
    return process(row)


def resume_stuck() -> int:
    """Process the mails kept but never read (their process died between the two steps)."""
    before = clock_now() - STUCK_AFTER
    rows = db.session.execute(select(InboundMail).where(InboundMail.state == "received",
                                                        InboundMail.created_at < before).limit(50)).scalars().all()
    for row in rows:
        process(row)
    return len(rows)


def get(*, mail_id: int, actor: Actor) -> InboundMail:
    actor.require(*MAILBOX_ROLES)
    row = db.session.get(InboundMail, mail_id)
    if row is None:
        raise NotFound(msg("mail_not_found", "mail %(id)s not found", id=mail_id))
    return row


def raw_of(*, mail_id: int, actor: Actor) -> tuple[InboundMail, str]:
    """The mail and the path of its kept bytes, for the roles that may read a citizen's mail."""
    actor.require(*RAW_ROLES)
    row = get(mail_id=mail_id, actor=actor)
    path = store().path(row.raw_sha256)
    if not path.exists():
        raise NotFound(msg("mail_raw_missing", "the kept file of mail %(id)s is missing from the store", id=row.id))
    return row, str(path)


def recent(*, actor: Actor, state: str | None = None, limit: int = 100) -> list[tuple[InboundMail, str | None]]:
    """The latest mails (optionally of one state), newest first, each with its case number."""
    actor.require(*MAILBOX_ROLES)
    query = (select(InboundMail, Case.case_no).outerjoin(Case, Case.id == InboundMail.case_id)
             .order_by(InboundMail.id.desc()).limit(limit))
    if state:
        query = query.where(InboundMail.state == state)
    return [(row, case_no) for row, case_no in db.session.execute(query).all()]


def case_no_of(row: InboundMail) -> str | None:
    if row.case_id is None:
        return None
    return db.session.execute(select(Case.case_no).where(Case.id == row.case_id)).scalar()
