"""Attachment upload (multipart, CSRF) and download (as a download, never rendered inline)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.messages import say
from api.pages.web import page_actor
from engine.cases import attachments
from engine.errors import DomainError, ValidationFailed

bp = Blueprint("attachments", __name__)


@bp.post("/cases/<id:case_id>/attachments")
@login_required
def upload(case_id: int):
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed({"file": [_("choose a file")]})
        attachments.add(case_id=case_id, actor=page_actor(), filename=upload.filename,
                        data=upload.read(attachments.MAX_BYTES + 1))
        flash(_("Attachment added."), "success")
    except ValidationFailed as exc:
        flash("；".join(say(m) for m in exc.errors.get("file", [])) or say(exc.message), "error")
    except DomainError as exc:
        flash(say(exc.message), "error")
    return redirect(url_for("case_pages.case_page", case_id=case_id) + "#attachments")


@bp.get("/attachments/<id:attachment_id>")
@login_required
def download(attachment_id: int):
    row, path = attachments.fetch(attachment_id=attachment_id, actor=page_actor())
    response = send_file(path, mimetype=row.content_type, as_attachment=True, download_name=row.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"
    return response
