"""Call pages: the call list, one call with its timings, recording and voicemail, the audio files
themselves (streamed with range requests, access-checked) and the callback list.

Access is decided by engine.telephony.call_center: the center roles that work calls see every
call; anyone else only the calls linked to a case they may see. Numbers are masked as on the case
pages (api.rest.presenters.may_see_personal_data). The page never needs a full number to dial:
click-to-call buttons carry the call's id (api/static/js/phone.js).
"""
from __future__ import annotations

import logging
import re
from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, or_, select

from api.inputs import parse_day, parse_page
from api.pages.filters import label, local_time
from api.pages.telephony.call_controls import audit_rows
from api.pages.web import next_url, page_actor
from api.rest.presenters import may_see_personal_data
from engine.db import db
from engine.errors import ValidationFailed, WrongState
from engine.localtime import local_date, local_midnight
from engine.models import CallRecord, Case, User
from engine.models.call import OUTCOMES
from engine.organisation import roles as R
from engine.ports import mask_phone, now as clock_now
from engine.telephony import call_center, voicemail as voicemail_queue

log = logging.getLogger(__name__)
bp = Blueprint("calls", __name__)

PAGE_SIZE = 30
COUNT_CAP = 10_000          # the list counts at most this many matches (the table grows by 100k a day)
CALLBACK_LIMIT = 200
OUTCOME_LABELS = {
    "answered": ("已接听", "Answered"), "trunk": ("中继损失", "Lost at the trunk"),
    "ivr": ("IVR损失", "Lost in the IVR"), "queue": ("排队损失", "Lost in the queue"),
    "agent": ("坐席损失", "Lost at the agent"), "overflow": ("溢出留言", "Overflow (voicemail)"),
    "dissuaded": ("劝阻回拨", "Dissuaded (callback)"),
}
OUTCOME_COLOURS = {"answered": "green", "overflow": "yellow", "dissuaded": "yellow"}
CALLBACK_LABELS = {"open": ("待回拨", "Open"), "done": ("已联系上", "Reached"), "failed": ("未联系上", "Gave up")}
AUDIO_TYPES = {".wav": "audio/wav", ".mp3": "audio/mpeg", ".ogg": "audio/ogg"}


# --- presenting a call -------------------------------------------------------------------------------
def seconds_between(start: datetime | None, end: datetime | None) -> int | None:
    """Whole seconds from start to end; None when either is unknown (never negative)."""
    if start is None or end is None:
        return None
    return max(int((end - start).total_seconds()), 0)


def clock_text(seconds: int | None) -> str:
    """0:42, 12:05, 1:02:03; '' when unknown."""
    if seconds is None:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def waiting_seconds(call: CallRecord) -> int | None:
    """Time in the queue: from joining it to the answer, or to the end for a caller who hung up."""
    return seconds_between(call.queued_at, call.answered_at or call.ended_at)


def talk_seconds(call: CallRecord) -> int | None:
    return seconds_between(call.answered_at, call.ended_at)


def outcome_label(code: str | None) -> str:
    return label(OUTCOME_LABELS, code)


def callback_label(code: str | None) -> str:
    return label(CALLBACK_LABELS, code)


def may_see_number(actor, case: Case | None) -> bool:
    """As on the case page: the linked case decides (confidential cases hide it from departments);
    an unlinked call is seen only by center roles that work calls, who may see numbers."""
    if case is not None:
        return may_see_personal_data(actor, case)
    return bool(actor.roles & R.PERSONAL_DATA_ROLES)


def present(call: CallRecord, actor, case: Case | None) -> dict:
    """What a list or the call page shows of one call, numbers masked for the viewer."""
    see = may_see_number(actor, case)

    def shown(number: str | None) -> str:
        return (number if see else mask_phone(number)) if number else ""

    callback_number = call.callback_number if call.callback_number and call.callback_number != call.caller else None
    return {
        "id": call.id, "call": call, "caller": shown(call.caller), "callback_number": shown(callback_number),
        "number_masked": not see, "outcome": call.outcome, "outcome_label": outcome_label(call.outcome),
        "outcome_colour": OUTCOME_COLOURS.get(call.outcome, "red"),
        "case_id": case.id if case is not None else None, "case_no": case.case_no if case is not None else None,
        "wait": clock_text(waiting_seconds(call)), "talk": clock_text(talk_seconds(call)),
        "has_recording": bool(call.recording_path), "has_voicemail": bool(call.voicemail_path),
        "callback_status": call.callback_status, "callback_label": callback_label(call.callback_status),
    }


def present_all(calls: list[CallRecord], actor, case: Case | None = None) -> list[dict]:
    """Many calls at once; the linked cases are read in one query unless `case` is given."""
    if case is not None:
        linked = {case.id: case}
    else:
        ids = {c.case_id for c in calls if c.case_id}
        linked = {c.id: c for c in db.session.execute(select(Case).where(Case.id.in_(ids))).scalars()} if ids else {}
    return [present(c, actor, linked.get(c.case_id)) for c in calls]


def playback_configured() -> bool:
    """Recordings can be played only where the web sees the switch's files (a read-only mount)."""
    return bool(current_app.config.get("TELEPHONY_RECORDINGS_DIR"))


def waited_text(since: datetime | None) -> str:
    """How long a callback entry has been waiting: '12 min', '3 h 05 min', '2 d 4 h'."""
    seconds = seconds_between(since, clock_now())
    if seconds is None:
        return ""
    minutes = seconds // 60
    if minutes < 60:
        return _("%(m)s min", m=minutes)
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return _("%(h)s h %(m)s min", h=hours, m=f"{minutes:02d}")
    days, hours = divmod(hours, 24)
    return _("%(d)s d %(h)s h", d=days, h=hours)


# --- the call list -----------------------------------------------------------------------------------
@bp.get("/calls")
@login_required
def call_list():
    """Calls newest first, filtered by outcome, local day, caller digits and agent; 30 a page."""
    actor = page_actor()
    actor.require(*call_center.CALL_VIEW_ROLES)
    conditions, errors = _list_conditions(request.args)
    page = parse_page(request.args.get("page"))
    rows = list(db.session.execute(
        select(CallRecord).where(*conditions).order_by(CallRecord.arrived_at.desc(), CallRecord.id.desc())
        .limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).scalars())
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    total = db.session.execute(select(func.count()).select_from(
        select(CallRecord.id).where(*conditions).limit(COUNT_CAP + 1).subquery())).scalar()
    return render_template(
        "pages/telephony/calls.html", rows=present_all(rows, actor), args=request.args, errors=errors, page=page,
        more=more, total=total, capped=total > COUNT_CAP, count_cap=COUNT_CAP,
        outcomes=[(code, outcome_label(code)) for code in OUTCOMES],
        can_dial=actor.has(*call_center.PHONE_ROLES))


def _list_conditions(args) -> tuple[list, list[str]]:
    conditions, errors = [], []
    outcome = args.get("outcome", "")
    if outcome in OUTCOMES:
        conditions.append(CallRecord.outcome == outcome)
    day_text = args.get("date", "").strip()
    if day_text:
        day = parse_day(day_text)
        if day is None:
            errors.append(_("Date: a day of the years 1900 to 2999, as YYYY-MM-DD."))
        else:
            conditions += [CallRecord.arrived_at >= local_midnight(day),
                           CallRecord.arrived_at < local_midnight(day, 1)]
    digits = re.sub(r"\D", "", args.get("caller", ""))
    if digits:
        conditions.append(CallRecord.caller.contains(digits, autoescape=True))
    agent = args.get("agent", "").strip()
    if agent:
        # "1001" finds the extension's calls in any domain; "1001@default" exactly that agent
        conditions.append(CallRecord.agent == agent if "@" in agent else
                          or_(CallRecord.agent == agent, CallRecord.agent.startswith(agent + "@", autoescape=True)))
    return conditions, errors


# --- one call -------------------------------------------------------------------------------------
@bp.get("/calls/<id:call_record_id>")
@login_required
def call_page(call_record_id: int):
    """Timestamps, time per stage, outcome, the linked case, the callback, recording and voicemail."""
    actor = page_actor()
    call = call_center.get_call(actor=actor, call_record_id=call_record_id)
    case = db.session.get(Case, call.case_id) if call.case_id else None
    closed_by = db.session.get(User, call.callback_by_id) if call.callback_by_id else None
    return render_template(
        "pages/telephony/call.html", call=call, row=present(call, actor, case), case=case, stages=_stages(call),
        moments=_moments(call), total=clock_text(seconds_between(call.arrived_at, call.ended_at)),
        closed_by=closed_by.display_name if closed_by else None, playback=playback_configured(),
        can_dial=actor.has(*call_center.PHONE_ROLES), controls=audit_rows(call.call_id))


def _moments(call: CallRecord) -> list[tuple[str, str]]:
    fmt = "%Y-%m-%d %H:%M:%S"
    return [(name, local_time(at, fmt)) for name, at in (
        (_("Arrived"), call.arrived_at), (_("IVR answered"), call.ivr_at), (_("Joined the queue"), call.queued_at),
        (_("Offered to an agent"), call.offered_at), (_("Answered by the agent"), call.answered_at),
        (_("Ended"), call.ended_at)) if at is not None]


def _stages(call: CallRecord) -> list[tuple[str, str]]:
    """(stage, duration) for each stage the call went through, in order."""
    end = call.ended_at
    stages = (
        (_("Before the IVR answered"), call.arrived_at, call.ivr_at or end),
        (_("In the IVR"), call.ivr_at, call.queued_at or end),
        (_("Waiting in the queue"), call.queued_at, call.offered_at or call.answered_at or end),
        (_("Ringing at the agent"), call.offered_at, call.answered_at or end),
        (_("Talk"), call.answered_at, end),
    )
    return [(name, clock_text(seconds_between(start, stop))) for name, start, stop in stages
            if start is not None and stop is not None]


# --- recordings and voicemail ----------------------------------------------------------------------
@bp.get("/calls/<id:call_record_id>/recording")
@login_required
def recording(call_record_id: int):
    """The conversation's recording (range requests for seeking; ?download=1 to save it)."""
    return _audio(call_record_id, "recording")


@bp.get("/calls/<id:call_record_id>/voicemail")
@login_required
def voicemail(call_record_id: int):
    """The caller's voicemail (overflow); serving it to an agent counts as their having heard it."""
    response = _audio(call_record_id, "voicemail")
    voicemail_queue.heard(actor=page_actor(), call_record_id=call_record_id)
    return response


def _audio(call_record_id: int, which: str):
    actor = page_actor()
    config = current_app.config
    path = call_center.recording_file(actor=actor, call_record_id=call_record_id, which=which,
                                      switch_dir=config.get("TELEPHONY_SWITCH_DIR") or "",
                                      local_dir=config.get("TELEPHONY_RECORDINGS_DIR") or "")
    call = db.session.get(CallRecord, call_record_id)
    case_no = db.session.execute(select(Case.case_no).where(Case.id == call.case_id)).scalar() if call.case_id else None
    stem = case_no or re.sub(r"[^A-Za-z0-9_.-]", "_", call.call_id)[:64]
    suffix = path.suffix.lower() if path.suffix.lower() in AUDIO_TYPES else ".wav"
    download = request.args.get("download") == "1"
    if download:
        log.info("user %s downloaded the %s of call %s", actor.user_id, which, call_record_id)
    response = send_file(path, mimetype=AUDIO_TYPES[suffix], conditional=True, as_attachment=download,
                         download_name=f"{stem}-{which}{suffix}", max_age=0)
    # personal data: never kept by a shared cache or the browser's disk cache
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- callbacks ---------------------------------------------------------------------------------------
@bp.get("/callbacks")
@login_required
def callbacks():
    """Open callback entries, oldest first, each with click-to-call; and the entries closed today."""
    actor = page_actor()
    open_calls = call_center.callbacks(actor=actor, status="open", limit=CALLBACK_LIMIT)   # checks the role
    open_total = db.session.execute(select(func.count()).where(CallRecord.callback_status == "open")).scalar()
    today = local_midnight(local_date(clock_now()))
    closed_calls = list(db.session.execute(
        select(CallRecord).where(CallRecord.callback_status.in_(("done", "failed")), CallRecord.callback_at >= today)
        .order_by(CallRecord.callback_at.desc(), CallRecord.id.desc()).limit(CALLBACK_LIMIT)).scalars())
    closed_total = db.session.execute(select(func.count()).where(
        CallRecord.callback_status.in_(("done", "failed")), CallRecord.callback_at >= today)).scalar()
    closers = {c.callback_by_id for c in closed_calls if c.callback_by_id}
    names = dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(closers))).all()
                 if closers else [])
    tab = "closed" if request.args.get("tab") == "closed" else "open"
    return render_template(
        "pages/telephony/callbacks.html", tab=tab, open_rows=present_all(open_calls, actor), open_total=open_total,
        closed_rows=present_all(closed_calls, actor), closed_total=closed_total, names=names,
        waited={c.id: waited_text(c.arrived_at) for c in open_calls})


@bp.post("/callbacks/<id:call_record_id>")
@login_required
def finish_callback(call_record_id: int):
    """Close an entry: result=done (reached the caller) or failed (gave up); back with a message."""
    actor = page_actor()
    result = request.form.get("result", "")
    try:
        call_center.finish_callback(actor=actor, call_record_id=call_record_id, result=result)
        flash(_("Callback closed: caller reached.") if result == "done"
              else _("Callback closed: gave up on reaching the caller."), "success")
    except ValidationFailed:
        flash(_("Say whether the caller was reached or you gave up."), "error")
    except WrongState:
        flash(_closed_meanwhile(call_record_id), "error")
    return redirect(next_url(url_for("calls.callbacks")))


def _closed_meanwhile(call_record_id: int) -> str:
    """Why a callback could not be closed: someone else closed it first, or it never was one."""
    call = db.session.get(CallRecord, call_record_id, populate_existing=True)
    if call is None or call.callback_status not in ("done", "failed"):
        return _("This call is not on the callback list.")
    who = db.session.get(User, call.callback_by_id) if call.callback_by_id else None
    return _("This callback was already closed by %(who)s at %(at)s (%(result)s); nothing was changed.",
             who=who.display_name if who else _("someone else"), at=local_time(call.callback_at),
             result=callback_label(call.callback_status))
