"""The mayor's mailbox page (市长信箱): upload .eml files, see every mail received with what became
of it (its case, or why it failed), download a kept mail, retry a failed one.

For the admins who run the mailbox and the center's triage (dispatchers, shift leads). The raw
mail and the sender unmasked are the citizen's personal data: the admin sees the sender masked and
cannot download the mail (engine.channels.mailbox.RAW_ROLES).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.messages import field_label, say
from api.pages.consoles.common import require
from engine.channels import mailbox
from engine.errors import DomainError
from engine.models import InboundMail
from engine.organisation import roles as R

bp = Blueprint("admin_mailbox", __name__)
MAX_FILE_BYTES = 5 * 1024 * 1024      # one .eml; a mail with larger attachments comes in over IMAP
MAX_FILES = 10                        # per upload
STATES = ("received", "parsed", "failed")


@dataclass
class UploadResult:
    """What became of one uploaded file, for the page."""

    filename: str
    ok: bool
    text: str
    mail_id: int | None = None
    case_no: str | None = None


@bp.before_request
def _allow_several_files():
    # the app's request limit is for one attachment; an upload here holds up to MAX_FILES mails
    if request.endpoint == "admin_mailbox.upload":
        request.max_content_length = MAX_FILES * MAX_FILE_BYTES + 1024 * 1024


@bp.get("/admin/mailbox")
@login_required
def index():
    require(*mailbox.MAILBOX_ROLES)
    return _page([])


@bp.post("/admin/mailbox/upload")
@login_required
def upload():
    """Each chosen .eml is received like a polled mail; the page lists what became of each."""
    actor = require(*mailbox.MAILBOX_ROLES)
    chosen = [f for f in request.files.getlist("files") if f and f.filename]
    if not chosen:
        flash(_("Choose one or more .eml files."), "error")
        return _page([], status=422)
    if len(chosen) > MAX_FILES:
        flash(_("At most %(n)s files at once.", n=MAX_FILES), "error")
        return _page([], status=422)
    results = [_receive_one(f.filename, f.read(MAX_FILE_BYTES + 1), actor.user_id) for f in chosen]
    return _page(results, status=200 if any(r.ok for r in results) else 422)


def _receive_one(filename: str, data: bytes, user_id: int) -> UploadResult:
    if not data:
        return UploadResult(filename, False, _("The file is empty."))
    if len(data) > MAX_FILE_BYTES:
        return UploadResult(filename, False, _("Larger than %(mb)s MB: not received.", mb=MAX_FILE_BYTES // (1024 * 1024)))
    done = mailbox.receive(data, source="upload", uploaded_by_id=user_id)
    row, case_no = done.mail, mailbox.case_no_of(done.mail)
    if row.state == "parsed":
        text = _("Case %(no)s opened.", no=case_no) if done.new else _("Received before: case %(no)s.", no=case_no)
        return UploadResult(filename, True, text, row.id, case_no)
    reasons = "；".join(failure_reasons(row))
    text = _("Kept but not opened: %(why)s", why=reasons) if done.new else _("Received before, failed: %(why)s", why=reasons)
    return UploadResult(filename, False, text, row.id)


@bp.post("/admin/mailbox/<id:mail_id>/retry")
@login_required
def retry(mail_id: int):
    actor = require(*mailbox.MAILBOX_ROLES)
    try:
        row = mailbox.retry(mail_id=mail_id, actor=actor)
    except DomainError as exc:
        flash(say(exc.message), "error")
        return redirect(url_for("admin_mailbox.index"))
    if row.state == "parsed":
        flash(_("Case %(no)s opened.", no=mailbox.case_no_of(row)), "success")
    else:
        flash(_("Failed again: %(why)s", why="；".join(failure_reasons(row))), "error")
    return redirect(url_for("admin_mailbox.index", state=request.args.get("state", "")))


@bp.get("/admin/mailbox/<id:mail_id>/raw")
@login_required
def raw(mail_id: int):
    """The kept mail as received, as a download (never rendered: it is the citizen's HTML)."""
    actor = require(*mailbox.RAW_ROLES)
    row, path = mailbox.raw_of(mail_id=mail_id, actor=actor)
    response = send_file(path, mimetype="message/rfc822", as_attachment=True, download_name=f"mail-{row.id}.eml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response


def failure_reasons(row: InboundMail) -> list[str]:
    """Why a mail failed, in the reader's language (a refused intake field is named)."""
    out = []
    for item in row.notes or []:
        if item.get("kind") != "failure":
            continue
        text = say(mailbox.message_of(item["message"]))
        out.append(f"{field_label(item['field'], 'intake')}：{text}" if item.get("field") else text)
    return out or ([row.failure_detail] if row.failure_detail else [])


def attachment_notes(row: InboundMail) -> list[str]:
    return [f"{item.get('file', '')}：{say(mailbox.message_of(item['message']))}"
            for item in row.notes or [] if item.get("kind") == "attachment_refused"]


def masked_sender(address: str) -> str:
    """z***@example.com: the admin sees that a mail has a sender, not who it is."""
    local, at, domain = address.partition("@")
    return (local[:1] + "***" + at + domain) if local else ""


def _page(results: list[UploadResult], status: int = 200):
    actor = require(*mailbox.MAILBOX_ROLES)
    state = request.args.get("state", "")
    if state and state not in STATES:
        abort(404)
    personal = actor.has(*R.PERSONAL_DATA_ROLES)
    rows = [{"mail": row, "case_no": case_no, "reasons": failure_reasons(row) if row.state == "failed" else [],
             "attachments": attachment_notes(row),
             "sender": row.sender if personal else masked_sender(row.sender),
             "sender_name": row.sender_name if personal else ""}
            for row, case_no in mailbox.recent(actor=actor, state=state or None)]
    return render_template("pages/admin/mailbox.html", rows=rows, results=results, state=state, states=STATES,
                           can_download=actor.has(*mailbox.RAW_ROLES), max_mb=MAX_FILE_BYTES // (1024 * 1024),
                           max_files=MAX_FILES), status
