"""The worker's part of conferences: CUSTOM `conference::maintenance` events go to the engine
(engine.telephony.conference_events), and after every (re)connect each open room is listed with
`conference <room> list` so members who joined or left while the Event Socket was down are caught up.

`conference <room> list` answers one line per member, fields separated by `;` (mod_conference's
conference_list): member id; channel name; uuid; caller id name; caller id number; flags
(`hear|speak|talking|floor|moderator…`, no `speak` = muted); volume in; volume out; energy.
A room that does not exist answers `-ERR Conference <room> not found`.
"""
from __future__ import annotations

import logging
from typing import Mapping

from telephony import esl

log = logging.getLogger(__name__)
SUBCLASS = "conference::maintenance"


def apply(worker, h: Mapping[str, str]) -> None:
    """Hand one conference::maintenance event to the engine."""
    if worker.hooks is None or h.get("Event-Subclass") != SUBCLASS:
        return
    from engine.telephony import conference_events

    with worker.context():
        conference_events.on_maintenance(dict(h))


def rebuild(worker) -> int:
    """List every open room on the switch and make its members match; rows changed."""
    if worker.hooks is None or worker.client is None:
        return 0
    from engine.telephony import conference_events

    changed = 0
    with worker.context():
        names = conference_events.open_rooms()
    for name in names:
        try:
            reply = worker.client.api(f"conference {name} list", timeout=5.0)
        except (esl.EslError, TimeoutError) as exc:
            log.warning("could not list conference %s: %s", name, exc)
            continue
        with worker.context():
            changed += conference_events.rebuild(name, parse_list(reply))
    return changed


def parse_list(reply: str) -> list[dict] | None:
    """Members from `conference <room> list`; None when the switch has no such room."""
    if reply.startswith("-ERR") and "not found" in reply:
        return None
    members = []
    for line in reply.splitlines():
        fields = line.split(";")
        if len(fields) < 6 or not fields[0].isdigit():
            continue
        flags = fields[5].split("|")
        members.append({"member_id": int(fields[0]), "uuid": fields[2], "number": fields[4],
                        "muted": "speak" not in flags and "hold" not in flags})
    return members
