"""The public status lookup (/lookup): query code + phone, no login, rate limited, nothing to enumerate."""
from __future__ import annotations

from flask import Blueprint, current_app, render_template, request

from api.pages.filters import option_label
from api.pages.web import limiter
from engine.cases import lookup as lookup_service
from forms.definitions import TRIAGE

bp = Blueprint("lookup", __name__)
# Per client address: a citizen checks a case a few times; a script trying codes hits the wall.
LOOKUP_LIMIT = "20 per minute; 200 per day"
_REASONS = next(f.options for f in TRIAGE.fields if f.name == "not_accepted_reason")


def _limit() -> str:
    return current_app.config.get("LOOKUP_RATE_LIMIT", LOOKUP_LIMIT)


@bp.route("/lookup", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def lookup():
    """The form; posted, the case's progress or the one answer for every wrong pair."""
    result = None
    if request.method == "POST":
        result = lookup_service.find(request.form.get("query_code", ""), request.form.get("phone", ""))
    reason = option_label(_REASONS, result.not_accepted_reason) if result and result.not_accepted_reason else None
    # The typed code and phone are never echoed back: the answer to a wrong pair is byte-identical.
    response = current_app.make_response(render_template(
        "pages/lookup.html", result=result, missed=request.method == "POST" and result is None, reason=reason))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
