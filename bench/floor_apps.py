"""The smallest apps gunicorn can serve, for bench/floor.py: what a request costs before our code.

`raw` is a bare WSGI callable; `flask_app` is Flask with one JSON route and none of our
extensions. Both answer GET /healthz as the product does.
"""
from flask import Flask

_BODY = b'{"status":"ok"}'


def raw(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(_BODY)))])
    return [_BODY]


flask_app = Flask(__name__)


@flask_app.get("/healthz")
def healthz():
    return {"status": "ok"}
