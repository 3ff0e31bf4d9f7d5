"""ESL simulator: a real TCP server speaking the inbound Event Socket protocol and playing calls."""
from __future__ import annotations

import heapq
import itertools
import json
import logging
import socket
import threading
import time
import uuid
from typing import Callable, Iterable

from telephony import protocol, scenarios, simulated_outputs as outputs
from telephony.simulated_conference import Conferences
from telephony.simulated_controls import Switchboard
from telephony.simulated_ivr import QueueConfig

GOODBYE = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
log = logging.getLogger(__name__)


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
                 send_auth: bool = True, cdr_sink: Callable[[dict], None] | None = None,
                 files_root: str | None = None, one_call_per_agent: bool = False) -> None:
        self.password, self.send_auth, self.cdr_sink = password, send_auth, cdr_sink
        # the demo writes a short real WAV for each recording and voicemail, under files_root
        # in place of the switch's /var/lib/freeswitch (the web plays them from there)
        self.files_root = files_root
        # like mod_callcenter, offer a call only to an agent not on a call already (the demo);
        # load tests leave it off to spread calls over a few seats
        self.one_call_per_agent = one_call_per_agent
        self._serving: dict[str, str] = {}   # A leg -> agent reserved for it
        self.core_uuid = str(uuid.uuid4())
        self.server = socket.create_server((host, port))
        self.port = self.server.getsockname()[1]
        self.sessions: list[Session] = []
        self.live: dict[str, str] = {}   # live A legs -> caller number
        self.commands: list[str] = []  # every command received, for tests and the demo log
        # mod_json_cdr-shaped CDRs of ended legs, in order; each also goes to `cdr_sink` (e.g. a
        # CdrPoster posting to the web's /telephony/cdr, as mod_json_cdr does)
        self.cdrs: list[dict] = []
        self.agents: dict[str, str] = {}          # mod_callcenter agent -> status (set over ESL)
        self.globals: dict[str, str] = {"core_uuid": self.core_uuid}
        self.members: dict[str, dict[str, str]] = {}   # A leg -> queue member row (waiting/trying/answered)
        self.offers: dict[str, float] = {}        # A leg -> wall time its agent-offering was sent
        self._agent_turn = itertools.count()
        self.generation = 0    # bumped by restart(): calls of an older generation stop playing
        self._created: dict[str, str] = {}
        self._lock = threading.Lock()
        self._closed = False
        self.board = Switchboard(self)   # live calls the call controls act on (talking_call)
        self.ivr = QueueConfig(self)     # queues, tiers, the menu choice (`ivr.source`: callcenter.conf)
        self.conferences = Conferences(self)   # mod_conference: rooms and members

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
            # small frames (replies, events) must not wait for the peer's delayed ACK (Nagle):
            # that cost every api/bgapi reply ~40 ms under load; mod_event_socket sends at once too
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            session = Session(sock)
            with self._lock:
                self.sessions.append(session)
            threading.Thread(target=self._serve, args=(session,), daemon=True).start()

    def _serve(self, session: Session) -> None:
        reader = session.sock.makefile("rb")
        if self.send_auth:
            session.send(protocol.frame("auth/request"))
        try:
            while (command := protocol.read_command(reader)) is not None:
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
        if (answer := self.conferences.api(verb, args)) is not None:
            return answer
        if verb in Switchboard.VERBS and (answer := self.board.api(verb, args)) is not None:
            return answer
        if verb == "status":
            return f"UP 0 years, 0 days\n{len(self.live)} session(s)\n"
        if verb == "show" and args.startswith("channels"):
            with self._lock:
                rows = [{"uuid": u, "direction": "inbound", "created_epoch": str(int(int(self._created.get(u, "0")) / 1e6)),
                         "cid_num": number} for u, number in sorted(self.live.items())]
            return json.dumps({"row_count": len(rows), "rows": rows})
        if verb == "global_getvar":
            return self.globals.get(args.strip(), "") + "\n"
        if verb == "global_setvar":
            name, _, value = args.partition("=")
            self.globals[name.strip()] = value.strip()
            return "+OK\n"
        if verb == "callcenter_config":
            return self._callcenter_config(args.split(" "))
        if verb in ("uuid_broadcast", "uuid_transfer"):
            target = args.split(" ")[0]
            return "+OK Message queued\n" if target in self.live else "-ERR No such channel!\n"
        if verb == "originate":
            marker = "origination_uuid="
            ours = args.split(marker, 1)[1].split(",")[0].split("}")[0] if marker in args else str(uuid.uuid4())
            return f"+OK {ours}\n"
        return f"-ERR {verb} Command not found!\n"

    def _callcenter_config(self, words: list[str]) -> str:
        # `agent set status <agent> '<status>'` and `queue list members <queue>` (mod_callcenter)
        if (answer := self.ivr.api(words)) is not None:
            return answer
        if words[:3] == ["agent", "set", "status"] and len(words) >= 5:
            self.agents[words[3]] = " ".join(words[4:]).strip("'\"")
            return "+OK\n"
        if words[:3] == ["queue", "list", "members"] and len(words) == 4:
            with self._lock:
                rows = [m for m in self.members.values() if m["queue"] == words[3]]
            header = "queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|" \
                     "rejoined_epoch|bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|" \
                     "serving_system|state|score"
            lines = [f"{m['queue']}|single_box|{m['uuid']}|{m['session_uuid']}|{m['cid_number']}|Caller|"
                     f"{m['joined_epoch']}|{m['joined_epoch']}|0|0|0|0|0|{m['serving_agent']}|single_box|"
                     f"{m['state']}|0" for m in rows]
            return "\n".join([header, *lines, "+OK"]) + "\n"
        return "-ERR Invalid syntax\n"

    def _pick_agent(self) -> str | None:
        available = self.available_agents()
        if self.one_call_per_agent:
            with self._lock:
                busy = set(self._serving.values())
            available = [a for a in available if a not in busy]
        return available[next(self._agent_turn) % len(available)] if available else None

    def available_agents(self) -> list[str]:
        """Agents set Available over ESL (the demo offers calls to the agents signed in)."""
        return sorted(a for a, status in self.agents.items() if status == "Available")

    def talking_call(self, agent: str, caller: str | None = None, answered: bool = True) -> tuple[str, str]:
        """A call offered to `agent` (answered, or left ringing) that stays up for the call controls."""
        return self.board.talking_call(agent, caller, answered)

    def restart(self) -> None:
        """Play a FreeSWITCH restart: new Core-UUID, every connection and live call gone (no CDRs)."""
        with self._lock:
            self.generation += 1
            self.core_uuid = self.globals["core_uuid"] = str(uuid.uuid4())
            self.live.clear()
            self.members.clear()
            self._created.clear()
        self.drop()

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
             callers: Iterable[tuple[str, str]] = (), digits: list[str] = ()) -> list[scenarios.Leg]:
        """Play calls (one per outcome) starting `rate` per second; one virtual second lasts `step` s."""
        heap: list[tuple[float, int, list[tuple[str, str]], str | None]] = []
        legs, origin, caller_list = [], time.time(), list(callers)
        for i, outcome in enumerate(outcomes):
            number, name = caller_list[i] if i < len(caller_list) else (None, "Caller")
            agent = self._pick_agent()
            # each call's clock starts when it starts (its events carry that time)
            leg, steps = scenarios.build_call(outcome, origin + i / rate, self.core_uuid, number, name, agent=agent,
                                              **self.ivr.route(digits, i))   # menu key -> its queue
            if agent and self.one_call_per_agent:
                with self._lock:
                    self._serving[leg.uuid] = agent
            legs.append(leg)
            for offset, headers, body in steps:
                heapq.heappush(heap, (i / rate + offset * step, len(heap), headers, body))
        start, generation = time.monotonic(), self.generation
        while heap:
            at, _, headers, body = heapq.heappop(heap)
            time.sleep(max(0.0, start + at - time.monotonic()))
            if self.generation != generation:
                break   # the switch restarted: these calls are gone
            self._track(headers)
            self.emit(headers, body)
        return legs

    def _track(self, headers: list[tuple[str, str]]) -> None:
        # live A legs and queue members, so uuid_broadcast, `show channels` and `callcenter_config
        # queue list members` answer like the real switch; a CDR per ended leg
        h = dict(headers)
        if h.get("Event-Subclass") == "callcenter::info":
            self._track_member(h)
        if self.files_root and (h.get("Record-File-Path") or h.get("VM-File-Path")):
            outputs.write_tone(self.files_root, h.get("Record-File-Path") or h["VM-File-Path"])
        if h.get("Unique-ID") and h.get("Call-Direction"):
            self._created.setdefault(h["Unique-ID"], h.get("Event-Date-Timestamp", "0"))
            if h.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE":
                cdr = outputs.mod_json_cdr(h, self._created.pop(h["Unique-ID"]), self.core_uuid)
                with self._lock:
                    self.cdrs.append(cdr)
                if self.cdr_sink is not None:
                    self.cdr_sink(cdr)
        if h.get("Call-Direction") == "inbound":
            with self._lock:
                if h.get("Event-Name") == "CHANNEL_HANGUP_COMPLETE":
                    self.live.pop(h["Unique-ID"], None)
                    self.members.pop(h["Unique-ID"], None)
                    self._serving.pop(h["Unique-ID"], None)
                else:
                    self.live[h["Unique-ID"]] = h.get("Caller-Caller-ID-Number", "")

    def _track_member(self, h: dict[str, str]) -> None:
        session, action = h.get("CC-Member-Session-UUID", ""), h.get("CC-Action")
        with self._lock:
            if action == "member-queue-start":
                self.members[session] = {"queue": h.get("CC-Queue", ""), "uuid": h.get("CC-Member-UUID", ""),
                                         "session_uuid": session, "cid_number": h.get("CC-Member-CID-Number", ""),
                                         "joined_epoch": str(int(h.get("Event-Date-Timestamp", "0")) // 1_000_000),
                                         "serving_agent": "", "state": "Waiting"}
            elif session in self.members and action in ("agent-offering", "bridge-agent-start"):
                self.members[session].update(serving_agent=h.get("CC-Agent", ""),
                                             state="Trying" if action == "agent-offering" else "Answered")
            elif action == "member-queue-end":
                self.members.pop(session, None)
        if action == "agent-offering":
            self.offers[session] = time.time()
