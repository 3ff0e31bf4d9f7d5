"""`POST /channels/sms/inbound`: the carrier's webhook for text messages to the service number.

Machine to machine: the body is JSON signed with HMAC-SHA256 over its raw bytes with the shared
secret SMS_INBOUND_SECRET, hex in the `X-Signature` header (an optional `sha256=` prefix is
accepted). No session, no CSRF token (the carrier has no cookie to forge). 401 for a missing or
wrong signature (and for every post while no secret is configured), 422 naming the field for a
bad body or a `received_at` more than 5 minutes from our clock, 200 with the result otherwise —
the same 200 again when the carrier re-sends a message id. See docs/CHANNELS.md.
"""
from __future__ import annotations

import json

from flask import Blueprint, Flask, current_app, jsonify, request

from api.pages.web import csrf, limiter
from engine.channels import sms_inbound
from engine.errors import ValidationFailed

bp = Blueprint("channels_sms", __name__)
SIGNATURE_HEADER = "X-Signature"
MAX_BODY = 64 * 1024                 # one SMS as JSON is well under 10 KB
# Per client address: a carrier delivers bursts, but a stranger guessing signatures meets the wall.
INBOUND_LIMIT = "600 per minute"


def secret() -> str:
    return current_app.config.get("SMS_INBOUND_SECRET") or ""


@bp.post("/channels/sms/inbound")
@limiter.limit(lambda: current_app.config.get("SMS_INBOUND_RATE_LIMIT", INBOUND_LIMIT))
def inbound():
    """Take one inbound message (see the module's docstring for the answers)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return jsonify(code=413, message="the body is too large"), 413
    body = request.get_data(cache=False)
    header = (request.headers.get(SIGNATURE_HEADER) or "").removeprefix("sha256=")
    if not sms_inbound.signature_valid(secret(), body, header):
        return jsonify(code=401, message="missing or wrong X-Signature (HMAC-SHA256 of the raw body)"), 401
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return jsonify(code=422, message="the body is not JSON", errors={"body": ["must be a JSON object"]}), 422
    try:
        answer = sms_inbound.receive(payload)
    except ValidationFailed as exc:
        return jsonify(code=422, message="invalid message", errors=exc.errors), 422
    return jsonify(answer), 200


def init_app(app: Flask) -> None:
    """Register the webhook, exempt from CSRF (its signature is its authentication)."""
    app.register_blueprint(bp)
    csrf.exempt(bp)
