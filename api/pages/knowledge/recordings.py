"""Call recordings shared into the knowledge base: the share form (from a call) and playback of a
shared recording or its cut (engine.knowledge.recordings decides who may)."""
from __future__ import annotations

import io
import wave

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import parse_id
from api.pages.web import page_actor
from engine.errors import ValidationFailed
from engine.knowledge import access, articles, recordings
from engine.telephony import call_center

bp = Blueprint("knowledge_recordings", __name__)


@bp.route("/knowledge/share", methods=["GET", "POST"])
@login_required
def share():
    """Pick the article (searched) and the cut; the call comes from the call page's link (?call=)."""
    actor = page_actor()
    actor.require(*access.SHARE_ROLES)
    call_id = parse_id(request.values.get("call"))
    call = call_center.get_call(actor=actor, call_record_id=call_id) if call_id else None
    values, errors, status = request.values.to_dict(), {}, 200
    if request.method == "POST":
        try:
            row = recordings.share(actor=actor, article_id=parse_id(values.get("article_id")) or 0,
                                   call_record_id=call_id or 0, start_second=values.get("start_second"),
                                   end_second=values.get("end_second"), note=values.get("note", ""))
            flash(_("The recording is shared into the article."), "success")
            return redirect(url_for("knowledge.show", article_id=row.article_id))
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
    q = (values.get("q") or "").strip()[:200]
    found = articles.list_articles(actor=actor, q=q, state="published", page_size=10) if q else None
    return render_template("pages/knowledge/share.html", call=call, values=values, errors=errors, found=found,
                           q=q), status


@bp.get("/knowledge/recordings/<id:recording_id>/audio")
@login_required
def audio(recording_id: int):
    """The shared recording: a WAV cut to its start..end seconds here, so only the excerpt leaves."""
    actor = page_actor()
    row, call = recordings.for_listening(actor=actor, recording_id=recording_id)
    config = current_app.config
    path = call_center.recording_file(actor=actor, call_record_id=call.id, which="recording",
                                      switch_dir=config.get("TELEPHONY_SWITCH_DIR") or "",
                                      local_dir=config.get("TELEPHONY_RECORDINGS_DIR") or "")
    if path.suffix.lower() == ".wav" and (row.start_second is not None or row.end_second is not None):
        body = _cut_wav(path, row.start_second or 0, row.end_second)
        response = send_file(io.BytesIO(body), mimetype="audio/wav", download_name=f"kb-{row.id}.wav", max_age=0)
    else:
        response = send_file(path, mimetype="audio/wav" if path.suffix.lower() == ".wav" else "audio/mpeg",
                             conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"      # a citizen's voice
    return response


def _cut_wav(path, start: int, end: int | None) -> bytes:
    with wave.open(str(path), "rb") as source:
        rate, frames = source.getframerate(), source.getnframes()
        first = min(frames, start * rate)
        last = frames if end is None else min(frames, end * rate)
        source.setpos(first)
        data = source.readframes(max(0, last - first))
        out = io.BytesIO()
        with wave.open(out, "wb") as target:
            target.setparams(source.getparams())
            target.writeframes(data)
    return out.getvalue()
