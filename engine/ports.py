"""Interfaces to the outside world: the clock, the SMS gateway and how independent reads run.

Each port is an abstract base with a real implementation beside it; tests swap the clock.
"""
from __future__ import annotations

import http.client
import itertools
import json
import logging
import socket
import threading
import urllib.error
import urllib.request
import uuid
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone


class Clock:
    """The source of 'now' (naive UTC, like every stored timestamp)."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc).replace(tzinfo=None)


class FixedClock(Clock):
    """A clock that stands still until moved; for tests and demos of deadline behaviour."""

    def __init__(self, at: datetime):
        self.at = at

    def now(self) -> datetime:
        return self.at


clock: Clock = Clock()


def set_clock(new: Clock) -> Clock:
    """Replace the process-wide clock; returns the previous one."""
    global clock
    previous, clock = clock, new
    return previous


def now() -> datetime:
    """Current time from the installed clock."""
    return clock.now()


# ---------------------------------------------------------------------------------------- SMS

log = logging.getLogger(__name__)


class SmsError(Exception):
    """A message was not accepted; `retryable` says whether trying again later may help."""

    def __init__(self, message: str, retryable: bool):
        super().__init__(message)
        self.message = message
        self.retryable = retryable


class SmsGateway(ABC):
    """Sends one text message to one phone number."""

    @abstractmethod
    def send(self, phone: str, text: str, key: str | None = None) -> str:
        """Send `text` to `phone`; returns the provider's message id or raises SmsError.

        `key` names the message across attempts: a deliverer killed after the provider took a
        message but before it recorded so sends it again after its lease, with the same key, and
        a provider that honours the key delivers it once (the sender cannot know the first
        attempt landed)."""


def mask_phone(phone: str) -> str:
    """138****8000: enough to recognise a number in a log or list, not to call it."""
    digits = phone.strip()
    if len(digits) <= 7:
        return digits[:2] + "*" * max(len(digits) - 2, 0)
    return digits[:3] + "****" + digits[-4:]


@dataclass(frozen=True)
class SentMessage:
    """What LogGateway recorded."""

    id: str
    phone: str
    text: str
    key: str | None = None


class LogGateway(SmsGateway):
    """The default gateway: keeps the newest messages in memory and logs each (phone masked)."""

    def __init__(self, keep: int = 1000):
        self.messages: deque[SentMessage] = deque(maxlen=keep)   # bounded: a long-running process
        self._ids = itertools.count(1)
        self._lock = threading.Lock()                            # deliverers may run in threads
        self._by_key: dict[str, str] = {}                        # key -> id, of the kept messages

    def send(self, phone: str, text: str, key: str | None = None) -> str:
        """Record and log the message, once per key (a repeat answers the first id); never fails."""
        with self._lock:
            if key is not None and key in self._by_key:
                return self._by_key[key]
            message = SentMessage(id=f"log-{next(self._ids)}", phone=phone, text=text, key=key)
            if len(self.messages) == self.messages.maxlen:     # the oldest leaves the deque: forget its key
                self._by_key.pop(self.messages[0].key, None)
            self.messages.append(message)
            if key is not None:
                self._by_key[key] = message.id
        log.info("SMS %s to %s: %s", message.id, mask_phone(phone), text)
        return message.id


# Client errors that say "not now" rather than "never": rate limited, or the request timed out.
RETRYABLE_4XX = frozenset({408, 429})


class HttpGateway(SmsGateway):
    """POSTs {"to", "text", "id"} as JSON to a URL (an SMS provider or an in-house relay); `id` (also
    the Idempotency-Key header) is the message's key, the same on every attempt."""

    def __init__(self, url: str, token: str | None = None, timeout: float = 5):
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, phone: str, text: str, key: str | None = None) -> str:
        """2xx → the answer's `id`; 4xx → SmsError(retryable=False); 5xx, 408, 429, network → retryable."""
        body = {"to": phone, "text": text, **({"id": key} if key else {})}
        headers = {**self._headers(), **({"Idempotency-Key": key} if key else {})}
        request = urllib.request.Request(self.url, method="POST", data=json.dumps(
            body, ensure_ascii=False).encode(), headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return _provider_id(response.read())
        except urllib.error.HTTPError as exc:
            raise SmsError(f"HTTP {exc.code} from gateway: {_detail(exc)}",
                           retryable=exc.code >= 500 or exc.code in RETRYABLE_4XX) from exc
        except (TimeoutError, socket.timeout) as exc:
            raise SmsError(f"gateway timeout after {self.timeout} s", retryable=True) from exc
        except http.client.HTTPException as exc:   # a garbled or cut-off answer: try again later
            raise SmsError(f"bad answer from gateway: {exc!r}", retryable=True) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise SmsError(f"gateway timeout after {self.timeout} s", retryable=True) from exc
            raise SmsError(f"gateway unreachable: {reason}", retryable=True) from exc

    def _headers(self) -> dict[str, str]:
        headers = {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def _detail(error: urllib.error.HTTPError) -> str:
    """The start of an error answer's body, for last_error; empty if it cannot be read."""
    try:
        return error.read()[:200].decode(errors="replace")
    except (OSError, http.client.HTTPException):
        return ""


def _provider_id(raw: bytes) -> str:
    """The `id` of a JSON answer; a generated one when the provider sends none."""
    try:
        answer = json.loads(raw or b"null")
    except ValueError:
        answer = None
    if isinstance(answer, dict) and answer.get("id") not in (None, ""):
        return str(answer["id"])[:64]
    return f"http-{uuid.uuid4().hex}"


def sms_gateway_from_config(config: Mapping) -> SmsGateway:
    """The gateway named by SMS_GATEWAY (`log`, the default, or `http` with SMS_HTTP_*)."""
    kind = (config.get("SMS_GATEWAY") or "log").lower()
    if kind == "log":
        return LogGateway()
    if kind == "http":
        if not config.get("SMS_HTTP_URL"):
            raise ValueError("SMS_GATEWAY=http needs SMS_HTTP_URL")
        return HttpGateway(config["SMS_HTTP_URL"], token=config.get("SMS_HTTP_TOKEN") or None,
                           timeout=float(config.get("SMS_HTTP_TIMEOUT") or 5))
    raise ValueError(f"unknown SMS_GATEWAY '{kind}' (use 'log' or 'http')")


# Independent read-only calls (a report's aggregate queries), each result in order. In turn by
# default (SQLite, scripts); the web app installs a runner (api.concurrency) that gives each call
# its own thread, session and connection on PostgreSQL, where two cores run two queries at once.
def _in_turn(calls):
    return [call() for call in calls]


_runner = _in_turn


def set_runner(runner) -> object:
    """Install how run_all runs its calls (None: in turn); returns the previous runner."""
    global _runner
    previous, _runner = _runner, runner or _in_turn
    return previous


def run_all(calls: list) -> list:
    return _runner(list(calls))
