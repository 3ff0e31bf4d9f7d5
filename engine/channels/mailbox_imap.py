"""The mayor's mailbox poller: new mails of an IMAP folder, each kept and opened as a case once.

Standard library `imaplib`. It reads by UID what it has not taken yet (the last UID per
UIDVALIDITY is a row, engine.models.ImapCursor), fetches with BODY.PEEK so reading alone marks
nothing, hands each mail to engine.channels.mailbox.receive, and only then flags it \\Seen and
moves the cursor: a crash before that reads the mail again, and its dedupe key makes that a no-op.
Mails are never deleted or moved on the server (the mail server's own archive stays whole).

Configured from the environment (the scheduler runs `poll_configured` each minute; nothing when
MAILBOX_IMAP_HOST is empty): MAILBOX_IMAP_HOST, _PORT (993 with SSL, else 143), _USER,
_PASSWORD, _FOLDER (INBOX), _SSL (1/0, default 1).
"""
from __future__ import annotations

import imaplib
import logging
import os
import re
import ssl
from dataclasses import dataclass
from typing import Mapping

from engine.channels import mailbox
from engine.db import db
from engine.models import ImapCursor
from engine.ports import now as clock_now

log = logging.getLogger(__name__)
BATCH = 200          # mails taken per poll: a flooded mailbox is worked off over several ticks
TIMEOUT = 30         # seconds for the server to answer


@dataclass(frozen=True)
class ImapConfig:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    use_ssl: bool = True

    @property
    def mailbox(self) -> str:
        """The folder's name in our records: the same account and folder is the same cursor."""
        return f"{self.user}@{self.host}:{self.port}/{self.folder}"[:300]


def config_from(env: Mapping[str, str]) -> ImapConfig | None:
    """The poller's settings from MAILBOX_IMAP_* (None when no host is set: the mailbox is off)."""
    host = (env.get("MAILBOX_IMAP_HOST") or "").strip()
    if not host:
        return None
    use_ssl = (env.get("MAILBOX_IMAP_SSL") or "1").strip().lower() not in ("0", "false", "no", "off")
    port = int(env.get("MAILBOX_IMAP_PORT") or (993 if use_ssl else 143))
    return ImapConfig(host=host, port=port, user=env.get("MAILBOX_IMAP_USER", ""),
                      password=env.get("MAILBOX_IMAP_PASSWORD", ""),
                      folder=(env.get("MAILBOX_IMAP_FOLDER") or "INBOX").strip(), use_ssl=use_ssl)


def poll_configured() -> dict[str, int]:
    """The scheduler's job: poll the configured mailbox (if any) and resume mails left half done."""
    config = config_from(os.environ)
    counts = {"resumed": mailbox.resume_stuck()}
    if config is not None:
        counts.update(poll(config))
    return counts


def connect(config: ImapConfig) -> imaplib.IMAP4:
    if config.use_ssl:
        conn = imaplib.IMAP4_SSL(config.host, config.port, ssl_context=ssl.create_default_context(), timeout=TIMEOUT)
    else:
        conn = imaplib.IMAP4(config.host, config.port, timeout=TIMEOUT)
    conn.login(config.user, config.password)
    return conn


def poll(config: ImapConfig) -> dict[str, int]:
    """Take the folder's new mails; {new, repeated, failed} counts. A connection or server error
    is recorded on the cursor row and raised (the scheduler logs it and polls again next tick)."""
    counts = {"new": 0, "repeated": 0, "failed": 0}
    try:
        conn = connect(config)
    except (OSError, imaplib.IMAP4.error) as exc:
        _note_error(config, exc)
        raise
    try:
        _take_new(conn, config, counts)
    except (OSError, imaplib.IMAP4.error) as exc:
        _note_error(config, exc)
        raise
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass
    return counts


def _take_new(conn: imaplib.IMAP4, config: ImapConfig, counts: dict[str, int]) -> None:
    _ok(conn.select(_quoted(config.folder)))
    validity = int(conn.response("UIDVALIDITY")[1][0])
    cursor = _cursor(config.mailbox, validity)
    found = _ok(conn.uid("SEARCH", None, f"UID {cursor.last_uid + 1}:*")) or []
    # "n:*" always answers the highest UID, even one below n: keep only the unseen-by-us ones
    uids = sorted(int(u) for u in b" ".join(x for x in found if x).split() if int(u) > cursor.last_uid)
    for uid in uids[:BATCH]:
        raw = _fetch(conn, uid)
        done = mailbox.receive(raw, source="imap", imap=(config.mailbox, validity, uid))
        counts["new" if done.new else "repeated"] += 1
        counts["failed"] += done.mail.state == "failed"
        _ok(conn.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"))
        _advance(config.mailbox, validity, uid)


def _fetch(conn: imaplib.IMAP4, uid: int) -> bytes:
    typ, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
    _ok((typ, data))
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    raise imaplib.IMAP4.error(f"FETCH of UID {uid} returned no body")


def _cursor(name: str, validity: int) -> ImapCursor:
    """The folder's cursor; a new UIDVALIDITY starts from UID 0 (the folder was renumbered)."""
    row = db.session.get(ImapCursor, name)
    if row is None:
        row = ImapCursor(mailbox=name, uidvalidity=validity, last_uid=0)
        db.session.add(row)
    elif row.uidvalidity != validity:
        log.warning("mailbox %s: UIDVALIDITY changed %s -> %s; reading it again (known mails are skipped)",
                    name, row.uidvalidity, validity)
        row.uidvalidity, row.last_uid = validity, 0
    row.polled_at, row.last_error = clock_now(), None
    db.session.commit()
    return row


def _advance(name: str, validity: int, uid: int) -> None:
    row = db.session.get(ImapCursor, name, populate_existing=True)
    if row.uidvalidity == validity and uid > row.last_uid:
        row.last_uid = uid
    db.session.commit()


def _note_error(config: ImapConfig, exc: Exception) -> None:
    db.session.rollback()
    row = db.session.get(ImapCursor, config.mailbox)
    if row is not None:
        row.last_error, row.polled_at = f"{type(exc).__name__}: {exc}"[:2000], clock_now()
        db.session.commit()


def _ok(answer):
    typ, data = answer
    if typ != "OK":
        raise imaplib.IMAP4.error(f"IMAP answered {typ}: {data!r}"[:300])
    return data


def _quoted(folder: str) -> str:
    """A folder name as an IMAP string (names with spaces or quotes must be quoted)."""
    if re.fullmatch(r"[A-Za-z0-9_./-]+", folder):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
