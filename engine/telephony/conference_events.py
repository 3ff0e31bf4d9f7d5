"""What the telephony worker writes about conferences: members moved by the switch's
`conference::maintenance` events, and the rooms rebuilt from `conference <room> list` after a
reconnect. Every function commits (the worker calls them one at a time inside an app context).

Only rooms the web opened (engine.telephony.conferences) are kept; other rooms' events are ignored.
"""
from __future__ import annotations

from typing import Mapping

from sqlalchemy import select

from engine.db import db
from engine.models import Conference, ConferenceMember
from engine.ports import now as clock_now
from engine.telephony import conferences

ACTIONS = ("add-member", "del-member", "mute-member", "unmute-member", "start-talking", "stop-talking",
           "conference-create", "conference-destroy")


def on_maintenance(h: Mapping[str, str]) -> bool:
    """Apply one conference::maintenance event; False if it is not about a room of ours."""
    action = h.get("Action")
    room = _room(h.get("Conference-Name") or "")
    if room is None or action not in ACTIONS:
        db.session.rollback()
        return False
    if action == "conference-create":
        room.switch_uuid = (h.get("Conference-Unique-ID") or "")[:64] or room.switch_uuid
    elif action == "conference-destroy":
        _gone(room)
    else:
        _member(room, action, h)
    db.session.commit()
    return True


def _room(name: str) -> Conference | None:
    if not conferences.ROOM.fullmatch(name):
        return None
    return db.session.execute(select(Conference).where(Conference.name == name)).scalar()


def _member(room: Conference, action: str, h: Mapping[str, str]) -> None:
    leg, member_id = h.get("Unique-ID") or "", _int(h.get("Member-ID"))
    row = db.session.execute(select(ConferenceMember).where(
        ConferenceMember.conference_id == room.id, ConferenceMember.leg_id == leg[:64])).scalar() if leg else None
    if row is None and member_id is not None:
        row = db.session.execute(select(ConferenceMember).where(
            ConferenceMember.conference_id == room.id, ConferenceMember.member_id == member_id,
            ConferenceMember.status == "joined")).scalar()
    if row is None:
        if action != "add-member" or not leg:
            return
        # someone we did not invite: e.g. the agent's call moved in by a three-way call
        row = ConferenceMember(conference_id=room.id, leg_id=leg[:64], kind="caller", label="",
                               number=(h.get("Caller-Caller-ID-Number") or "")[:32], invited_at=clock_now())
        db.session.add(row)
    if "Speak" in h:
        row.muted = h["Speak"] != "true"
    if action == "add-member":
        row.status, row.member_id, row.joined_at, row.left_at = "joined", member_id, row.joined_at or clock_now(), None
    elif action == "del-member":
        row.status, row.left_at, row.talking = "left", clock_now(), False
    elif action in ("start-talking", "stop-talking"):
        row.talking = action == "start-talking"
    elif action in ("mute-member", "unmute-member"):
        row.muted = action == "mute-member"


def _gone(room: Conference) -> None:
    """The switch closed the room (its last member left): members gone, the conference ended."""
    now = clock_now()
    for row in db.session.execute(select(ConferenceMember).where(
            ConferenceMember.conference_id == room.id, ConferenceMember.status == "joined")).scalars():
        row.status, row.left_at, row.talking = "left", now, False
    if room.status == "open":
        conferences._close(room, None)


def open_rooms() -> list[str]:
    """The names of the open conferences (the worker lists each after a reconnect)."""
    names = list(db.session.execute(select(Conference.name).where(Conference.status == "open")
                                    .order_by(Conference.id)).scalars())
    db.session.commit()
    return names


def rebuild(name: str, listed: list[dict] | None) -> int:
    """Make the room's members what `conference <name> list` says (None: the switch has no such
    room). Members who left or joined while the Event Socket was down are caught up; the number
    of rows changed."""
    room = _room(name)
    if room is None or room.status != "open":
        db.session.rollback()
        return 0
    rows = list(db.session.execute(select(ConferenceMember).where(ConferenceMember.conference_id == room.id)).scalars())
    changed = 0
    if listed is None:
        if any(r.status in ("joined", "left") for r in rows):   # it existed and is gone now
            _gone(room)
            changed = 1
        db.session.commit()
        return changed
    by_leg = {r.leg_id: r for r in rows}
    present = set()
    for item in listed:
        row = by_leg.get(item["uuid"])
        if row is None:
            row = ConferenceMember(conference_id=room.id, leg_id=item["uuid"], kind="caller", label="",
                                   number=item["number"][:32], invited_at=clock_now())
            db.session.add(row)
        if (row.status, row.member_id, row.muted) != ("joined", item["member_id"], item["muted"]):
            row.status, row.member_id, row.muted, row.left_at = "joined", item["member_id"], item["muted"], None
            row.joined_at = row.joined_at or clock_now()
            changed += 1
        present.add(item["uuid"])
    for row in rows:
        if row.status == "joined" and row.leg_id not in present:
            row.status, row.left_at, row.talking = "left", clock_now(), False
            changed += 1
    db.session.commit()
    return changed


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
