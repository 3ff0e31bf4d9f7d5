"""Attachments: upload with size and type limits, list, fetch — scoped like the case itself."""
from __future__ import annotations

import os

from sqlalchemy import select

from engine.cases.unit import case_action
from engine.cases.visible import get_case
from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed
from engine.models import Attachment, User
from engine.organisation import Actor, roles as R, scope
from engine.storage import store
from forms.messages import msg

MAX_BYTES = 10 * 1024 * 1024
MAX_AT_INTAKE = 5        # photos and documents the citizen sent with the request
# extension -> (content type, magic prefixes): the bytes must be what the name says, so an HTML or
# script file renamed .jpg is refused instead of being served back to another user's browser.
ALLOWED = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)), ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)), ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".webp": ("image/webp", (b"RIFF",)), ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)), ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")), ".wav": ("audio/wav", (b"RIFF",)),
    ".amr": ("audio/amr", (b"#!AMR",)), ".txt": ("text/plain", ()),
}
UPLOAD_ROLES = (R.AGENT, R.DISPATCHER, R.SHIFT_LEAD, R.SUPERVISOR, R.CENTER_LEADER, R.VISITOR, R.HANDLER,
                R.DEPT_LEADER)


def check(filename: str, data: bytes) -> str:
    """The content type of an acceptable file, or ValidationFailed naming the `file` field."""
    ext = os.path.splitext(filename.lower())[1]
    if not data:
        raise ValidationFailed({"file": [msg("file_empty", "the file is empty")]})
    if len(data) > MAX_BYTES:
        raise ValidationFailed({"file": [msg("file_too_large", "larger than %(mb)s MB", mb=MAX_BYTES // (1024 * 1024))]})
    if ext not in ALLOWED:
        raise ValidationFailed({"file": [msg("file_type", "type not allowed; allowed: %(types)s", types=", ".join(sorted(ALLOWED)))]})
    content_type, magics = ALLOWED[ext]
    if magics and not data.startswith(magics):
        raise ValidationFailed({"file": [msg("file_content", "the content is not a %(ext)s file", ext=ext)]})
    if ext == ".txt" and b"\x00" in data[:4096]:
        raise ValidationFailed({"file": [msg("file_not_text", "the content is not text")]})
    return content_type


def _clean_name(filename: str) -> str:
    """The file's own name, without any folder a browser or client put before it."""
    return os.path.basename((filename or "").replace("\\", "/")).strip()[:200] or "file"


def check_intake_files(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes, str]]:
    """(name, bytes, content type) of the files given at intake, all acceptable; otherwise
    ValidationFailed under `attachments` naming each refused file (nothing is registered)."""
    if len(files) > MAX_AT_INTAKE:
        raise ValidationFailed({"attachments": [msg("too_many_files", "at most %(n)s files", n=MAX_AT_INTAKE)]})
    accepted, refused = [], []
    for filename, data in files:
        name = _clean_name(filename)
        try:
            accepted.append((name, data, check(name, data)))
        except ValidationFailed as exc:
            refused += [msg("file_refused", "%(file)s: %(why)s", file=name, why=why) for why in exc.errors["file"]]
    if refused:
        raise ValidationFailed({"attachments": refused})
    return accepted


def attach_at_intake(case_id: int, files: list[tuple[str, bytes, str]], *, actor_id: int, now) -> list[dict]:
    """Store checked intake files and add their rows, in the intake's transaction; returns the
    audit events to record with it."""
    events = []
    for name, data, content_type in files:
        digest = store().put(data)   # before the commit: a rollback leaves at most an orphan file
        db.session.add(Attachment(case_id=case_id, filename=name, content_type=content_type, size=len(data),
                                  sha256=digest, uploaded_by_id=actor_id, uploaded_at=now))
        events.append({"filename": name, "size": len(data), "sha256": digest})
    return events


def add(*, case_id: int, actor: Actor, filename: str, data: bytes) -> Attachment:
    """Attach a file to a case the actor may see; an audit event records it."""
    actor.require(*UPLOAD_ROLES)
    filename = _clean_name(filename)
    content_type = check(filename, data)
    digest = store().put(data)       # before the transaction: a rollback leaves at most an orphan file
    with case_action(case_id, actor_id=actor.user_id, touch=False) as action:
        scope.check_case_visible(actor, action.case)
        row = Attachment(case_id=case_id, filename=filename, content_type=content_type, size=len(data),
                         sha256=digest, uploaded_by_id=actor.user_id, uploaded_at=action.now)
        db.session.add(row)
        action.event("attachment_added", actor_id=actor.user_id,
                     data={"filename": filename, "size": len(data), "sha256": digest})
    return row


def list_for(*, case_id: int, actor: Actor) -> list[Attachment]:
    get_case(case_id=case_id, actor=actor)
    return list(db.session.execute(select(Attachment).where(Attachment.case_id == case_id)
                                   .order_by(Attachment.id)).scalars())


def _own_department(actor: Actor, row: Attachment) -> bool:
    """Whether a department user's own department (or one below it) added the file."""
    if not actor.roles & R.DEPARTMENT_ROLES or row.uploaded_by_id is None:
        return False
    uploader = db.session.get(User, row.uploaded_by_id)
    return uploader is not None and scope.in_subtree(actor, uploader.department_id)


def fetch(*, attachment_id: int, actor: Actor) -> tuple[Attachment, str]:
    """The attachment and the path of its bytes, if the actor may see its case."""
    row = db.session.get(Attachment, attachment_id)
    if row is None:
        raise NotFound(msg("attachment_not_found", "attachment %(id)s not found", id=attachment_id))
    case = get_case(case_id=row.case_id, actor=actor)
    if not scope.may_see_personal_data(actor, case) and case.confidential and not _own_department(actor, row):
        raise PermissionDenied(msg("attachment_masked", "the citizen's files of a confidential case are masked for you"))
    path = store().path(row.sha256)
    if not path.exists():
        raise NotFound(msg("attachment_missing", "the file of attachment %(id)s is missing from the store", id=attachment_id))
    return row, str(path)
