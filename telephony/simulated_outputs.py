"""What the simulated switch leaves behind besides its events, as FreeSWITCH would.

CDRs posted over HTTP the way mod_json_cdr posts them, and short WAV files standing in for the
recordings and voicemail the real switch writes under its storage directory.
"""
from __future__ import annotations

import base64
import json
import logging
import queue
import threading
import time
import urllib.error
import urllib.request

log = logging.getLogger(__name__)


class CdrPoster:
    """Posts each CDR to a URL as mod_json_cdr does (JSON body, HTTP basic auth), retrying a
    failed post a few times, from one background thread so the call events are never delayed."""

    def __init__(self, url: str, user: str = "freeswitch", password: str = "", retries: int = 5,
                 delay: float = 0.2) -> None:
        self.url, self.retries, self.delay = url, retries, delay
        token = base64.b64encode(f"{user}:{password}".encode()).decode()
        self.headers = {"Content-Type": "application/json", "Authorization": f"Basic {token}"}
        self.posted = self.failed = 0
        self._queue: queue.Queue = queue.Queue()
        threading.Thread(target=self._run, daemon=True, name="cdr-poster").start()

    def __call__(self, cdr: dict) -> None:
        self._queue.put(cdr)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until every queued CDR was posted (or given up)."""
        deadline = time.monotonic() + timeout
        while self._queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)

    def _run(self) -> None:
        while True:
            cdr = self._queue.get()
            body = json.dumps(cdr).encode()
            for attempt in range(self.retries + 1):
                try:
                    request = urllib.request.Request(self.url, data=body, headers=self.headers, method="POST")
                    with urllib.request.urlopen(request, timeout=5) as response:
                        response.read()
                    self.posted += 1
                    break
                except (urllib.error.URLError, OSError) as exc:
                    if isinstance(exc, urllib.error.HTTPError) and 400 <= exc.code < 500:
                        log.warning("CDR refused (%s); not retried", exc.code)
                        self.failed += 1
                        break
                    if attempt == self.retries:
                        log.warning("CDR post failed after %d tries: %s", attempt + 1, exc)
                        self.failed += 1
                    else:
                        time.sleep(self.delay * (attempt + 1))
            self._queue.task_done()


SWITCH_DIR = "/var/lib/freeswitch"


def write_tone(root: str, switch_path: str, seconds: float = 2.0) -> None:
    """A short 8 kHz WAV (two tones) standing in for a recording the switch would have written."""
    import math
    import struct
    import wave
    from pathlib import Path

    if not switch_path.startswith(SWITCH_DIR + "/") or ".." in switch_path:
        return
    target = Path(root) / switch_path[len(SWITCH_DIR) + 1:]
    target.parent.mkdir(parents=True, exist_ok=True)
    rate = 8000
    frames = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * (440 if i < rate else 660) * i / rate)))
                      for i in range(int(rate * seconds)))
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)


def mod_json_cdr(h: dict[str, str], created_us: str, core_uuid: str) -> dict:
    """A mod_json_cdr document for one ended leg (the parts the worker reads)."""
    variables = {k[len("variable_"):]: v for k, v in h.items() if k.startswith("variable_")}
    variables.update(uuid=h["Unique-ID"], direction=h.get("Call-Direction", ""),
                     hangup_cause=h.get("Hangup-Cause", ""), caller_id_number=h.get("Caller-Caller-ID-Number", ""),
                     start_epoch=str(int(created_us) // 1_000_000), start_uepoch=created_us)
    variables.setdefault("end_epoch", str(int(h.get("Event-Date-Timestamp", "0")) // 1_000_000))
    return {"core-uuid": core_uuid,
            "channel_data": {"state": "CS_REPORTING", "direction": h.get("Call-Direction", "")},
            "variables": variables,
            "callflow": [{"caller_profile": {"uuid": h["Unique-ID"],
                                             "caller_id_number": h.get("Caller-Caller-ID-Number", "")}}]}
