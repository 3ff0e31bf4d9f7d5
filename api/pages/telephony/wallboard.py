"""The shift lead's wallboard (监控大屏): queues, agents by state, today's calls, call loss by stage,
open callbacks and the smart-dissuasion switch, readable from across the room.

The figures come from engine.telephony.call_center.wallboard (live queues from the telephony
worker's snapshot, agent states, today's call records); `board()` turns them into one JSON
document with its labels and alarms already decided, which the page renders first and
api/static/js/wallboard.js redraws from the event stream (or, failing that, from /wallboard/data).
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from api.pages.consoles.common import require
from api.pages.filters import local_time, queue_label
from api.pages.web import page_actor, session_valid
from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed
from engine.localtime import local_date, local_midnight
from engine.organisation import settings
from engine.ports import now as clock_now
from engine.telephony import call_center

bp = Blueprint("wallboard", __name__)

WAIT_ALARM_SECONDS = 60     # a longest wait above this shows red
RATE_ALARM = 0.80           # a 15-second answer rate below this shows red
STREAM_INTERVAL = 2.0       # seconds between two board events
STREAM_SECONDS = 300        # a stream ends after this; EventSource reconnects
RETRY_MS = 2000
AGENT_STATES = ("ready", "ringing", "talking", "break")
LOSS_STAGES = ("trunk", "ivr", "queue", "agent")
PEAK_MODES = (0, 1, 2)


def day_start(now: datetime | None = None) -> datetime:
    """Midnight of today in Asia/Shanghai, as stored (naive UTC)."""
    today = local_date(now or clock_now())
    return local_midnight(today)


def mm_ss(seconds) -> str:
    """A wait as mm:ss (minutes go past 59 rather than wrap)."""
    total = max(int(seconds or 0), 0)
    return f"{total // 60:02d}:{total % 60:02d}"


def percent(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def agent_labels() -> dict[str, str]:
    return {"ready": _("Agents ready"), "ringing": _("Agents ringing"), "talking": _("Agents talking"),
            "break": _("Agents on break")}


def loss_labels() -> dict[str, str]:
    return {"trunk": _("Lost at trunk"), "ivr": _("Lost in IVR"), "queue": _("Lost in queue"),
            "agent": _("Lost at agent")}


def peak_mode_labels(queue_length: int) -> dict[str, str]:
    return {"0": _("Always off"), "1": _("Always on"), "2": _("Auto at %(n)s waiting", n=queue_length)}


def queue_rows(live_queues: list[dict]) -> list[dict]:
    """The live queues as the board shows them (each switch's own when there are several)."""
    rows = []
    several = len({q.get("switch") for q in live_queues}) > 1    # several switches: say whose queue
    for q in live_queues:
        wait = int(q.get("longest_wait") or 0)
        label = queue_label(str(q.get("name") or ""))
        if several and q.get("switch"):
            label = _("%(queue)s (switch %(switch)s)", queue=label, switch=str(q["switch"]))
        rows.append({"name": str(q.get("name") or ""), "label": label, "waiting": int(q.get("waiting") or 0),
                     "ringing": int(q.get("ringing") or 0), "longest_wait": wait,
                     "longest_wait_text": mm_ss(wait), "alarm": wait > WAIT_ALARM_SECONDS})
    return rows


def board(actor) -> dict:
    """The wallboard's figures as JSON-ready data: numbers, their display text, labels, alarms."""
    raw = call_center.wallboard(actor=actor, day_start=day_start())
    queues = queue_rows(raw["queues"])
    rate = raw["answer_rate_15s"]
    live_at = local_time(raw["live_at"], "%H:%M:%S") if raw["live_at"] else None
    if not raw["live_stale"]:
        stale_label = ""
    elif live_at:
        stale_label = _("Live data stale: the telephony worker last reported at %(at)s.", at=live_at)
    else:
        stale_label = _("Live data stale: no report from the telephony worker yet.")
    mode, queue_length = int(raw["peak_mode"]), int(raw["peak_queue_length"])
    modes = peak_mode_labels(queue_length)
    agent_names, loss_names = agent_labels(), loss_labels()
    return {
        "generated_at": raw["generated_at"].replace(tzinfo=timezone.utc).isoformat(),
        "clock": local_time(raw["generated_at"], "%H:%M:%S"),
        "live_at": live_at, "live_stale": bool(raw["live_stale"]), "stale_label": stale_label,
        "queues": queues,
        "waiting": int(raw["waiting"]), "longest_wait": int(raw["longest_wait"]),
        "longest_wait_text": mm_ss(raw["longest_wait"]), "longest_wait_alarm": raw["longest_wait"] > WAIT_ALARM_SECONDS,
        "agents": [{"state": s, "label": agent_names[s], "count": int(raw["agents"].get(s, 0))} for s in AGENT_STATES],
        "offered": raw["offered"], "answered": raw["answered"],
        "answer_rate_15s": rate, "answer_rate_text": percent(rate),
        "answer_rate_alarm": rate is not None and rate < RATE_ALARM,
        "loss": [{"stage": s, "label": loss_names[s], "count": int(raw["loss"][s])} for s in LOSS_STAGES],
        "loss_total": sum(int(raw["loss"][s]) for s in LOSS_STAGES),
        "overflow": raw["overflow"], "dissuaded": raw["dissuaded"], "callbacks_open": raw["callbacks_open"],
        "queues_today": [{"name": q["queue"], "label": q["label"], "calls": q["calls"], "answered": q["answered"],
                          "answered_text": percent(q["answered"] / q["calls"] if q["calls"] else None)}
                         for q in raw["queues_today"]],
        "peak": {"on": bool(raw["peak_on"]), "mode": mode, "queue_length": queue_length,
                 "state_label": _("Dissuasion on") if raw["peak_on"] else _("Dissuasion off"),
                 "mode_label": modes.get(str(mode), str(mode)), "mode_labels": modes},
    }


# --- the page ------------------------------------------------------------------------------------
@bp.get("/wallboard")
@login_required
def wallboard():
    """The board, rendered with the figures as they are now; the script keeps it live."""
    return _page(require(*call_center.LEAD_ROLES))


def _page(actor, error: str = "", status: int = 200):
    data = board(actor)
    db.session.rollback()
    return render_template("pages/telephony/wallboard.html", board=data, error=error, wait_alarm=WAIT_ALARM_SECONDS,
                           rate_alarm=int(RATE_ALARM * 100)), status


@bp.post("/wallboard/peak")
@login_required
def set_peak():
    """The 3-way smart-dissuasion switch: 0 off, 1 on, 2 automatic by queue length."""
    actor = require(*call_center.LEAD_ROLES)
    raw = request.form.get("mode", "").strip()
    try:
        if raw not in {str(m) for m in PEAK_MODES}:
            raise ValidationFailed({"mode": ["must be 0 (off), 1 (on) or 2 (automatic)"]})
        mode = call_center.set_peak_mode(actor=actor, mode=int(raw),
                                         reason=request.form.get("reason", "").strip()[:200] or "wallboard")
    except ValidationFailed:
        db.session.rollback()
        return _page(actor, _("Choose off, on or automatic for smart dissuasion."), 422)
    queue_length = int(settings.snapshot()["telephony.peak_queue_length"])
    db.session.rollback()
    flash(_("Smart dissuasion: %(mode)s.", mode=peak_mode_labels(queue_length)[str(mode)]), "success")
    return redirect(url_for("wallboard.wallboard"))


# --- data for the script -------------------------------------------------------------------------
def _lead_or_error():
    """The actor, or the JSON answer refusing them (these endpoints never redirect to a page)."""
    if not current_user.is_authenticated:
        return None, (jsonify(code=401, message="sign in first"), 401)
    actor = page_actor()
    if not actor.has(*call_center.LEAD_ROLES):
        return None, (jsonify(code=403, message="the wallboard is for shift leads and center leaders"), 403)
    return actor, None


@bp.get("/wallboard/data")
def data():
    """The figures as JSON (the script's fallback when the event stream fails)."""
    actor, refused = _lead_or_error()
    if refused:
        return refused
    body = board(actor)
    db.session.rollback()
    response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/wallboard/stream")
def stream():
    """Server-sent events: `board` with the figures every STREAM_INTERVAL seconds, for STREAM_SECONDS."""
    actor, refused = _lead_or_error()
    if refused:
        return refused
    db.session.rollback()
    session_id = current_user.get_id()

    def events():
        yield f"retry: {RETRY_MS}\n\n"
        ends = time.monotonic() + STREAM_SECONDS
        while True:
            if not session_valid(session_id):
                return      # signed out elsewhere: the reconnect is refused
            try:
                body = board(actor)
            except PermissionDenied:
                return      # roles changed meanwhile: the reconnect gets its 403
            finally:
                db.session.rollback()   # no transaction (SQLite: no write lock) held between events
            yield f"event: board\ndata: {json.dumps(body, ensure_ascii=False)}\n\n"
            if time.monotonic() + STREAM_INTERVAL >= ends:
                return
            time.sleep(STREAM_INTERVAL)

    response = Response(stream_with_context(events()), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"   # a proxy must pass each event on at once
    return response
