"""Real OS processes of one deployment on one PostgreSQL database: gunicorn web nodes, schedulers,
the ESL simulator and a telephony worker; a fake SMS gateway in the test process; a JSON client.

Every process runs in its own session (process group), so kill -9 of a web node takes its
arbiter and workers together, and teardown leaves nothing behind. Each keeps its log in a file.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
FLASK = [str(BIN / "flask"), "--app", "wsgi"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Proc:
    """One started process (group) with its log file; start() again after kill9() restarts it."""

    def __init__(self, name: str, argv: list[str], env: dict, logdir: Path):
        self.name, self.argv, self.env, self.logdir = name, argv, env, logdir
        self.popen: subprocess.Popen | None = None
        self.starts = 0

    @property
    def log(self) -> Path:
        return self.logdir / f"{self.name}.log"

    def start(self) -> "Proc":
        self.starts += 1
        out = self.log.open("a")
        out.write(f"==== start #{self.starts} at {time.time():.3f}\n")
        out.flush()
        self.popen = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        out.close()
        return self

    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def kill9(self) -> float:
        """SIGKILL the whole process group; the moment it was sent."""
        at = time.time()
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.popen.wait(timeout=10)
        return at

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after a few seconds; the group's stragglers too."""
        if self.popen is None:
            return
        for sig, wait in ((signal.SIGTERM, 8), (signal.SIGKILL, 5)):
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                break
            try:
                self.popen.wait(timeout=wait)
            except subprocess.TimeoutExpired:
                continue
            if sig == signal.SIGTERM:     # the leader exited; kill what is left of its group
                try:
                    os.killpg(self.popen.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            break

    def tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"


def children(pid: int) -> list[int]:
    """Direct children of a process (gunicorn's workers of an arbiter)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


class SmsSink:
    """A fake HTTP SMS gateway (SMS_GATEWAY=http) that honours the message key as a carrier would:
    `received` holds each delivery with its time (the first POST of a key), `repeats` the keys
    posted again (answered with the first id, not delivered), `unkeyed` the POSTs without a key."""

    def __init__(self):
        self.received: list[tuple[float, str, str]] = []
        self.repeats: list[str] = []
        self.unkeyed = 0
        self.ids: dict[str, str] = {}
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):     # noqa: N802 — http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                answer = json.dumps({"id": sink.deliver(body)}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def deliver(self, body: dict) -> str:
        """The provider id of a POST: a new delivery, or the first one's id for a repeated key."""
        key = body.get("id")
        with self.lock:
            if key in self.ids:
                self.repeats.append(key)
                return self.ids[key]
            self.received.append((time.time(), body["to"], body["text"]))
            provider_id = f"sink-{len(self.received)}"
            if key is None:
                self.unkeyed += 1
            else:
                self.ids[key] = provider_id
            return provider_id

    def first_after(self, moment: float) -> float | None:
        with self.lock:
            times = [t for t, _to, _text in self.received if t > moment]
        return min(times) if times else None

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def call(base: str, method: str, path: str, token: str, body: dict | None = None,
         timeout: float = 10.0, headers: dict | None = None) -> tuple[int, dict]:
    """One JSON request; (status, body). A dropped connection raises OSError."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method, headers={
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as res:
            return res.status, json.loads(res.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw or b"{}")
        except ValueError:
            return exc.code, {"raw": raw[:200].decode(errors="replace")}


def wait_http(url: str, proc: Proc, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not proc.alive():
            raise AssertionError(f"{proc.name} exited while starting:\n{proc.tail()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as res:
                if res.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{proc.name} did not answer {url} in {seconds} s:\n{proc.tail()}")


def wait_log(proc: Proc, text: str, seconds: float = 60.0, after: int = 0) -> None:
    """Until `text` appears in the process's log after character `after`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.log.exists() and text in proc.log.read_text(errors="replace")[after:]:
            return
        if not proc.alive():
            raise AssertionError(f"{proc.name} exited while waiting for {text!r}:\n{proc.tail()}")
        time.sleep(0.1)
    raise AssertionError(f"{proc.name} did not log {text!r} in {seconds} s:\n{proc.tail()}")


def flask_run(args: list[str], env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(FLASK + args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
