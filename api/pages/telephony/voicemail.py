"""语音留言: the voicemail queue. Listen first, then register, merge into an open case, or discard."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.pages.telephony.calls import playback_configured, present_all, waited_text
from api.pages.web import page_actor
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.localtime import local_date, local_midnight
from engine.ports import now as clock_now
from engine.telephony import voicemail

bp = Blueprint("voicemail", __name__)


def discard_reasons() -> dict[str, str]:
    return {"silent": _("Silence or hung up at once"), "wrong_number": _("Wrong number"), "test": _("A test"),
            "nuisance": _("Nuisance"), "repeat": _("Said again in a later message"), "other": _("Other (say what)")}


@bp.get("/voicemail")
@login_required
def queue():
    """Open messages oldest first, each with its player and what to do with it; and today's decisions."""
    actor = page_actor()
    rows, total = voicemail.waiting(actor=actor)
    today = local_midnight(local_date(clock_now()))
    done = voicemail.handled_since(actor=actor, since=today)
    tab = "handled" if request.args.get("tab") == "handled" else "open"
    return render_template("pages/telephony/voicemail.html", tab=tab, open_rows=present_all(rows, actor),
                           total=total, handled_rows=present_all(done, actor), reasons=discard_reasons(),
                           waited={r.id: waited_text(r.arrived_at) for r in rows}, playback=playback_configured())


@bp.post("/voicemail/<id:call_record_id>/merge")
@login_required
def merge(call_record_id: int):
    """Add the message to an open case (its number typed or pasted)."""
    try:
        row = voicemail.merge(actor=page_actor(), call_record_id=call_record_id,
                              case_no=request.form.get("case_no", ""), note=request.form.get("note", ""))
        flash(_("The message was added to the case's timeline."), "success")
        return redirect(url_for("case_pages.case_page", case_id=row.case_id))
    except ValidationFailed:
        flash(_("No open case with that number in your scope: check the case number."), "error")
    except (NotFound, WrongState) as exc:
        flash(_why(exc), "error")
    return redirect(url_for("voicemail.queue"))


@bp.post("/voicemail/<id:call_record_id>/discard")
@login_required
def discard(call_record_id: int):
    """Set the message aside with a reason."""
    try:
        voicemail.discard(actor=page_actor(), call_record_id=call_record_id,
                          reason=request.form.get("reason", ""), note=request.form.get("note", ""))
        flash(_("Message set aside."), "success")
    except ValidationFailed:
        flash(_("Choose why the message is set aside (and say what, for 'other')."), "error")
    except (NotFound, WrongState) as exc:
        flash(_why(exc), "error")
    return redirect(url_for("voicemail.queue"))


def _why(exc: Exception) -> str:
    if isinstance(exc, voicemail.NotHeard):
        return _("Listen to the message first.")
    if isinstance(exc, NotFound):
        return _("That message does not exist.")
    return _("That message was dealt with already by someone else.")
