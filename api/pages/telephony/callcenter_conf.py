"""`POST /telephony/callcenter.conf`: mod_xml_curl fetches mod_callcenter's configuration here.

The queues are admin parameters (engine.telephony.queues); mod_callcenter reads a queue's
parameters only from its configuration, at module load and at `callcenter_config queue
load|reload <name>`. With a `configuration` binding of mod_xml_curl pointing here, those reads
come to this endpoint (docs/FREESWITCH.md, "Queues from the web").

Machine to machine: HTTP basic auth (`freeswitch` / TELEPHONY_CDR_PASSWORD, as the CDR posts),
optionally only from the addresses in TELEPHONY_CONFIG_HOSTS; no session, no CSRF token. Any other
configuration the switch asks for is answered "not found", so it falls back to its own files.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from api.pages.telephony.cdr import switch_authorised
from engine.telephony import queues

bp = Blueprint("callcenter_conf", __name__)
NOT_FOUND = ('<?xml version="1.0" encoding="UTF-8"?>\n<document type="freeswitch/xml">\n'
             '  <section name="result">\n    <result status="not found"/>\n  </section>\n</document>\n')


@bp.post("/telephony/callcenter.conf")
def callcenter_conf():
    """callcenter.conf rendered from the queues; 401 without the credentials, 403 from elsewhere."""
    if not switch_authorised():
        return Response("credentials needed\n", 401, {"WWW-Authenticate": 'Basic realm="xml_curl"'})
    if not _allowed_host():
        return Response("not from this address\n", 403)
    form = request.form
    if form.get("section") != "configuration" or form.get("key_value") != "callcenter.conf":
        return Response(NOT_FOUND, 200, mimetype="text/xml")
    # queue load|reload asks with the queue's name (CC-Queue); module load without it
    document = queues.callcenter_document(form.get("CC-Queue") or None)
    return Response(document, 200, mimetype="text/xml")


def _allowed_host() -> bool:
    hosts = {h.strip() for h in (current_app.config.get("TELEPHONY_CONFIG_HOSTS") or "").split(",") if h.strip()}
    return not hosts or request.remote_addr in hosts
