"""Conferences (会商) of up to 50 parties on a case: the host starts one, invites colleagues by
seat, departments' staff from the directory or a citizen's number, mutes, unmutes and removes
members; the worker keeps the members as the switch reports them (`conference::maintenance`).

Every switch command is built here from ids (the room's name is `case-<case_no>-<id>`, a member
is the switch's Member-ID read from our row, a number is digits checked like click-to-call) and
queued in the command table (engine.telephony.live.queue_command). mod_conference's API:
`conference <room>@default dial {origination_uuid=…}<endpoint> <cid number> <cid name>` calls a
party into the room (creating it on the first answer), `conference <room> mute|unmute|kick
<member id>`, `conference <room> kick all`, `conference <room> list` (the worker's rebuild).
"""
from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import func, select, update

from engine import cases
from engine.db import db
from engine.errors import NotFound, PermissionDenied, ValidationFailed, WrongState
from engine.models import AgentStatus, Case, Conference, ConferenceMember, TelephonyCommand, User
from engine.organisation import Actor, roles as R
from engine.ports import mask_phone, now as clock_now
from engine.telephony import call_center, live as call_live
from forms.messages import msg

MAX_PARTIES = 50          # the seed's consultations: 30 to 50 parties (profile `max-members` 50)
HOST_ROLES = (R.AGENT, R.SHIFT_LEAD, R.DISPATCHER)
NUMBER_ROLES = call_center.CALL_VIEW_ROLES      # see members' numbers unmasked
PROFILE = "default"
ROOM = re.compile(r"case-[A-Za-z0-9]{1,40}-[0-9]{1,12}")
ACTIVE = ("invited", "joined")
MEMBER_ACTIONS = ("mute", "unmute", "kick")


def _room_seat(room: Conference) -> str | None:
    """The host's seat: with several switches the room lives on the box the host's seat is on, so
    every command about it goes there (engine.telephony.switches); no seat: the default switch."""
    return db.session.execute(select(AgentStatus.extension).where(AgentStatus.user_id == room.host_id)).scalar()


# --- the host's use cases ---------------------------------------------------------------------
def start(*, actor: Actor, case_id: int) -> Conference:
    """Open a conference on a case the actor may see; the actor is its host."""
    actor.require(*HOST_ROLES)
    row = _open_room(actor, cases.get_case(case_id=case_id, actor=actor))
    db.session.commit()
    return row


def three_way(*, actor: Actor, call_id: str, case_id: int, user_id: int) -> list[TelephonyCommand]:
    """Three-way call (三方通话): the actor's live call moves into a new conference of the case,
    hosted by the actor, and a colleague with a phone (e.g. the handling department's duty
    officer) is called into it. A room like any other: the conference page lists it, and its host
    mutes, removes or ends it there. Returns the two commands (the move, the call)."""
    actor.require(*call_center.PHONE_ROLES)
    seat = call_center.my_status(actor)
    if seat is None or seat.state != "talking" or seat.call_id != call_id:
        raise WrongState(msg("conference_needs_call", "a three-way call starts from the call you are talking on"))
    case = cases.get_case(case_id=case_id, actor=actor)
    try:
        parties = _parties(actor, [], [user_id], "")
    except ValidationFailed as exc:            # the three-way form's field is the colleague's user_id
        raise ValidationFailed({"user_id": exc.errors["contacts"]}) from None
    room = _open_room(actor, case)
    move = call_live.queue_command(kind="conference", actor_id=actor.user_id, case_id=case.id, call_id=call_id,
                                   commit=False, command=f"uuid_transfer {call_id} -both conference:{room.name}@{PROFILE} inline")
    [member] = _call_in(actor, room, parties)
    db.session.commit()
    return [move, db.session.get(TelephonyCommand, member.command_id)]


def _open_room(actor: Actor, case: Case) -> Conference:
    now = clock_now()
    row = Conference(name=f"tmp-{uuid.uuid4()}", case_id=case.id, host_id=actor.user_id, status="open", started_at=now)
    db.session.add(row)
    db.session.flush()
    row.name = f"case-{case.case_no}-{row.id}"
    _timeline(case, actor.user_id, "conference_started", row, now)
    return row


def invite(*, actor: Actor, conference_id: int, seats: list[str] = (), contacts: list[int] = (),
           number: str = "") -> list[ConferenceMember]:
    """Call parties into the conference: colleagues' seats, directory contacts, a citizen's number."""
    room = _hosted(actor, conference_id)
    parties = _parties(actor, list(seats), list(contacts), number)
    if not parties:
        raise ValidationFailed({"invitees": [msg("conference_whom", "choose whom to invite")]})
    present = db.session.execute(select(func.count()).where(
        ConferenceMember.conference_id == room.id, ConferenceMember.status.in_(ACTIVE))).scalar()
    if present + len(parties) > MAX_PARTIES:
        raise ValidationFailed({"invitees": [msg("conference_full", "a conference holds at most %(max)s parties "
                                                 "(%(n)s in it or invited)", max=MAX_PARTIES, n=present)]})
    rows = _call_in(actor, room, parties)
    db.session.commit()
    return rows


def _call_in(actor: Actor, room: Conference, parties: list[tuple]) -> list[ConferenceMember]:
    """Queue the switch's dial of each party into the room, each an invited member (not committed)."""
    rows = []
    for kind, label, digits, dial in parties:
        ours = str(uuid.uuid4())
        command = call_live.queue_command(
            kind="conference", actor_id=actor.user_id, case_id=room.case_id, call_id=ours, commit=False,
            seat=_room_seat(room), command=f"conference {room.name}@{PROFILE} dial {{origination_uuid={ours},originate_timeout=30,"
                    f"hotline_conference={room.id}}}{dial} {call_center.CALLER_ID} {call_center.CALLER_ID}")
        db.session.flush()
        rows.append(ConferenceMember(conference_id=room.id, leg_id=ours, kind=kind, label=label[:120], number=digits,
                                     status="invited", command_id=command.id, invited_at=clock_now()))
    db.session.add_all(rows)
    db.session.flush()
    return rows


def act(*, actor: Actor, conference_id: int, member: int, action: str) -> TelephonyCommand:
    """Mute, unmute or remove (kick) one member who is in the room (only its host may: checked first)."""
    room = _hosted(actor, conference_id)
    if action not in MEMBER_ACTIONS:
        raise ValidationFailed({"action": [msg("not_an_option", "must be one of: %(options)s",
                                               options=", ".join(MEMBER_ACTIONS))]})
    row = db.session.get(ConferenceMember, member)
    if row is None or row.conference_id != room.id:
        raise NotFound(msg("conference_member_not_found", "member %(id)s not found", id=member))
    if row.status != "joined" or row.member_id is None:
        raise WrongState(msg("conference_member_absent", "this member is not in the conference"))
    return call_live.queue_command(kind="conference", actor_id=actor.user_id, case_id=room.case_id,
                                   call_id=row.leg_id, seat=_room_seat(room),
                                   command=f"conference {room.name} {action} {row.member_id}")


def end(*, actor: Actor, conference_id: int) -> Conference:
    """End the conference: every member is removed; the case's timeline records it."""
    room = _hosted(actor, conference_id)
    call_live.queue_command(kind="conference", actor_id=actor.user_id, case_id=room.case_id, commit=False,
                            seat=_room_seat(room), command=f"conference {room.name} kick all")
    _close(room, actor.user_id)
    db.session.commit()
    return room


def _hosted(actor: Actor, conference_id: int) -> Conference:
    room = _visible(actor, conference_id)
    if room.host_id != actor.user_id:
        raise PermissionDenied(msg("conference_not_host", "only the conference's host can do this"))
    if room.status != "open":
        raise WrongState(msg("conference_ended", "this conference has ended"))
    return room


def _parties(actor: Actor, seats: list[str], contacts: list, number: str) -> list[tuple]:
    """(kind, label, number, dial string) per party; each checked, nothing typed reaches the switch."""
    parties = []
    for ext in dict.fromkeys(s.strip() for s in seats if s and s.strip()):
        row = db.session.execute(select(AgentStatus, User.display_name).join(User, User.id == AgentStatus.user_id)
                                 .where(AgentStatus.extension == ext)).first()
        if not call_center.EXTENSION.fullmatch(ext) or row is None or row[0].state == "logged_out":
            raise ValidationFailed({"seats": [msg("conference_seat", "extension %(ext)s is not signed in", ext=ext)]})
        parties.append(("seat", f"{row[1]} ({ext})", ext, f"user/{ext}"))
    for user_id in dict.fromkeys(contacts):
        user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
        if user is None or not user.active or not user.phone or not user.department_id:
            raise ValidationFailed({"contacts": [msg("user_not_found", "user %(id)s not found", id=user_id)]})
        digits = call_center._dialable(user.phone)
        parties.append(("contact", user.display_name, digits, f"sofia/gateway/{call_center.TRUNK}/{digits}"))
    if (number or "").strip():
        try:
            digits = call_center._dialable(number)
        except ValidationFailed:
            raise ValidationFailed({"number": [msg("no_dialable_number", "no dialable number")]}) from None
        parties.append(("citizen", "", digits, f"sofia/gateway/{call_center.TRUNK}/{digits}"))
    return parties


# --- reading --------------------------------------------------------------------------------
def _visible(actor: Actor, conference_id: int) -> Conference:
    room = db.session.get(Conference, conference_id)
    if room is None:
        raise NotFound(msg("conference_not_found", "conference %(id)s not found", id=conference_id))
    cases.get_case(case_id=room.case_id, actor=actor)       # the case's scope is the conference's (403)
    return room


def view(*, actor: Actor, conference_id: int) -> dict:
    """The conference and its members as the actor may see them (numbers masked unless a call role)."""
    room = _visible(actor, conference_id)
    _settle(room)
    rows = db.session.execute(select(ConferenceMember).where(ConferenceMember.conference_id == room.id)
                              .order_by(ConferenceMember.id)).scalars().all()
    plain = actor.has(*NUMBER_ROLES)
    members = [{"id": m.id, "member_id": m.member_id, "kind": m.kind, "label": m.label, "status": m.status,
                "number": m.number if plain else mask_phone(m.number), "muted": m.muted, "talking": m.talking,
                "joined_at": m.joined_at, "left_at": m.left_at} for m in rows]
    case = db.session.get(Case, room.case_id)
    return {"conference": room, "case": case, "members": members, "is_host": room.host_id == actor.user_id,
            "in_room": sum(1 for m in rows if m.status == "joined"), "max": MAX_PARTIES}


def of_case(*, actor: Actor, case_id: int) -> list[Conference]:
    """The conferences of a case the actor may see, newest first."""
    cases.get_case(case_id=case_id, actor=actor)
    return list(db.session.execute(select(Conference).where(Conference.case_id == case_id)
                                   .order_by(Conference.id.desc()).limit(20)).scalars())


def mine(*, actor: Actor) -> list[Conference]:
    """The open conferences the actor hosts (the phone bar links to them)."""
    return list(db.session.execute(select(Conference).where(Conference.host_id == actor.user_id,
                                                            Conference.status == "open")
                                   .order_by(Conference.id.desc()).limit(5)).scalars())


def _settle(room: Conference) -> None:
    """Invitations the switch answered without a member (`result: [USER_BUSY]`…) failed."""
    failed = db.session.execute(select(ConferenceMember.id).join(
        TelephonyCommand, TelephonyCommand.id == ConferenceMember.command_id).where(
        ConferenceMember.conference_id == room.id, ConferenceMember.status == "invited",
        TelephonyCommand.status.in_(("done", "failed")), ~TelephonyCommand.result.like("%[SUCCESS]%"))).scalars().all()
    if failed:
        db.session.execute(update(ConferenceMember).where(ConferenceMember.id.in_(failed)).values(status="failed"))
        db.session.commit()


def _close(room: Conference, actor_id: int | None) -> None:
    now = clock_now()
    room.status, room.ended_at = "ended", now
    _timeline(db.session.get(Case, room.case_id), actor_id, "conference_ended", room, now)


def _timeline(case: Case, actor_id: int | None, action: str, room: Conference, now: datetime) -> None:
    cases.record_events([dict(case_id=case.id, actor_id=actor_id, action=action, from_stage=case.stage,
                              to_stage=case.stage, created_at=now, data={"conference_id": room.id})])


def invitable(*, actor: Actor, conference_id: int) -> dict:
    """Whom the host may invite: signed-in seats, and the directory's staff with a phone (the
    case's departments first)."""
    room = _hosted(actor, conference_id)
    from engine.models import CaseDepartment, Department

    seats = db.session.execute(select(AgentStatus.extension, User.display_name).join(User, User.id == AgentStatus.user_id)
                               .where(AgentStatus.state != "logged_out").order_by(AgentStatus.extension)).all()
    ours = select(CaseDepartment.department_id).where(CaseDepartment.case_id == room.case_id,
                                                      CaseDepartment.active.is_(True))
    contacts = db.session.execute(
        select(User.id, User.display_name, Department.name, User.department_id.in_(ours))
        .join(Department, Department.id == User.department_id)
        .where(User.active.is_(True), User.phone.is_not(None), User.phone != "")
        .order_by(User.department_id.in_(ours).desc(), Department.name, User.display_name).limit(300)).all()
    return {"seats": [tuple(r) for r in seats], "contacts": [(i, n, d, bool(c)) for i, n, d, c in contacts]}
