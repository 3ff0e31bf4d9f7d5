"""`POST /telephony/cdr`: FreeSWITCH's mod_json_cdr posts each leg's CDR here.

Machine to machine: HTTP basic auth (`freeswitch` / TELEPHONY_CDR_PASSWORD), no session, no CSRF
token (the switch has no cookie to forge). The body is the JSON document, raw
(`application/json`) or url-encoded in a `cdr` form field (mod_json_cdr's `encode-values`).
A stored leg answers 200 again when the switch retries, so a retry never makes a second record.
"""
from __future__ import annotations

import hmac
import json

from flask import Blueprint, current_app, jsonify, request

from engine.errors import ValidationFailed
from engine.telephony import live as call_live

bp = Blueprint("cdr", __name__)
USER = "freeswitch"


@bp.post("/telephony/cdr")
def receive_cdr():
    """Store one CDR; 401 without the right credentials, 422 for a document that is not a CDR."""
    if not switch_authorised():
        response = jsonify(code=401, message="CDR posts need the switch's credentials")
        response.headers["WWW-Authenticate"] = 'Basic realm="cdr"'
        return response, 401
    try:
        document = _document()
        new = call_live.store_cdr(document)
    except ValueError:
        return jsonify(code=422, message="the body is not a JSON document",
                       errors={"cdr": ["expected a mod_json_cdr JSON document"]}), 422
    except ValidationFailed as exc:
        return jsonify(code=422, message="not a CDR", errors=exc.errors), 422
    return jsonify(stored=new), 200


def switch_authorised() -> bool:
    """The switch's HTTP basic auth (user `freeswitch`, TELEPHONY_CDR_PASSWORD): its CDR posts and its
    configuration fetches (api.pages.telephony.callcenter_conf) use the same credentials."""
    expected = current_app.config.get("TELEPHONY_CDR_PASSWORD") or ""
    auth = request.authorization
    if not expected or auth is None or auth.type != "basic":
        return False
    return hmac.compare_digest((auth.username or "").encode(), USER.encode()) and \
        hmac.compare_digest((auth.password or "").encode(), expected.encode())


def _document() -> dict:
    if request.mimetype == "application/json":
        document = json.loads(request.get_data(as_text=True))
    else:
        document = json.loads(request.form.get("cdr") or "")
    if not isinstance(document, dict):
        raise ValueError("not an object")
    return document
