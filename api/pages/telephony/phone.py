"""The agent's phone bar (every page, for the roles at a phone): seat state, screen pop, dialling.

JSON and server-sent events for api/static/js/phone.js, authenticated by the session; writes
carry the CSRF token (header X-CSRFToken). The services check roles and scope; the switch is
reached only through the command table (engine.telephony.live).
"""
from __future__ import annotations

import functools
import json
import queue
import re
import time
from datetime import timedelta

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from api.errors import STATUS
from api.feed_hub import Moment, hub_for
from api.inputs import parse_id
from api.messages import say, say_errors
from api.pages.filters import STATUS_LABELS, label, local_time
from api.pages.web import page_actor, session_valid
from engine.cases import duplicates, service as case_service
from engine.db import db
from engine.errors import DomainError, ValidationFailed
from engine.ports import now as clock_now
from engine.telephony import call_center, conferences, live as call_live, seats

bp = Blueprint("phone", __name__)
STREAM_SECONDS = 300      # a stream ends after this; EventSource reconnects with Last-Event-ID
KEEPALIVE_SECONDS = 15
REPLAY_SECONDS = 120      # a reconnecting screen gets the moments it missed, this far back


def json_endpoint(view):
    """Session required; domain errors as JSON with the right status (never an HTML page)."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return jsonify(code=401, message="sign in first"), 401
        try:
            return view(*args, **kwargs)
        except DomainError as exc:
            db.session.rollback()
            code = next((c for cls, c in STATUS if isinstance(exc, cls)), 400)
            # the phone bar shows `message` to the agent: in their language, with the stable code beside
            body = {"code": code, "error": exc.code, "message": say(exc.message)}
            if isinstance(exc, ValidationFailed):
                body["errors"] = say_errors(exc.errors)
            return jsonify(body), code
    return wrapper


@bp.get("/phone/state")
@json_endpoint
def state():
    """The signed-in user's seat and phone state (asking is a sign the screen is open)."""
    actor = page_actor()
    actor.require(*call_center.PHONE_ROLES)
    seats.mark_seen(actor.user_id)
    return jsonify(_state_json())


@bp.post("/phone/state")
@json_endpoint
def set_state():
    """Sign in to a seat (ready), take a break, come back, or sign out."""
    data = request.get_json(silent=True) or request.form
    call_center.set_state(actor=page_actor(), state=str(data.get("state", "")),
                          extension=str(data.get("extension", "")) or None)
    return jsonify(_state_json())


def _state_json() -> dict:
    row = call_center.my_status(page_actor())
    if row is None:
        return {"extension": None, "state": "logged_out", "state_label": STATE_LABELS()["logged_out"]}
    return {"extension": row.extension, "state": row.state, "state_label": STATE_LABELS().get(row.state, row.state),
            "since": local_time(row.state_since), "call_id": row.call_id}


def STATE_LABELS() -> dict[str, str]:  # noqa: N802 — a table, translated per request
    return {"logged_out": _("Signed out"), "ready": _("Ready"), "break": _("On break"),
            "ringing": _("Ringing"), "talking": _("On a call")}


@bp.get("/phone/events")
def events():
    """Server-sent events for the signed-in agent's seat: offer (screen pop), answer, end."""
    if not current_user.is_authenticated:
        return jsonify(code=401, message="sign in first"), 401
    actor = page_actor()
    if not actor.has(*call_center.PHONE_ROLES):
        return jsonify(code=403, message="the phone bar is for agents, dispatchers and shift leads"), 403
    seat = call_center.my_status(actor)
    if seat is None:
        return jsonify(code=409, message="sign in to a phone seat first"), 409
    agent = call_live.cc_agent(seat.extension)
    db.session.rollback()   # hold no transaction while streaming (SQLite: nor a write lock)
    hub = hub_for(current_app._get_current_object())
    # subscribe first, then read what was missed: a moment committed in between is in both, and
    # the id check in _stream sends it once (the other order could lose it)
    inbox = hub.subscribe(agent)
    # the header when EventSource reconnects; `last` when a new page continues the same screen
    missed = _missed(agent, request.headers.get("Last-Event-ID") or request.args.get("last", ""))
    db.session.rollback()
    seats.mark_seen(actor.user_id)
    stream = _stream(actor, missed, inbox, current_user.get_id(), lambda: hub.unsubscribe(agent, inbox))
    response = Response(stream_with_context(stream), mimetype="text/event-stream")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"   # a proxy must pass each event on at once
    return response


def _stream(actor, missed: list, inbox: queue.Queue, session_id: str, unsubscribe):
    """The missed moments, then each new one once (by id), keep-alives between, for STREAM_SECONDS."""
    sent = 0
    try:
        yield "retry: 2000\n\n"
        ends = time.monotonic() + STREAM_SECONDS
        while time.monotonic() < ends:
            if missed:
                moment = missed.pop(0)
            else:
                try:
                    moment = inbox.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    if not session_valid(session_id):
                        return   # signed out elsewhere (or deactivated): no more calls on this screen
                    seats.mark_seen(actor.user_id)      # this screen is still open: the seat is present
                    yield ": keep-alive\n\n"
                    continue
            if moment.id > sent:
                sent = moment.id
                yield _sse(moment, actor)
    finally:
        unsubscribe()


def _missed(agent: str, last_event_id: str) -> list[Moment]:
    if not re.fullmatch(r"[0-9]{1,18}", last_event_id):     # a feed row id (ASCII digits, 64-bit)
        return []
    since = clock_now() - timedelta(seconds=REPLAY_SECONDS)
    return [Moment(*row) for row in call_live.feed_after(int(last_event_id), agent=agent, since=since)]


def _sse(moment: Moment, actor) -> str:
    data = {"id": moment.id, "kind": moment.kind, "call_id": moment.call_id, "caller": moment.caller,
            "queue": moment.queue, "sent_at": time.time()}
    if moment.kind == "offer":
        data["history"] = _history(actor, moment.caller or "")
        data["record"] = _caller_record(actor, moment.caller or "")
        data["intake_url"] = url_for("case_pages.new_case", call=moment.call_id)
        data["contact_url"] = url_for("contacts.pop_contact", call_id=moment.call_id)   # the caller's contact (issue 15)
        data["registered"] = _registered(moment.call_id)
    return f"id: {moment.id}\nevent: {moment.kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


def _registered(call_id: str) -> list[dict]:
    """The cases already registered from this call (the pop then offers only another request)."""
    try:
        rows = case_service.registered_from_call(call_id)
        return [{"case_no": c.case_no, "url": url_for("case_pages.case_page", case_id=c.id)} for c in rows]
    finally:
        db.session.rollback()   # the stream holds no transaction between events


@bp.get("/phone/calls/<call_id>/cases")
@json_endpoint
def call_cases(call_id: str):
    """What the screen pop of a call shows as registered (asked again when a page redraws the pop)."""
    page_actor().require(*call_center.PHONE_ROLES)
    return jsonify(registered=_registered(call_id))


def _history(actor, phone: str) -> list[dict]:
    """The caller's earlier cases (scope applies), for the screen pop."""
    try:
        rows = duplicates.caller_history(actor=actor, phone=phone, limit=5)
    finally:
        db.session.rollback()   # the stream holds no transaction between events
    return [{"case_no": r.case_no, "title": r.title, "status_label": label(STATUS_LABELS, r.status),
             "created_at": local_time(r.created_at), "url": url_for("case_pages.case_page", case_id=r.case_id)}
            for r in rows]


def _caller_record(actor, phone: str) -> dict:
    try:
        record = call_center.caller_record(actor=actor, phone=phone)
    finally:
        db.session.rollback()
    return {"name": record["name"], "calls_30d": record["calls"],
            "summary": _("%(n)s calls in the last 30 days", n=record["calls"]) if record["calls"] else _("First call in 30 days"),
            "last_call": local_time(record["last_call"]) if record["last_call"] else None}


@bp.post("/phone/dial")
@json_endpoint
def dial():
    """Click-to-call: the number of a case, a call or a colleague, from the agent's seat."""
    data = request.get_json(silent=True) or request.form
    target = {k: _int(data.get(k), k) for k in ("case_id", "call_record_id", "user_id") if data.get(k)}
    result = call_center.dial(actor=page_actor(), **target)
    return jsonify(command_id=result.command.id, number=result.masked, status=result.command.status,
                   status_url=url_for("phone.command", command_id=result.command.id)), 202


@bp.post("/phone/conference")
@json_endpoint
def conference():
    """Three-way call: the agent's live call and a colleague in the case's conference."""
    data = request.get_json(silent=True) or request.form
    commands = conferences.three_way(actor=page_actor(), call_id=str(data.get("call_id", "")),
                                     case_id=_int(data.get("case_id"), "case_id"),
                                     user_id=_int(data.get("user_id"), "user_id"))
    return jsonify(commands=[{"command_id": c.id, "status_url": url_for("phone.command", command_id=c.id)}
                             for c in commands]), 202


@bp.get("/phone/commands/<id:command_id>")
@json_endpoint
def command(command_id: int):
    """A queued command's state and the switch's answer."""
    row = call_center.command_status(actor=page_actor(), command_id=command_id)
    return jsonify(command_id=row.id, kind=row.kind, status=row.status, result=row.result,
                   ok=row.status == "done", finished=row.status in ("done", "failed"),
                   confirmed=(row.result or "").startswith(call_live.CONFIRMED))   # the switch's event came


def _int(value, name: str) -> int:
    number = parse_id(value)
    if number is None:
        raise ValidationFailed({name: ["must be an id (a whole number from 1)"]})
    return number
