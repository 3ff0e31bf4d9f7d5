"""The app served by werkzeug from a daemon thread: the selftest's CDR endpoint and the tests'
live server (browser, telephony). Not for production (that is gunicorn, see docs/ARCHITECTURE.md)."""
from __future__ import annotations

import threading

from flask import Flask
from werkzeug.serving import WSGIRequestHandler, make_server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):     # no access log between test dots or selftest lines
        pass


class ThreadedServer:
    """`with ThreadedServer(app) as base_url:` — the app on http://127.0.0.1:<free port>."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self.url = f"http://{host}:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, name="threaded-server", daemon=True)

    def start(self) -> str:
        self.thread.start()
        return self.url

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
