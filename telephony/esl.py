"""Hardened ESL client: one gevent owner thread, thread-safe queues to the rest of the process.

Built on gevent sockets and telephony.protocol rather than on greenswitch's InboundESL: fixing
greenswitch's seven bugs needs overriding its receive loop, dispatch, send and connect and
reaching into its private state, which would break silently on any greenswitch release.
"""
from __future__ import annotations

import collections
import logging
import queue
import threading
import uuid
from concurrent.futures import Future
from dataclasses import dataclass, field

import gevent
import gevent.event
import gevent.socket

from telephony import protocol

log = logging.getLogger(__name__)
CONNECTED, DISCONNECTED = "ESL::connected", "ESL::disconnected"


class EslError(RuntimeError):
    """A command failed because the connection is gone or the server refused it."""


@dataclass
class Command:
    """A command on its way to the owner thread, with the futures its caller waits on."""

    wire: bytes
    reply: Future = field(default_factory=Future)
    job: Future | None = None


@dataclass
class Settings:
    """Where to connect and what to subscribe to."""

    host: str = "127.0.0.1"
    port: int = 8021
    password: str = "ClueCon"
    events: tuple[str, ...] = ("CHANNEL_CREATE", "CHANNEL_ANSWER", "CHANNEL_BRIDGE", "CHANNEL_HANGUP",
                               "CHANNEL_HANGUP_COMPLETE", "RECORD_START", "RECORD_STOP", "BACKGROUND_JOB",
                               "CHANNEL_HOLD", "CHANNEL_UNHOLD",   # the call controls' confirmations
                               "CUSTOM", "callcenter::info", "vm::maintenance", "conference::maintenance")
    filters: tuple[tuple[str, str], ...] = ()
    format: str = "json"  # plain works too; json is what greenswitch could not parse
    connect_timeout: float = 5.0
    send_timeout: float = 5.0
    backoff: tuple[float, float] = (0.1, 10.0)


class EslClient:
    """Connects, subscribes, reconnects with backoff; any OS thread may call api/bgapi/events."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.events: queue.Queue[protocol.Event] = queue.Queue()
        self.connected = threading.Event()
        self.connections = 0
        self._inbox: collections.deque[Command] = collections.deque()
        self._stopping = False
        self._wake = None  # gevent async watcher: the one thread-safe way into the owner loop
        self._thread: threading.Thread | None = None
        self._loop_ready = threading.Event()

    # --- any thread -------------------------------------------------------------------
    def start(self) -> "EslClient":
        """Start the owner thread (which owns every gevent object of this client)."""
        self._thread = threading.Thread(target=self._owner, daemon=True, name="esl-owner")
        self._thread.start()
        self._loop_ready.wait(5)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Close the connection and end the owner thread."""
        self._stopping = True
        self._poke()
        if self._thread:
            self._thread.join(timeout)

    def wait_connected(self, timeout: float) -> None:
        """Block until connected and subscribed, or raise TimeoutError."""
        if not self.connected.wait(timeout):
            raise TimeoutError("ESL not connected")

    def send(self, line: str, headers: dict[str, str] | None = None, timeout: float | None = None) -> protocol.Message:
        """Send one command and return its reply (TimeoutError if none in time)."""
        command = Command(protocol.encode_command(line, headers))
        self._submit(command)
        return command.reply.result(timeout or self.settings.send_timeout)

    def api(self, line: str, timeout: float | None = None) -> str:
        """Run `api <line>` and return the response body."""
        return self.send(f"api {line}", timeout=timeout).body

    def bgapi(self, line: str, timeout: float | None = None) -> Future:
        """Run `bgapi <line>`; the returned future resolves to the BACKGROUND_JOB body."""
        job_id = str(uuid.uuid4())
        command = Command(protocol.encode_command(f"bgapi {line}", {"Job-UUID": job_id}), job=Future())
        self._submit(command)
        reply = command.reply.result(timeout or self.settings.send_timeout)
        if not reply.headers.get("Reply-Text", "").startswith("+OK"):
            raise EslError(reply.headers.get("Reply-Text", "bgapi refused"))
        return command.job

    def _submit(self, command: Command) -> None:
        if not self.connected.is_set():
            raise EslError("ESL not connected")
        self._inbox.append(command)
        self._poke()

    def _poke(self) -> None:
        if self._wake is not None:
            self._wake.send()

    # --- owner thread (gevent) --------------------------------------------------------
    def _owner(self) -> None:
        hub = gevent.get_hub()
        self._wake = hub.loop.async_()
        self._outbox_ready = gevent.event.Event()
        self._wake.start(self._outbox_ready.set)
        self._loop_ready.set()
        gevent.spawn(self._run_forever).join()
        self._wake.close()

    def _run_forever(self) -> None:
        delay, cap = self.settings.backoff
        wait = delay
        while not self._stopping:
            try:
                with gevent.Timeout(self.settings.connect_timeout, TimeoutError("ESL connect timed out")):
                    sock, reader = self._connect()
                wait = delay  # a good connection resets the backoff
                self._session(sock, reader)
            except (OSError, TimeoutError, EslError, protocol.ConnectionClosed, protocol.ProtocolError) as exc:
                log.warning("ESL connection failed: %s", exc)
            self.connected.clear()
            if not self._stopping:
                gevent.sleep(wait)
                wait = min(cap, wait * 2)

    def _connect(self):
        s = self.settings
        sock = gevent.socket.create_connection((s.host, s.port))
        # commands are small writes answered at once: no Nagle delay behind the switch's ACKs
        sock.setsockopt(gevent.socket.IPPROTO_TCP, gevent.socket.TCP_NODELAY, 1)
        reader = sock.makefile("rb")
        if protocol.read_message(reader).content_type != "auth/request":
            raise EslError("expected auth/request")
        for line in [f"auth {s.password}", f"event {s.format} {' '.join(s.events)}"] + [
                f"filter {k} {v}" for k, v in s.filters]:
            sock.sendall(protocol.encode_command(line))
            reply = protocol.read_message(reader)
            if not reply.headers.get("Reply-Text", "").startswith("+OK"):
                sock.close()
                raise EslError(f"{line.split()[0]} refused: {reply.headers.get('Reply-Text')}")
        return sock, reader

    def _session(self, sock, reader) -> None:
        """Run one connection: a reader greenlet and this writer loop, until either ends."""
        pending: collections.deque[Command] = collections.deque()
        jobs: dict[str, Future] = {}
        self.connections += 1
        self.connected.set()
        self.events.put(protocol.Event({"Event-Name": CONNECTED}))
        reading = gevent.spawn(self._read_loop, reader, pending, jobs)
        try:
            self._write_loop(sock, reading, pending)
        finally:
            reading.kill()
            sock.close()
            self.connected.clear()
            self._fail_all(pending, jobs)
            self.events.put(protocol.Event({"Event-Name": DISCONNECTED}))

    def _write_loop(self, sock, reading, pending) -> None:
        while not self._stopping and not reading.dead:
            while self._inbox and not reading.dead:
                command = self._inbox.popleft()
                pending.append(command)  # replies come back in command order
                with gevent.Timeout(self.settings.send_timeout, TimeoutError("ESL send timed out")):
                    sock.sendall(command.wire)
            self._outbox_ready.clear()
            if not self._inbox:
                gevent.wait([self._outbox_ready, reading], count=1, timeout=1)

    def _read_loop(self, reader, pending, jobs) -> None:
        try:
            while True:
                self._dispatch(protocol.read_message(reader), pending, jobs)
        except (OSError, protocol.ConnectionClosed, protocol.ProtocolError) as exc:
            log.info("ESL read ended: %s", exc)

    def _dispatch(self, message: protocol.Message, pending, jobs) -> None:
        kind = message.content_type
        if kind in ("command/reply", "api/response") and pending:
            command = pending.popleft()
            if command.job is not None and message.headers.get("Job-UUID"):
                jobs[message.headers["Job-UUID"]] = command.job
            _resolve(command.reply, message)
        elif kind in ("text/event-json", "text/event-plain"):
            event = protocol.decode_event(message)
            job = jobs.pop(event.get("Job-UUID") or "", None) if event.name == "BACKGROUND_JOB" else None
            if job is not None:
                _resolve(job, event.body or "")
            self.events.put(event)
        elif kind == "text/disconnect-notice":
            raise protocol.ConnectionClosed("server sent disconnect notice")

    def _fail_all(self, pending, jobs) -> None:
        error = EslError("ESL connection lost")
        for command in list(pending) + list(self._inbox):
            _fail(command.reply, error)
            if command.job is not None:
                _fail(command.job, error)
        self._inbox.clear()
        for job in jobs.values():
            _fail(job, error)


def _resolve(future: Future, value) -> None:
    if not future.done():
        future.set_result(value)


def _fail(future: Future, error: Exception) -> None:
    if not future.done():
        future.set_exception(error)
