"""Request ids and log formats: every request's log lines carry its id; JSON lines on request.

The id comes from a sane incoming `X-Request-ID` (a proxy's or a client's) or is generated, and
goes back in the response's `X-Request-ID`. A log record factory (not a handler filter) stamps
`request_id` on every record, so every handler — gunicorn's, pytest's caplog, a later one — sees
it. `LOG_FORMAT=json` writes one JSON object per line, `text` a readable line with the id; unset
(`make run`), logging is left as Flask and werkzeug set it up.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import datetime, timezone

from flask import Flask, g, has_request_context, request

HEADER = "X-Request-ID"
# Letters, digits and . _ : - only, at most 64: an id is copied into log lines and headers, so
# nothing that could split a line, forge a field or flood the log is accepted from outside.
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def current_request_id() -> str | None:
    """The id of the request this thread serves (also inside a streamed response), else None."""
    rid = _current.get()
    if rid is None and has_request_context():
        rid = g.get("request_id")
    return rid


def _start() -> None:
    incoming = request.headers.get(HEADER, "")
    g.request_id = incoming if _SANE.fullmatch(incoming) else uuid.uuid4().hex
    g.request_id_token = _current.set(g.request_id)


def _stamp(response):
    response.headers[HEADER] = g.get("request_id") or uuid.uuid4().hex
    return response


def _end(_exc) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:      # set in another context (a streamed response's teardown)
            _current.set(None)


def install_record_factory() -> None:
    previous = logging.getLogRecordFactory()
    if getattr(previous, "stamps_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = current_request_id() or "-"
        return record

    factory.stamps_request_id = True
    logging.setLogRecordFactory(factory)


# gunicorn's access atoms worth a field; the rest (every request header, the environ) stays out
ACCESS_FIELDS = {"h": "remote", "m": "method", "U": "path", "s": "status", "B": "bytes", "M": "duration_ms",
                 "a": "user_agent", "{x-request-id}o": "request_id"}


def _access_atoms(record: logging.LogRecord) -> dict | None:
    """gunicorn logs its access line as (format, atoms): the atoms, else None."""
    return record.args if record.name == "gunicorn.access" and isinstance(record.args, dict) else None


class TextFormatter(logging.Formatter):
    """`time LEVEL [request id] logger: message` (also for records made before the factory was in)."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        atoms = _access_atoms(record)
        if atoms is not None:
            record.request_id = atoms.get("{x-request-id}o") or "-"
        elif not hasattr(record, "request_id"):
            record.request_id = "-"
        return super().format(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
        }
        atoms = _access_atoms(record)
        if atoms is not None:
            entry["message"] = "access"
            entry.update({name: atoms.get(atom) for atom, name in ACCESS_FIELDS.items()})
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def formatter(kind: str) -> logging.Formatter:
    return JsonFormatter() if kind == "json" else TextFormatter()


def configure_logging(kind: str | None, level: str | None = None) -> None:
    """Root logging to stderr in `kind` (json|text); None leaves logging as it is."""
    if not kind:
        return
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "hotline", False)]:
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.hotline = True
    handler.setFormatter(formatter(kind))
    root.addHandler(handler)
    root.setLevel((level or "INFO").upper())


def init_app(app: Flask) -> None:
    install_record_factory()
    # first of the before-request functions: the id exists even when authentication aborts
    app.before_request_funcs.setdefault(None, []).insert(0, _start)
    app.after_request(_stamp)
    app.teardown_request(_end)
    # under gunicorn its logconfig (gunicorn.conf.py) already set the root handler up
    if app.config.get("LOG_FORMAT") and not logging.getLogger().handlers:
        configure_logging(app.config["LOG_FORMAT"], app.config.get("LOG_LEVEL"))
