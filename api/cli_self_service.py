"""`flask --app wsgi telephony self-service`: the outbound Event Socket server of the IVR's
self-service branch (docs/TELEPHONY.md, "Self-service by phone"), and its engine callables."""
from __future__ import annotations

import json
import logging
import signal
import time
from datetime import datetime, time as dt_time, timezone

import click
from flask import Flask, current_app

audit = logging.getLogger("hotline.self_service")


def lookup_callable(app: Flask):
    """`lookup(digits, phone) -> Status | None` over the public lookup, in an app context each."""
    from engine.cases import lookup_keypad
    from engine.localtime import local_date, stored
    from telephony.self_service import Status

    def lookup(digits: str, phone: str) -> Status | None:
        with app.app_context():
            answer = lookup_keypad.find(digits, phone)
            if answer is None:
                return None
            result = answer.result
            current = next((s.key for s in result.steps if s.state == "current"), result.steps[-1].key)
            expected = None
            if result.expected_reply_at is not None:     # noon of the local day: any switch timezone says that day
                noon = stored(local_date(result.expected_reply_at), dt_time(12))
                expected = int(noon.replace(tzinfo=timezone.utc).timestamp())
            return Status(step=current, case_tail=result.masked_case_no[-4:], expected_epoch=expected,
                          confidential=answer.confidential, case_id=result.case_id)
    return lookup


def record(trace: dict) -> None:
    """One audit line per self-service call (caller masked, no code typed is ever logged)."""
    audit.info("self-service %s", json.dumps({"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                              **trace}, ensure_ascii=False, sort_keys=True))


@click.command("self-service")
@click.option("--host", default="127.0.0.1", show_default=True, help="Where the switch's `socket` app connects.")
@click.option("--port", default=8084, show_default=True, envvar="SELF_SERVICE_PORT")
@click.option("--max-calls", default=200, show_default=True, help="Calls at once; more are refused (the dialplan queues them).")
def self_service(host: str, port: int, max_calls: int) -> None:
    """Serve the IVR's self-service branch: case status by query code (DTMF), spoken by the switch."""
    from telephony.outbound_socket import OutboundServer
    from telephony.self_service import SelfService

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = current_app._get_current_object()
    script = SelfService(lookup_callable(app), record)
    server = OutboundServer(script.handle, host=host, port=port, max_calls=max_calls).start()
    click.echo(f"self-service outbound socket on {host}:{server.port}")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        server.close()


def _interrupt(_signum, _frame) -> None:
    raise KeyboardInterrupt

