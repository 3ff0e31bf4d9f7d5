"""The citizens' web form (/submit): no login, phone-sized, a verified phone, no CAPTCHA.

Step 1 (`/submit/code`) sends a 6-digit code to the phone by SMS (through the outbox); step 2
posts the form with it. The per-client-address limits are flask-limiter's; the per-phone and
per-place ones are the engine's (counted in the database). On success the case number and query
code are shown once (post, redirect, get) with a link to the public lookup; the query code also
goes out in the intake's receipt SMS.
"""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from api.messages import say_errors
from api.pages.filters import intake_choices
from api.pages.web import limiter
from engine.cases import attachments
from engine.channels import verification, web_form
from engine.errors import ValidationFailed
from forms import get_form

bp = Blueprint("submit", __name__)
# Per client address. Mobile carriers put many citizens behind one address: generous, so the
# per-phone limits in the database do the real work.
CODE_LIMIT = "6 per minute; 60 per hour"
SUBMIT_LIMIT = "10 per minute; 200 per day"
FIELDS = ("category", "matter_id", "content", "address", "latitude", "longitude", "citizen_name", "phone",
          "code", "wants_sms_reply")
RECEIPT_KEY = "submit_receipt"


def _code_limit() -> str:
    return current_app.config.get("SUBMIT_CODE_RATE_LIMIT", CODE_LIMIT)


def _submit_limit() -> str:
    return current_app.config.get("SUBMIT_RATE_LIMIT", SUBMIT_LIMIT)


def _client_ip() -> str:
    from flask_limiter.util import get_remote_address
    return get_remote_address() or ""


def _values() -> dict:
    """What the citizen typed, to show it again (never the honeypot's field)."""
    return {k: request.form.get(k, "").strip() for k in FIELDS}


def _form(values: dict, errors: dict | None = None, status: int = 200, *, files_lost: bool = False, sent: bool = False):
    errors = errors or {}
    response = current_app.make_response((render_template(
        "pages/submit.html", values=values, errors=errors, sent=sent, files_lost=files_lost,
        categories=next(f.options for f in get_form("intake").fields if f.name == "category"),
        matters=intake_choices()["matters"], honeypot=web_form.HONEYPOT,
        max_files=attachments.MAX_AT_INTAKE, max_mb=attachments.MAX_BYTES // (1024 * 1024),
        code_minutes=verification.LIFETIME.seconds // 60), status))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/submit")
def form():
    """The empty form (the citizen's own phone prefilled after a code was asked for on this device)."""
    return _form({"wants_sms_reply": "true"})


@bp.post("/submit/code")
@limiter.limit(_code_limit)
def send_code():
    """Step 1: text a code to the phone. From the page's script: JSON; without script: the form again."""
    wants_json = request.accept_mimetypes.best == "application/json"
    try:
        verification.request_code(request.form.get("phone", ""), client_ip=_client_ip())
    except verification.Throttled as exc:
        return _code_answer(wants_json, exc.errors, 429)
    except ValidationFailed as exc:
        return _code_answer(wants_json, exc.errors, 422)
    return _code_answer(wants_json, {}, 200)


def _code_answer(wants_json: bool, errors: dict, status: int):
    if wants_json:
        return jsonify(sent=status == 200, errors=say_errors(errors),
                       message=_("A code was sent to your phone by SMS.") if status == 200 else ""), status
    return _form(_values(), errors, status, sent=status == 200, files_lost=bool(request.files))


@bp.post("/submit")
@limiter.limit(_submit_limit)
def submit():
    """Step 2: the form with the code. Refused: the form again, each problem beside its field."""
    files = [(f.filename, f.read(attachments.MAX_BYTES + 1)) for f in request.files.getlist("photos")
             if f and f.filename]
    data = {**_values(), web_form.HONEYPOT: request.form.get(web_form.HONEYPOT, "")}
    try:
        receipt = web_form.submit(data, files, client_ip=_client_ip())
    except verification.Throttled as exc:
        return _form(_values(), exc.errors, 429, files_lost=bool(files))
    except ValidationFailed as exc:
        return _form(_values(), exc.errors, 422, files_lost=bool(files))
    session[RECEIPT_KEY] = {"case_no": receipt.case_no, "query_code": receipt.query_code}
    return redirect(url_for("submit.done"), 303)


@bp.get("/submit/done")
def done():
    """The case number and query code of the request just sent from this browser."""
    receipt = session.get(RECEIPT_KEY)
    if not receipt:
        return redirect(url_for("submit.form"))
    response = current_app.make_response(render_template("pages/submit_done.html", receipt=receipt))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
