"""The public case page (/lookup): query code + phone, no login, rate limited, nothing to enumerate.

A proven pair shows the case's progress in plain steps, the expected reply date and, once it
reached the citizen, the reply; the session then keeps the proven case (for PROVEN_MINUTES) so the
citizen can rate the answer and ask for a re-examination (复核) with the page's CSRF token, without
typing the pair again. Every wrong pair gets one byte-identical answer and forgets any proven case.
"""
from __future__ import annotations

import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api import messages
from api.pages.filters import option_label
from api.pages.web import limiter
from engine.cases import lookup as lookup_service
from engine.channels import public_case, rating, reexamination
from engine.errors import ValidationFailed, WrongState
from forms.definitions import TRIAGE

bp = Blueprint("lookup", __name__)
# Per client address: a citizen checks a case a few times; a script trying codes hits the wall.
LOOKUP_LIMIT = "20 per minute; 200 per day"
ACTION_LIMIT = "10 per minute; 50 per day"
PROVEN_MINUTES = 30
_PROVEN = "public_case"
_REASONS = next(f.options for f in TRIAGE.fields if f.name == "not_accepted_reason")


def _limit() -> str:
    return current_app.config.get("LOOKUP_RATE_LIMIT", LOOKUP_LIMIT)


@bp.route("/lookup", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def lookup():
    """The form; posted, the case's page or the one answer for every wrong pair."""
    result = None
    if request.method == "POST":
        result = lookup_service.find(request.form.get("query_code", ""), request.form.get("phone", ""))
        if result is None:
            session.pop(_PROVEN, None)
        else:
            session[_PROVEN] = {"id": result.case_id, "at": int(time.time())}
    # The typed code and phone are never echoed back: the answer to a wrong pair is byte-identical.
    return _page(result, missed=request.method == "POST" and result is None)


@bp.get("/lookup/case")
def case_page():
    """The proven case again (after rating or asking), or back to the form when the session lapsed."""
    case_id = _proven()
    if case_id is None:
        return redirect(url_for("lookup.lookup"), 303)
    return _page(lookup_service.by_id(case_id))


@bp.post("/lookup/case/rating")
@limiter.limit(ACTION_LIMIT)
def rate():
    case_id = _proven()
    if case_id is None:
        return redirect(url_for("lookup.lookup"), 303)
    try:
        rating.rate(case_id=case_id, satisfaction=request.form.get("satisfaction", ""),
                    comment=request.form.get("comment", ""))
    except (ValidationFailed, WrongState) as exc:
        return _refused(case_id, exc, "rating")
    flash(_("Thank you: your rating was recorded."), "success")
    return redirect(url_for("lookup.case_page"), 303)


@bp.post("/lookup/case/reexamination")
@limiter.limit(ACTION_LIMIT)
def ask_reexamination():
    case_id = _proven()
    if case_id is None:
        return redirect(url_for("lookup.lookup"), 303)
    try:
        reexamination.request(case_id=case_id, reason=request.form.get("reason", ""))
    except (ValidationFailed, WrongState) as exc:
        return _refused(case_id, exc, "reexamination")
    flash(_("Your re-examination request was registered; the 12345 center will review it and reply."), "success")
    return redirect(url_for("lookup.case_page"), 303)


def _proven() -> int | None:
    """The case this session proved its pair for, while it is fresh."""
    held = session.get(_PROVEN)
    if not isinstance(held, dict) or not isinstance(held.get("id"), int) or not isinstance(held.get("at"), int):
        return None
    if time.time() - held["at"] > PROVEN_MINUTES * 60:
        session.pop(_PROVEN, None)
        return None
    return held["id"]


def _refused(case_id: int, exc, form: str):
    """The case page again with what was refused: 422 naming the field, 409 for the state."""
    if isinstance(exc, ValidationFailed):
        errors = messages.say_errors(exc.errors)
        return _page(lookup_service.by_id(case_id), errors={form: errors}, values=request.form, status=422)
    return _page(lookup_service.by_id(case_id), errors={form: {"": [messages.say(exc.message)]}}, status=409)


def _page(result, *, missed: bool = False, errors: dict | None = None, values=None, status: int = 200):
    reason = option_label(_REASONS, result.not_accepted_reason) if result and result.not_accepted_reason else None
    options = public_case.options(result.case_id, lookup_service.mask_case_no) if result else None
    response = current_app.make_response((render_template(
        "pages/lookup.html", result=result, missed=missed, reason=reason, options=options,
        satisfaction_options=rating.SATISFACTION, errors=errors or {}, values=values or {}), status))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
