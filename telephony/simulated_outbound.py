"""FreeSWITCH's side of an outbound Event Socket call, for tests and the demo: connects to our
server as `socket <host>:<port> async full` does, answers `connect` with the channel data,
honours myevents/linger/sendmsg/exit with mod_event_socket's replies, runs the applications
(CHANNEL_EXECUTE … CHANNEL_EXECUTE_COMPLETE with the sender's Event-UUID as Application-UUID)
and plays a caller who types the given keys (DTMF events) or hangs up mid-menu.
"""
from __future__ import annotations

import re
import socket
import threading
import uuid

from telephony import protocol

HANGUP = "HANGUP"      # a key entry: the caller hangs up during this prompt
GOODBYE = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"


def channel_headers(unique_id: str, caller: str, caller_name: str = "Citizen") -> list[tuple[str, str]]:
    """A CHANNEL_DATA header set like the connect reply of a real switch (shortened)."""
    return [("Event-Name", "CHANNEL_DATA"), ("Core-UUID", "8694f653-55e0-42ed-98d8-4983e2b6d248"),
            ("Channel-Direction", "inbound"), ("Channel-Caller-ID-Name", caller_name),
            ("Channel-Caller-ID-Number", caller), ("Channel-Destination-Number", "12345"),
            ("Channel-Unique-ID", unique_id), ("Channel-State", "CS_EXECUTE"),
            ("Channel-Call-State", "RINGING"), ("Unique-ID", unique_id), ("Call-Direction", "inbound"),
            ("Answer-State", "ringing"), ("Caller-Caller-ID-Name", caller_name),
            ("Caller-Caller-ID-Number", caller), ("Caller-Unique-ID", unique_id),
            ("variable_uuid", unique_id), ("variable_hotline_call", "true"), ("variable_language", "zh"),
            ("variable_ivr_stage", "self_service")]


class SimulatedCall:
    """One call: `keys` are what the caller types at each play_and_get_digits, in order: digits
    (a '#' ends them), None (types nothing: the prompt times out) or HANGUP."""

    def __init__(self, host: str, port: int, keys: list[str | None], caller: str = "13800138000",
                 headers: list[tuple[str, str]] | None = None, timeout: float = 10.0) -> None:
        self.unique_id = str(uuid.uuid4())
        self.headers = headers or channel_headers(self.unique_id, caller)
        self.unique_id = dict(self.headers).get("Unique-ID", self.unique_id)
        self.keys = list(keys)
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.reader = self.sock.makefile("rb")
        self.commands: list[str] = []
        self.executed: list[tuple[str, str]] = []      # (application, argument)
        self.heard: list[str] = []                     # files played, `phrase:…`, `say:…`
        self.ended_by: str | None = None               # caller | switch (a hangup command)
        self.subscribed = self.lingering = self.closed = False
        self._thread = threading.Thread(target=self.run, daemon=True, name="sim-outbound-call")

    def start(self) -> "SimulatedCall":
        self._thread.start()
        return self

    def join(self, timeout: float = 10.0) -> "SimulatedCall":
        self._thread.join(timeout)
        return self

    def run(self) -> None:
        """Serve commands until `exit`, the caller's hangup, or the server closing."""
        try:
            while not self.closed and (command := protocol.read_command(self.reader)) is not None:
                self._handle(*command)
        except (OSError, ValueError):
            pass
        finally:
            self._close()

    def _handle(self, line: str, headers: dict[str, str]) -> None:
        self.commands.append(line)
        verb = line.split(" ", 1)[0]
        if verb == "connect":
            self._send(protocol.encode_plain(self.headers + [
                ("Content-Type", "command/reply"), ("Reply-Text", "+OK\n"), ("Socket-Mode", "async"),
                ("Control", "full")]).encode("utf-8"))
        elif verb == "myevents":
            self.subscribed = True
            self._reply("+OK Events Enabled")
        elif verb == "linger":
            self.lingering = True
            self._reply("+OK will linger")
        elif verb == "exit":
            self._reply("+OK bye")
            self._send(protocol.frame("text/disconnect-notice", GOODBYE))
            self.closed = True
        elif verb == "sendmsg":
            self._sendmsg(headers)
        else:
            self._reply("-ERR command not found")

    def _sendmsg(self, headers: dict[str, str]) -> None:
        command = headers.get("call-command", "")
        if command == "hangup":
            self._reply("+OK")
            self._hangup("switch", headers.get("hangup-cause", "NORMAL_CLEARING"))
        elif command == "execute" and headers.get("execute-app-name"):
            self._reply("+OK")
            self._execute(headers["execute-app-name"], headers.get("execute-app-arg", ""),
                          headers.get("Event-UUID") or str(uuid.uuid4()))
        else:
            self._reply("-ERR invalid call-command")

    def _execute(self, app: str, arg: str, app_uuid: str) -> None:
        self.executed.append((app, arg))
        apps = {"Application": app, "Application-Data": arg, "Application-UUID": app_uuid}
        self._event("CHANNEL_EXECUTE", apps)
        extra: dict[str, str] = {"Application-Response": "_none_"}
        if app == "answer":
            self._event("CHANNEL_ANSWER", {"Answer-State": "answered"})
        elif app == "playback":
            self.heard.append(arg)
            extra["Application-Response"] = "FILE PLAYED"
        elif app in ("phrase", "say"):
            self.heard.append(f"{app}:{arg}")
        elif app == "play_and_get_digits":
            if not self._digits(arg, extra):
                return
        elif app == "hangup":
            self._hangup("switch", arg or "NORMAL_CLEARING")
            return
        self._event("CHANNEL_EXECUTE_COMPLETE", {**apps, **extra})

    def _digits(self, arg: str, extra: dict[str, str]) -> bool:
        """The caller's turn: DTMF events and the variable, nothing (timeout), or a hangup."""
        parts = arg.split()
        low, high, var, regex = int(parts[0]), int(parts[1]), parts[7], parts[8]
        self.heard.append(parts[5])
        keys = self.keys.pop(0) if self.keys else None
        if keys == HANGUP:
            self._hangup("caller", "NORMAL_CLEARING")
            return False
        for digit in keys or "":
            self._event("DTMF", {"DTMF-Digit": digit, "DTMF-Duration": "2000", "DTMF-Source": "RTP"})
        typed = (keys or "").split("#")[0][:high]
        if typed and low <= len(typed) and re.fullmatch(regex.strip("^$") or ".*", typed):
            extra[f"variable_{var}"] = typed
        return True

    def _hangup(self, by: str, cause: str) -> None:
        """CHANNEL_HANGUP (…COMPLETE), then the disconnect notice; linger keeps the socket a moment."""
        self.ended_by = self.ended_by or by
        self._event("CHANNEL_HANGUP", {"Hangup-Cause": cause, "Answer-State": "hangup"})
        self._event("CHANNEL_HANGUP_COMPLETE", {"Hangup-Cause": cause, "Answer-State": "hangup"})
        notice = {"Controlled-Session-UUID": self.unique_id, "Content-Disposition": "linger" if self.lingering
                  else "disconnect", "Channel-Name": "sofia/external/caller"}
        self._send(protocol.frame("text/disconnect-notice", GOODBYE, extra=notice))
        self.closed = not self.lingering     # linger: the socket stays until `exit` (or the linger time)

    def _event(self, name: str, headers: dict[str, str]) -> None:
        if not self.subscribed:
            return
        body = protocol.encode_plain([("Event-Name", name), ("Unique-ID", self.unique_id),
                                      ("Channel-Call-UUID", self.unique_id), *headers.items()])
        self._send(protocol.frame("text/event-plain", body))

    def _reply(self, text: str) -> None:
        self._send(protocol.frame("command/reply", extra={"Reply-Text": text}))

    def _send(self, data: bytes) -> None:
        try:
            self.sock.sendall(data)
        except OSError:
            self.closed = True

    def _close(self) -> None:
        self.closed = True
        for closing in (self.reader.close, self.sock.close):
            try:
                closing()
            except OSError:
                pass
