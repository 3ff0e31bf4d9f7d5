"""ESL simulator: a real TCP server speaking the inbound Event Socket protocol and playing calls."""
from __future__ import annotations

import heapq
import json
import socket
import threading
import time
import uuid
from typing import Iterable

from telephony import protocol, scenarios

GOODBYE = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"


class Session:
    """One client connection: its subscription, filters, and a lock so event writes don't interleave."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock, self.lock = sock, threading.Lock()
        self.authed, self.fmt, self.all = False, "plain", False
        self.names: set[str] = set()
        self.subclasses: set[str] = set()
        self.filters: list[tuple[str, str]] = []

    def wants(self, headers: dict[str, str]) -> bool:
        """Subscription and whitelist filter check, as mod_event_socket does."""
        name = headers.get("Event-Name", "")
        subscribed = self.all or name in self.names or (
            name == "CUSTOM" and headers.get("Event-Subclass") in self.subclasses)
        if not subscribed or not self.authed:
            return False
        return not self.filters or any(headers.get(k) == v for k, v in self.filters)

    def send(self, data: bytes) -> None:
        """Write a whole frame; a dead socket is simply skipped."""
        with self.lock:
            try:
                self.sock.sendall(data)
            except OSError:
                pass

    def subscribe(self, args: list[str]) -> None:
        """Apply `event <fmt> NAME… CUSTOM sub…` (format per connection, last wins)."""
        self.fmt = args[0] if args and args[0] in ("plain", "json", "xml") else "plain"
        custom = False
        for token in args[1:]:
            if token == "ALL":
                self.all = True
            elif token == "CUSTOM":
                custom = True
            elif custom:
                self.subclasses.add(token)
            else:
                self.names.add(token)


class Simulator:
    """The TCP server; `play()` runs calls at a rate and mix, `drop()` cuts every connection."""

    def __init__(self, password: str = "ClueCon", host: str = "127.0.0.1", port: int = 0,
                 send_auth: bool = True) -> None:
        self.password, self.send_auth = password, send_auth
        self.core_uuid = str(uuid.uuid4())
        self.server = socket.create_server((host, port))
        self.port = self.server.getsockname()[1]
        self.sessions: list[Session] = []
        self.live: set[str] = set()
        self.commands: list[str] = []  # every command received, for tests and the demo log
        # mod_json_cdr-shaped CDRs of ended legs, in order; `api cdr_list <offset>` pages them
        # (stand-in for the HTTP POST of mod_json_cdr, so a worker can reconcile after a gap)
        self.cdrs: list[dict] = []
        self._created: dict[str, str] = {}
        self._lock = threading.Lock()
        self._closed = False

    def start(self) -> "Simulator":
        """Accept connections in a background thread."""
        threading.Thread(target=self._accept, daemon=True, name="esl-sim-accept").start()
        return self

    def close(self) -> None:
        """Stop listening and drop every client."""
        self._closed = True
        self.server.close()
        self.drop()

    def _accept(self) -> None:
        while not self._closed:
            try:
                sock, _ = self.server.accept()
            except OSError:
                return
            session = Session(sock)
            with self._lock:
                self.sessions.append(session)
            threading.Thread(target=self._serve, args=(session,), daemon=True).start()

    def _serve(self, session: Session) -> None:
        reader = session.sock.makefile("rb")
        if self.send_auth:
            session.send(protocol.frame("auth/request"))
        try:
            while (command := _read_command(reader)) is not None:
                if not self._handle(session, *command):
                    break
        except (OSError, ValueError):
            pass
        self._forget(session)

    def _forget(self, session: Session) -> None:
        with self._lock:
            if session in self.sessions:
                self.sessions.remove(session)
        try:
            session.sock.close()
        except OSError:
            pass

    def _reply(self, session: Session, text: str, **extra: str) -> None:
        session.send(protocol.frame("command/reply", extra={"Reply-Text": text, **extra}))

    def _goodbye(self, session: Session) -> bool:
        session.send(protocol.frame("text/disconnect-notice", GOODBYE))
        return False

    def _handle(self, session: Session, line: str, headers: dict[str, str]) -> bool:
        """Answer one command; False closes the connection."""
        verb, _, rest = line.partition(" ")
        self.commands.append(line)
        if not session.authed:
            if verb == "auth" and rest == self.password:
                session.authed = True
                self._reply(session, "+OK accepted")
                return True
            self._reply(session, "-ERR invalid")
            return self._goodbye(session)
        if verb == "exit":
            self._reply(session, "+OK bye")
            return self._goodbye(session)
        if verb == "event":
            session.subscribe(rest.split())
            self._reply(session, f"+OK event listener enabled {session.fmt}")
        elif verb == "filter":
            key, _, value = rest.partition(" ")
            session.filters.append((key, value))
            self._reply(session, f"+OK filter added. [{key}]=[{value}]")
        elif verb == "api":
            session.send(protocol.frame("api/response", self.run_api(rest)))
        elif verb == "bgapi":
            job = headers.get("Job-UUID") or str(uuid.uuid4())
            self._reply(session, f"+OK Job-UUID: {job}", **{"Job-UUID": job})
            threading.Thread(target=self._background, args=(job, rest), daemon=True).start()
        else:
            self._reply(session, "-ERR command not found")
        return True

    def _background(self, job: str, command: str) -> None:
        output = self.run_api(command)
        self.emit([("Event-Name", "BACKGROUND_JOB"), ("Core-UUID", self.core_uuid), ("Job-UUID", job),
                   ("Job-Command", command.partition(" ")[0]), ("Job-Command-Arg", command.partition(" ")[2])],
                  output)

    def run_api(self, command: str) -> str:
        """The few API commands the project uses (plus msleep, to test timeouts)."""
        verb, _, args = command.partition(" ")
        if verb == "msleep":
            time.sleep(int(args or 0) / 1000)
            return "+OK\n"
        if verb == "status":
            return f"UP 0 years, 0 days\n{len(self.live)} session(s)\n"
        if verb == "show" and args.startswith("channels"):
            rows = [{"uuid": u, "direction": "inbound"} for u in sorted(self.live)]
            return json.dumps({"row_count": len(rows), "rows": rows})
        if verb == "cdr_list":
            offset = int(args or 0)
            with self._lock:
                rows = self.cdrs[offset:]
            return json.dumps({"next": offset + len(rows), "rows": rows})
        if verb == "uuid_broadcast":
            target = args.split(" ")[0]
            return "+OK Message queued\n" if target in self.live else "-ERR No such channel!\n"
        if verb == "originate":
            marker = "origination_uuid="
            ours = args.split(marker, 1)[1].split(",")[0].split("}")[0] if marker in args else str(uuid.uuid4())
            return f"+OK {ours}\n"
        return f"-ERR {verb} Command not found!\n"

    def emit(self, headers: list[tuple[str, str]], body: str | None = None) -> None:
        """Send one event to every session that subscribed to it (and passes its filters)."""
        as_dict = dict(headers)
        with self._lock:
            targets = [s for s in self.sessions if s.wants(as_dict)]
        for session in targets:
            if session.fmt == "json":
                data = protocol.frame("text/event-json", protocol.encode_json(headers, body))
            else:
                data = protocol.frame("text/event-plain", protocol.encode_plain(headers, body))
            session.send(data)

    def send_raw(self, data: bytes, close: bool = False) -> None:
        """Write raw bytes to every client (e.g. half a frame), optionally then hang up."""
        with self._lock:
            targets = list(self.sessions)
        for session in targets:
            session.send(data)
            if close:
                session.sock.shutdown(socket.SHUT_RDWR)

    def drop(self) -> None:
        """Cut every connection abruptly, as a network failure or FreeSWITCH restart would."""
        with self._lock:
            targets = list(self.sessions)
        for session in targets:
            try:
                session.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def wait_for_clients(self, count: int = 1, subscribed: bool = True, timeout: float = 5.0) -> None:
        """Block until `count` clients are connected (and subscribed), for tests and selftests."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                ready = [s for s in self.sessions if s.authed and (s.all or s.names or not subscribed)]
            if len(ready) >= count:
                return
            time.sleep(0.01)
        raise TimeoutError(f"{count} ESL client(s) did not connect")

    def play(self, outcomes: Iterable[str], rate: float = 100.0, step: float = 0.001,
             callers: Iterable[tuple[str, str]] = ()) -> list[scenarios.Leg]:
        """Play calls (one per outcome) starting `rate` per second; one virtual second lasts `step` s."""
        heap: list[tuple[float, int, list[tuple[str, str]], str | None]] = []
        legs, origin, caller_list = [], time.time(), list(callers)
        for i, outcome in enumerate(outcomes):
            number, name = caller_list[i] if i < len(caller_list) else (None, "Caller")
            leg, steps = scenarios.build_call(outcome, origin, self.core_uuid, number, name)
            legs.append(leg)
            for offset, headers, body in steps:
                heapq.heappush(heap, (i / rate + offset * step, len(heap), headers, body))
        start = time.monotonic()
        while heap:
            at, _, headers, body = heapq.heappop(heap)
            time.sleep(max(0.0, start + at - time.monotonic()))
            self._track(headers)
            self.emit(headers, body)
        return legs

    def _track(self, headers: list[tuple[str, str]]) -> None:
        # live A legs, so uuid_broadcast and `show channels` answer like the real switch
        h = dict(headers)
        if h.get("Unique-ID") and h.get("Call-Direction"):
            self._created.setdefault(h["Unique-ID"], h.get("Event-Date-Timestamp", "0"))
            if h.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE":
                cdr = _cdr(h, self._created.pop(h["Unique-ID"]), self.core_uuid)
                with self._lock:
                    self.cdrs.append(cdr)
        if h.get("Call-Direction") == "inbound":
            if h.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE":
                self.live.discard(h["Unique-ID"])
            else:
                self.live.add(h["Unique-ID"])


def _cdr(h: dict[str, str], created_us: str, core_uuid: str) -> dict:
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


def _read_command(reader) -> tuple[str, dict[str, str]] | None:
    """One client command: the first line, then `Name: value` lines up to a blank line."""
    lines: list[str] = []
    while True:
        raw = reader.readline()
        if not raw:
            return None
        line = raw.decode("utf-8").rstrip("\r\n")
        if line:
            lines.append(line)
        elif lines:
            break
    headers = dict(protocol.split_header(line) for line in lines[1:])
    return lines[0], headers
