"""The IMAP poller against a real IMAP server: Dovecot (Debian's dovecot-imapd), started by the
test with its own configuration in a temporary folder, listening on 127.0.0.1 only."""
from __future__ import annotations

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.channels import mailbox_imap
from engine.db import db
from engine.models import Attachment, Case, ImapCursor, InboundMail
from tests.engine.channels.test_mailbox_parse import html_mail_with_photo, malformed_mail, plain_mail, tiny_png

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
USER, PASSWORD = "mayor", "test-only-secret"
CONF = """protocols = imap
listen = 127.0.0.1
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 1
mail_location = maildir:{d}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {d}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accounts() -> tuple[str, str, str, int, int]:
    """(internal user, its group, login user, mail uid, mail gid). Unprivileged, everything runs as
    the current user; as root, Dovecot refuses root for its processes, so Debian's own
    unprivileged `dovecot` and `dovenull` accounts (made by the package) serve."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, grp.getgrgid(os.getegid()).gr_name, me.pw_name, me.pw_uid, me.pw_gid
    internal = pwd.getpwnam("dovecot")
    return "dovecot", grp.getgrgid(internal.pw_gid).gr_name, "dovenull", internal.pw_uid, internal.pw_gid


@pytest.fixture(scope="module")
def imap_server():
    if DOVECOT is None:
        pytest.skip("dovecot is not installed (Debian: apt-get install dovecot-imapd; scripts/setup-system.sh)")
    folder = Path(tempfile.mkdtemp(prefix="hotline-dovecot-"))   # not pytest's tmp: mail processes must reach it
    internal, group, login, uid, gid = _accounts()
    port = _free_port()
    for sub in ("run", "state", "mail", "home"):
        (folder / sub).mkdir()
    (folder / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{folder}/home\n")
    (folder / "dovecot.conf").write_text(CONF.format(d=folder, internal=internal, group=group, login=login, port=port))
    folder.chmod(0o755)
    for sub in ("mail", "home"):
        os.chown(folder / sub, uid, gid)
    subprocess.run([DOVECOT, "-c", str(folder / "dovecot.conf")], check=True, timeout=30)
    try:
        _wait_for(port, folder)
        yield mailbox_imap.ImapConfig(host="127.0.0.1", port=port, user=USER, password=PASSWORD, use_ssl=False)
    finally:
        pid = (folder / "run" / "master.pid").read_text().strip() if (folder / "run" / "master.pid").exists() else ""
        if pid:
            os.kill(int(pid), 15)          # the master we started stops its children
            time.sleep(0.3)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for(port: int, folder: Path) -> None:
    for _ in range(100):
        try:
            conn = imaplib.IMAP4("127.0.0.1", port, timeout=5)
            conn.login(USER, PASSWORD)
            conn.logout()
            return
        except (OSError, imaplib.IMAP4.error):
            time.sleep(0.1)
    log = (folder / "dovecot.log").read_text() if (folder / "dovecot.log").exists() else ""
    raise RuntimeError(f"dovecot did not answer on {port}: {log[-2000:]}")


def _deliver(config, *mails: bytes) -> None:
    conn = imaplib.IMAP4(config.host, config.port, timeout=10)
    conn.login(config.user, config.password)
    for raw in mails:
        typ, _ = conn.append(config.folder, None, None, raw)
        assert typ == "OK"
    conn.logout()


def _seen_flags(config) -> dict[int, bool]:
    conn = imaplib.IMAP4(config.host, config.port, timeout=10)
    conn.login(config.user, config.password)
    conn.select(config.folder, readonly=True)
    _typ, data = conn.uid("FETCH", "1:*", "(FLAGS)")
    conn.logout()
    out = {}
    for line in data:
        text = line.decode() if isinstance(line, bytes) else line[0].decode()
        out[int(text.split("UID ")[1].split()[0].rstrip(")"))] = "\\Seen" in text
    return out


def count(model, *where) -> int:
    return db.session.execute(select(func.count()).select_from(model).where(*where)).scalar()


def test_three_mails_make_two_cases_and_one_kept_failure_and_polling_again_makes_nothing(app, imap_server):
    _deliver(imap_server, plain_mail(), html_mail_with_photo(), malformed_mail())

    assert mailbox_imap.poll(imap_server) == {"new": 3, "repeated": 0, "failed": 1}
    mails = db.session.execute(select(InboundMail).order_by(InboundMail.imap_uid)).scalars().all()
    assert [(m.imap_uid, m.state, m.source) for m in mails] == [(1, "parsed", "imap"), (2, "parsed", "imap"),
                                                                (3, "failed", "imap")]
    assert mails[2].failure_code == "mail_malformed" and mails[2].case_id is None
    assert {c.channel for c in db.session.execute(select(Case)).scalars()} == {"mailbox"} and count(Case) == 2
    [photo] = db.session.execute(select(Attachment).where(Attachment.case_id == mails[1].case_id)).scalars().all()
    assert photo.filename == "现场照片.png" and photo.size == len(tiny_png())
    assert _seen_flags(imap_server) == {1: True, 2: True, 3: True}       # flagged, not deleted
    cursor = db.session.get(ImapCursor, imap_server.mailbox)
    assert cursor.last_uid == 3 and cursor.last_error is None

    assert mailbox_imap.poll(imap_server) == {"new": 0, "repeated": 0, "failed": 0}
    db.session.execute(db.update(ImapCursor).values(last_uid=0))           # a lost cursor reads all again
    db.session.commit()
    assert mailbox_imap.poll(imap_server) == {"new": 0, "repeated": 3, "failed": 1}
    assert count(Case) == 2 and count(InboundMail) == 3

    _deliver(imap_server, plain_mail(message_id="<plain-2@citizen.example>", subject="又一封信"))
    assert mailbox_imap.poll(imap_server)["new"] == 1 and count(Case) == 3
    assert db.session.get(ImapCursor, imap_server.mailbox, populate_existing=True).last_uid == 4


def test_a_wrong_password_is_recorded_on_the_cursor_and_raised(app, imap_server):
    _deliver(imap_server, plain_mail(message_id="<pw@x>"))
    mailbox_imap.poll(imap_server)
    wrong = mailbox_imap.ImapConfig(host=imap_server.host, port=imap_server.port, user=USER, password="nope",
                                    use_ssl=False)
    with pytest.raises(imaplib.IMAP4.error):
        mailbox_imap.poll(wrong)
    assert "AUTHENTICATIONFAILED" in (db.session.get(ImapCursor, wrong.mailbox, populate_existing=True).last_error or "")


def test_the_scheduler_job_polls_only_when_configured(app, imap_server, monkeypatch):
    for name in ("HOST", "PORT", "USER", "PASSWORD", "SSL", "FOLDER"):
        monkeypatch.delenv(f"MAILBOX_IMAP_{name}", raising=False)
    assert mailbox_imap.poll_configured() == {"resumed": 0}
    monkeypatch.setenv("MAILBOX_IMAP_HOST", imap_server.host)
    monkeypatch.setenv("MAILBOX_IMAP_PORT", str(imap_server.port))
    monkeypatch.setenv("MAILBOX_IMAP_USER", USER)
    monkeypatch.setenv("MAILBOX_IMAP_PASSWORD", PASSWORD)
    monkeypatch.setenv("MAILBOX_IMAP_SSL", "0")
    counts = mailbox_imap.poll_configured()
    assert set(counts) == {"resumed", "new", "repeated", "failed"} and count(InboundMail) == counts["new"] + counts["repeated"]
    from engine import scheduler
    assert "mailbox" in [name for name, _fn, _s in scheduler.job_table(lambda: None, {})]
