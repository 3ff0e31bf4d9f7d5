"""The real server: gunicorn with gunicorn.conf.py, as `make serve` starts it, answers /healthz and
/readyz on the test database and stops gracefully on SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"X-Request-ID": "gunicorn-test-1"}),
                                    timeout=5) as res:
            return res.status, res.headers, json.loads(res.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, json.loads(exc.read())


def _wait_up(base: str, server: subprocess.Popen, stderr, seconds: float = 60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            stderr.seek(0)
            raise AssertionError(f"gunicorn exited while starting:\n{stderr.read()[-3000:]}")
        try:
            return _get(base + "/healthz")
        except OSError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not answer /healthz in time")


def test_gunicorn_serves_health_and_stops_gracefully(app, database_url, tmp_path):
    port = _free_port()
    env = {**os.environ, "HOTLINE_ENV": "production", "SECRET_KEY": "k" * 48, "DATABASE_URL": database_url,
           "BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "1", "WEB_THREADS": "4", "LOG_FORMAT": "json",
           "INSTANCE_PATH": str(tmp_path), "WEB_GRACEFUL_TIMEOUT": "10"}
    if database_url.startswith("sqlite"):
        env["ALLOW_SQLITE"] = "1"
    out, err = (tmp_path / "stdout.log").open("w+"), (tmp_path / "stderr.log").open("w+")
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                              cwd=ROOT, env=env, stdout=out, stderr=err)
    try:
        status, headers, body = _wait_up(f"http://127.0.0.1:{port}", server, err)
        assert status == 200 and body == {"status": "ok"}
        status, headers, body = _get(f"http://127.0.0.1:{port}/readyz")
        assert status == 200 and body["migrations"] == "current"
        assert headers["X-Request-ID"] == "gunicorn-test-1" and headers["Cache-Control"] == "no-store"
        assert "Strict-Transport-Security" not in headers        # plain http: no HSTS
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=40)
    assert code == 0                                             # graceful: the arbiter exited cleanly
    out.seek(0)
    access = [json.loads(line) for line in out.read().splitlines() if line.startswith("{")]
    readyz = [a for a in access if a.get("path") == "/readyz"]
    assert readyz and readyz[0]["request_id"] == "gunicorn-test-1" and readyz[0]["status"] == "200"
    err.seek(0)
    errors = [json.loads(line) for line in err.read().splitlines() if line.startswith("{")]
    assert any("Shutting down" in e["message"] or "Handling signal" in e["message"] for e in errors)
