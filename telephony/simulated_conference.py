r"""mod_conference in the simulated switch: rooms, members, and the API commands acting on them,
answered and announced as FreeSWITCH does (`conference_api.c`, `conference_member.c`):

| command | reply | events (CUSTOM conference::maintenance, `Action`) |
|---|---|---|
| `conference <room>[@profile] dial {origination_uuid=U,…}<endpoint> [cid num] [cid name]` | `+OK Call Requested: result: [SUCCESS]` (`[USER_BUSY]` for a number in `busy`, `[NORMAL_CIRCUIT_CONGESTION]` when full) | leg U created and answered; `conference-create` for the first member; `add-member` |
| `uuid_transfer <leg> [-both] conference:<room>[@profile] [inline]` | `+OK` | the leg (and its partner with `-both`) `add-member` |
| `originate {…}<endpoint> &conference(<room>[@profile])` | `+OK <uuid>` | as dial |
| `conference <room> mute\|unmute <id>` | `+OK mute <id>` / `+OK unmute <id>` | `mute-member` / `unmute-member` |
| `conference <room> kick <id>\|all` | `+OK kicked <id>` | `kick-member`, `del-member`, the leg hangs up; `conference-destroy` after the last |
| `conference <room> list` | `<id>;<channel>;<uuid>;<cid name>;<cid num>;hear\|speak…;0;0;<energy>` per member | — |
| `uuid_kill <member leg>` | `+OK` | `del-member`, hangup (also `Conferences.hang_up`) |

An unknown room answers `-ERR Conference <room> not found`, an unknown member `-ERR Non-Existant ID <id>`.
"""
from __future__ import annotations

import itertools
import re
import time
import uuid
from dataclasses import dataclass, field

NOT_FOUND = "-ERR Conference {} not found\n"
SUBCLASS = "conference::maintenance"


@dataclass
class Member:
    id: int
    leg: object                    # simulated_controls.Channel
    speak: bool = True
    talking: bool = False


@dataclass
class Room:
    name: str
    profile: str
    uuid: str = field(default_factory=lambda: str(uuid.uuid4()))
    members: dict[int, Member] = field(default_factory=dict)


class Conferences:
    """The switch's rooms; `api(verb, args)` answers the conference commands (None: not ours)."""

    def __init__(self, sim, max_members: int = 50) -> None:
        self.sim, self.max_members = sim, max_members
        self.rooms: dict[str, Room] = {}
        self.busy: set[str] = set()          # numbers that do not answer (USER_BUSY)
        self._ids = itertools.count(1)       # Member-IDs are unique across the switch's rooms

    # --- commands --------------------------------------------------------------------------
    def api(self, verb: str, args: str) -> str | None:
        with self.sim.board.lock:
            if verb == "conference":
                return self._conference(args.split())
            if verb == "uuid_transfer" and "conference:" in args:
                return self._transfer(args.split())
            if verb == "originate" and "&conference(" in args:
                found = re.fullmatch(r"(\S+)\s+&conference\(([^)]+)\)", args.strip())
                return self._dial(found.group(2), found.group(1), "originate") if found else None
            if verb == "uuid_kill" and args.split() and self._member_of(args.split()[0]):
                self.hang_up(args.split()[0])
                return "+OK\n"
        return None

    def _conference(self, words: list[str]) -> str:
        if len(words) < 2:
            return "-ERR Bad Args\n"
        if words[1] == "dial":
            return self._dial(words[0], words[2], "dial") if len(words) > 2 else "-ERR Bad Args\n"
        room = self.rooms.get(words[0])
        if room is None:
            return NOT_FOUND.format(words[0])
        if words[1] == "list":
            return "".join(f"{m.id};{m.leg.vars.get('channel_name', 'sofia/external/' + m.leg.number)};{m.leg.uuid};"
                           f"{m.leg.number};{m.leg.number};{self._flags(m)};0;0;200\n" for m in room.members.values())
        if words[1] in ("mute", "unmute", "kick") and len(words) > 2:
            targets = list(room.members.values()) if words[2] == "all" else \
                [room.members[int(words[2])]] if words[2].isdigit() and int(words[2]) in room.members else []
            if not targets:
                return f"-ERR Non-Existant ID {words[2]}\n"
            return "".join(self._member_command(room, m, words[1]) for m in targets)
        return f"-ERR Conference command '{words[1]}' not found.\n"

    def _member_command(self, room: Room, member: Member, command: str) -> str:
        if command == "kick":
            self.event(room, "kick-member", member)
            self._leave(room, member, "NORMAL_CLEARING")
            return f"+OK kicked {member.id}\n"
        member.speak = command == "unmute"
        member.talking = member.talking and member.speak
        self.event(room, f"{command}-member", member)
        return f"+OK {command} {member.id}\n"

    def _dial(self, target: str, dial: str, how: str) -> str:
        name, _, profile = target.partition("@")
        variables = dict(v.split("=", 1) for v in re.findall(r"[^{},]+=[^{},]+", dial.split("}")[0]))
        ours = variables.get("origination_uuid") or str(uuid.uuid4())
        endpoint = dial.split("}", 1)[-1]
        number = endpoint.rsplit("/", 1)[-1]
        room = self.rooms.get(name)
        cause = "USER_BUSY" if number in self.busy else "NORMAL_CIRCUIT_CONGESTION" \
            if room is not None and len(room.members) >= self.max_members else "SUCCESS"
        if cause != "SUCCESS":
            return f"+OK Call Requested: result: [{cause}]\n" if how == "dial" else f"-ERR {cause}\n"
        board = self.sim.board
        user = re.fullmatch(r"user/([0-9]+)", endpoint)
        own = {k: v for k, v in variables.items() if k.startswith("hotline_")}
        leg = board.new_leg(number, ours, "conference", ours, **own, **({"dialed_user": user.group(1)} if user else {}))
        board.answer(leg)
        self.join(name, profile or "default", leg)
        return "+OK Call Requested: result: [SUCCESS]\n" if how == "dial" else f"+OK {ours}\n"

    def _transfer(self, words: list[str]) -> str:
        board = self.sim.board
        leg = board.legs.get(words[0]) if words else None
        if leg is None:
            return "-ERR No such channel!\n"
        both = len(words) > 1 and words[1] == "-both"
        dest = next((w for w in words[1:] if w.startswith("conference:")), "")
        name, _, profile = dest[len("conference:"):].partition("@")
        legs = [leg] + ([board.legs[leg.partner]] if both and leg.partner in board.legs else [])
        for one in legs:
            one.partner = None
            self.join(name, profile or "default", one)
        return "+OK\n"

    # --- members ---------------------------------------------------------------------------
    def join(self, name: str, profile: str, leg) -> Member:
        """A leg enters the room (created with its first member)."""
        room = self.rooms.get(name)
        if room is None:
            room = self.rooms[name] = Room(name, profile)
            self.event(room, "conference-create")
        member = Member(next(self._ids), leg)
        room.members[member.id] = member
        self.event(room, "add-member", member)
        return member

    def hang_up(self, leg_id: str, cause: str = "NORMAL_CLEARING") -> bool:
        """A member's phone hangs up (del-member, then the leg's hangup)."""
        with self.sim.board.lock:
            found = self._member_of(leg_id)
            if found:
                self._leave(*found, cause)
            return bool(found)

    def talk(self, name: str, member_id: int, talking: bool = True) -> None:
        """A member starts or stops talking (start-talking / stop-talking)."""
        room = self.rooms[name]
        member = room.members[member_id]
        member.talking = talking
        self.event(room, "start-talking" if talking else "stop-talking", member)

    def _leave(self, room: Room, member: Member, cause: str) -> None:
        room.members.pop(member.id, None)
        self.event(room, "del-member", member)
        if member.leg.uuid in self.sim.board.legs:
            self.sim.board.hangup(member.leg, cause)
        if not room.members:
            self.rooms.pop(room.name, None)
            self.event(room, "conference-destroy")

    def _member_of(self, leg_id: str) -> tuple[Room, Member] | None:
        return next(((r, m) for r in self.rooms.values() for m in r.members.values() if m.leg.uuid == leg_id), None)

    @staticmethod
    def _flags(member: Member) -> str:
        return "|".join(["hear"] + (["speak"] if member.speak else []) + (["talking"] if member.talking else []))

    def event(self, room: Room, action: str, member: Member | None = None) -> None:
        h = [("Event-Subclass", SUBCLASS), ("Event-Name", "CUSTOM"), ("Core-UUID", self.sim.core_uuid),
             ("Event-Date-Timestamp", str(int(time.time() * 1_000_000))), ("Event-Calling-File", "mod_conference.c"),
             ("Conference-Name", room.name), ("Conference-Domain", "hotline"),
             ("Conference-Size", str(len(room.members))), ("Conference-Ghosts", "0"),
             ("Conference-Profile-Name", room.profile), ("Conference-Unique-ID", room.uuid)]
        if member is not None:
            leg = member.leg
            h += [("Floor", "false"), ("Unique-ID", leg.uuid), ("Call-Direction", leg.direction),
                  ("Caller-Caller-ID-Name", leg.number), ("Caller-Caller-ID-Number", leg.number),
                  ("Hear", "true"), ("See", "true"), ("Speak", "true" if member.speak else "false"),
                  ("Talking", "true" if member.talking else "false"), ("Mute-Detect", "false"), ("Hold", "false"),
                  ("Member-ID", str(member.id)), ("Member-Type", "member"), ("Member-Ghost", "false"),
                  ("Energy-Level", "200"), ("Current-Energy", "0")]
        h.append(("Action", action))
        self.sim.emit(h)
