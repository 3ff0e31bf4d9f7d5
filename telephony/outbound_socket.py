"""Outbound Event Socket: FreeSWITCH's `socket <host>:<port> async full` connects to us, one call
per connection, and we drive that call with sendmsg.

On the hardened codec (telephony.protocol), not greenswitch's OutboundSession (docs/TELEPHONY.md,
"greenswitch: why not"): the channel data of `connect` is split into lines before each value is
URL-decoded (a caller name cannot forge Unique-ID), event bodies stay apart, every wait has a
deadline, EOF ends the session, and each call runs in a plain OS thread (the lookup it makes is a
blocking database query, which would stall every other call on one gevent hub).
"""
from __future__ import annotations

import logging
import socket
import threading
import uuid
from dataclasses import dataclass
from typing import Callable
from urllib.parse import unquote

from telephony import protocol

log = logging.getLogger(__name__)


class Hangup(Exception):
    """The caller is gone (CHANNEL_HANGUP, disconnect notice or a closed socket)."""


class OutboundError(RuntimeError):
    """The switch refused a command, or did not answer in time."""


@dataclass(frozen=True)
class ChannelData:
    """The `connect` reply: the channel's headers and variables, each value decoded on its own."""

    headers: dict[str, str]

    @property
    def unique_id(self) -> str:
        return self.headers.get("Unique-ID", "")

    @property
    def caller_number(self) -> str:
        return self.headers.get("Caller-Caller-ID-Number", "")

    def variable(self, name: str) -> str | None:
        return self.headers.get(f"variable_{name}")


def channel_data(message: protocol.Message) -> ChannelData:
    """Decode the outer headers of the connect reply (FreeSWITCH encodes each value separately)."""
    return ChannelData({k: unquote(v) if "%" in v else v for k, v in message.headers.items()})


class OutboundSession:
    """One call's connection, driven from one thread: commands, then events until each completes."""

    def __init__(self, sock: socket.socket, timeout: float = 10.0) -> None:
        self.sock, self.timeout = sock, timeout
        self.reader = sock.makefile("rb")
        self.channel: ChannelData | None = None
        self.gone = False          # the caller hung up: only hangup/exit make sense now

    # --- commands ---------------------------------------------------------------------
    def connect(self) -> ChannelData:
        """`connect`: the channel data arrives as the reply's headers."""
        self.channel = channel_data(self.command("connect"))
        return self.channel

    def myevents(self) -> None:
        """Events of this channel only, plain (per-value encoded)."""
        self.command("myevents")

    def linger(self) -> None:
        """Keep the socket open after hangup so the last events still arrive."""
        self.command("linger")

    def command(self, line: str, headers: dict[str, str] | None = None) -> protocol.Message:
        """Send one command; its command/reply (events read meanwhile are noted, not lost)."""
        self._send(protocol.encode_command(line, headers))
        while True:
            message = self._next(self.timeout)
            if message.content_type in ("command/reply", "api/response"):
                reply = message.headers.get("Reply-Text", "")
                if message.content_type == "command/reply" and reply.startswith("-ERR"):
                    raise OutboundError(f"{line.split()[0]} refused: {reply}")
                return message
            self._note(message)

    def execute(self, app: str, arg: str = "", timeout: float | None = None) -> protocol.Event:
        """Run a dialplan application on the call and wait for its CHANNEL_EXECUTE_COMPLETE,
        matched by the Event-UUID we gave it (not by the application's name)."""
        if self.gone:
            raise Hangup("caller gone")
        app_uuid = str(uuid.uuid4())
        headers = {"call-command": "execute", "execute-app-name": app, "event-lock": "true",
                   "Event-UUID": app_uuid}
        if arg:
            headers["execute-app-arg"] = arg
        self.command("sendmsg", headers)
        limit = timeout or self.timeout
        while True:
            event = self._note(self._next(limit))
            if event is not None and event.name == "CHANNEL_EXECUTE_COMPLETE" \
                    and event.get("Application-UUID") == app_uuid:
                return event
            if self.gone:
                raise Hangup("caller hung up")

    def hangup(self, cause: str = "NORMAL_CLEARING") -> None:
        """Hang the call up (nothing to do if the caller did already)."""
        if not self.gone:
            try:
                self.command("sendmsg", {"call-command": "hangup", "hangup-cause": cause})
            except (Hangup, OutboundError, OSError, protocol.ConnectionClosed):
                pass
        self.gone = True

    def close(self) -> None:
        """`exit` if the socket still lives, then close it."""
        try:
            self.sock.settimeout(1.0)
            self.sock.sendall(protocol.encode_command("exit"))
        except OSError:
            pass
        for closing in (self.reader.close, self.sock.close):
            try:
                closing()
            except OSError:
                pass

    # --- reading ----------------------------------------------------------------------
    def _send(self, wire: bytes) -> None:
        try:
            self.sock.settimeout(self.timeout)
            self.sock.sendall(wire)
        except OSError as exc:
            self.gone = True
            raise Hangup(f"socket closed: {exc}") from None

    def _next(self, timeout: float) -> protocol.Message:
        """The next message within `timeout` seconds. A timeout ends the session: a buffered
        reader that timed out mid-message cannot be trusted again."""
        self.sock.settimeout(timeout)
        try:
            message = protocol.read_message(self.reader)
        except (TimeoutError, socket.timeout):
            raise OutboundError(f"no message from the switch in {timeout:g} s") from None
        except (OSError, protocol.ConnectionClosed) as exc:
            self.gone = True
            raise Hangup(f"socket closed: {exc}") from None
        if message.content_type == "text/disconnect-notice":
            self.gone = True
            raise Hangup("disconnect notice")
        return message

    def _note(self, message: protocol.Message) -> protocol.Event | None:
        """Decode an event of this call and note a hangup; anything else is skipped."""
        if message.content_type not in ("text/event-plain", "text/event-json"):
            return None
        event = protocol.decode_event(message)
        if event.name == "CHANNEL_HANGUP" and (
                self.channel is None or event.get("Unique-ID") == self.channel.unique_id):
            self.gone = True
        return event


class OutboundServer:
    """Accepts the switch's connections; each call runs `handler(session)` in its own thread."""

    def __init__(self, handler: Callable[[OutboundSession], None], host: str = "127.0.0.1", port: int = 0,
                 max_calls: int = 200, timeout: float = 10.0) -> None:
        self.handler, self.max_calls, self.timeout = handler, max_calls, timeout
        self.server = socket.create_server((host, port))
        self.port = self.server.getsockname()[1]
        self.active = 0
        self.served = 0
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> "OutboundServer":
        threading.Thread(target=self._accept, daemon=True, name="esl-outbound-accept").start()
        return self

    def close(self) -> None:
        self._closed = True
        self.server.close()

    def _accept(self) -> None:
        while not self._closed:
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                full = self.active >= self.max_calls
                self.active += 0 if full else 1
            if full:      # the `socket` app fails and the dialplan goes on (to the queue)
                log.warning("self-service full (%d calls): connection refused", self.max_calls)
                sock.close()
                continue
            threading.Thread(target=self._serve, args=(sock,), daemon=True, name="esl-outbound-call").start()

    def _serve(self, sock: socket.socket) -> None:
        session = OutboundSession(sock, timeout=self.timeout)
        try:
            self.handler(session)
        except (Hangup, OutboundError, protocol.ProtocolError) as exc:
            log.info("outbound session ended: %s", exc)
        except Exception:       # one call's bug must not take the server down
            log.exception("outbound session failed")
        finally:
            session.close()
            with self._lock:
                self.active -= 1
                self.served += 1
