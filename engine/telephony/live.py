"""What the telephony worker writes for the web: the live call feed (screen pop), agent phone
states, queued switch commands, posted CDRs, the live snapshot, call ↔ case links, voicemail cases.

Every function commits (the worker calls them one at a time inside an app context). The worker
never reads request data; the web never opens the Event Socket: these tables join the two.
"""
from __future__ import annotations

import functools
import json
from datetime import datetime, timedelta

from sqlalchemy import (
    DateTime,
    String,
    and_,
    bindparam,
    case as sql_case,
    delete,
    func,
    insert,
    null,
    or_,
    select,
    update,
)

from engine.db import db, dialect_insert
from engine.errors import ValidationFailed
from engine.models import AgentStatus, CallCdr, CallFeed, TelephonyCommand, TelephonyState
from engine.ports import now as clock_now
from engine.telephony import switches
from forms.messages import msg

QUEUE_DOMAIN = "default"
FEED_KEEP = timedelta(days=1)
COMMAND_KEEP = timedelta(days=7)
COMMAND_TTL = timedelta(seconds=60)
CDR_KEEP = timedelta(days=31)    # a month to reconcile or audit against the carrier's bill
COMMANDS_PER_POLL = 50
AUDITED_KINDS = ("answer", "hangup", "hold", "unhold", "transfer", "consult", "xfer_complete", "xfer_cancel", "pickup",
                 "eavesdrop", "supervise", "supervise_end")   # = engine.telephony.controls.CONTROL_KINDS


def cc_agent(extension: str) -> str:
    """The switch's name for an agent seat (mod_callcenter agent `<ext>@default`)."""
    return f"{extension}@{QUEUE_DOMAIN}"


def extension_of(agent: str | None) -> str | None:
    """The seat of a mod_callcenter agent name, or None."""
    if not agent:
        return None
    return agent.split("@", 1)[0] or None


# --- the live feed -----------------------------------------------------------------------------
def feed(*, kind: str, call_id: str, agent: str | None, caller: str | None = None, queue: str | None = None,
         switch_at: datetime | None = None, switch_id: str | None = None) -> int:
    """Append one call moment (offer/answer/end) and move the agent's phone state with it (the
    seat is on `switch_id`, the switch that reported the moment); the feed row's id."""
    now = clock_now()
    row = CallFeed(kind=kind, call_id=call_id, agent=agent, caller=caller, queue=queue, switch_at=switch_at,
                   switch_id=switch_id, created_at=now)
    db.session.add(row)
    moments_done([dict(kind=kind, call_id=call_id, agent=agent)], now, switch_id)
    db.session.commit()
    return row.id


def moments_done(moments: list[dict], now: datetime, switch_id: str | None) -> None:
    """The seats the moments move, in their order (one executemany), and the controls they confirm."""
    moves = [{"ext": ext, "kind": SEAT_MOVES[m["kind"]], "call": m["call_id"], "now": now, "switch": switch_id}
             for m in moments if m["kind"] in SEAT_MOVES and (ext := extension_of(m.get("agent")))]
    if moves:
        db.session.connection().execute(_seat_move(switch_id is not None), moves)
    _confirm([(m["call_id"], m["kind"]) for m in moments if m["kind"] in CONFIRMS], now)


# a feed row's columns besides kind, call_id and agent (every row of one INSERT names them all)
FEED_ROW = dict.fromkeys(("caller", "queue", "switch_at"))
# moments that move a seat, and how (a transfer frees it); the others only confirm call controls
SEAT_MOVES = {"offer": "ring", "answer": "talk", "end": "free", "transfer": "free"}
# the switch's event -> the controls it confirms (engine.telephony.controls)
CONFIRMS = {"hold": ("hold",), "unhold": ("unhold",), "transfer": ("transfer", "xfer_complete"),
            "consult": ("consult",), "bridge": ("xfer_cancel",), "answer": ("answer", "pickup", "transfer",
                                                                            "xfer_complete")}
EVENT_NAMES = {"hold": "CHANNEL_HOLD", "unhold": "CHANNEL_UNHOLD", "transfer": "TRANSFER", "consult": "CHANNEL_BRIDGE",
               "bridge": "CHANNEL_BRIDGE", "answer": "CHANNEL_BRIDGE"}
CONFIRMED = "[confirmed: "


def _confirm(moments: list[tuple[str, str]], now: datetime) -> None:
    """For each (call, kind): mark the newest unconfirmed control of that call the event answers
    (its audit entry). One read for the pass: most calls have no control at all."""
    if not moments:
        return
    kinds = {k for _, kind in moments for k in CONFIRMS[kind]}
    rows = db.session.execute(select(TelephonyCommand).where(
        TelephonyCommand.call_id.in_({call for call, _ in moments}), TelephonyCommand.kind.in_(kinds),
        TelephonyCommand.status != "failed", TelephonyCommand.created_at >= now - timedelta(minutes=10))
        .order_by(TelephonyCommand.id.desc())).scalars().all()
    for call, kind in moments:
        row = next((r for r in rows if r.call_id == call and r.kind in CONFIRMS[kind]), None)
        if row is not None and not (row.result or "").startswith(CONFIRMED):
            row.result = f"{CONFIRMED}{EVENT_NAMES[kind]}] {row.result or ''}".strip()[:255]


@functools.cache
def _seat_move(with_switch: bool):
    """A seat's phone state after a moment, one statement for every move (bound: ext, kind, call,
    now, switch) so that a pass's moments go as one executemany, in their order.

    ringing/talking follow the switch; the agent's own choice (ready/break) is not overridden by
    an "end" of a call they were not on (e.g. a late event after they went on break)."""
    status = AgentStatus.__table__
    kind, call = bindparam("kind", type_=String), bindparam("call", type_=String)
    values = {"state": sql_case((kind == "ring", "ringing"), (kind == "talk", "talking"), else_="ready"),
              "call_id": sql_case((kind == "free", null()), else_=call)}
    if with_switch:
        values["switch_id"] = bindparam("switch", type_=String)     # the switch that moves the seat is the seat's switch
    state = status.c.state     # no IN (…): its expanding parameters cannot go in an executemany
    return (update(status).where(status.c.extension == bindparam("ext"), or_(
        and_(kind == "ring", or_(state == "ready", state == "ringing")),
        and_(kind == "talk", or_(state == "ready", state == "ringing", state == "talking")),
        and_(kind == "free", status.c.call_id == call)))
        .values(state_since=bindparam("now", type_=DateTime), version=status.c.version + 1, **values))


FEED_INSERT = insert(CallFeed.__table__)   # a pass's moments, executemany (engine.telephony.passes)


FEED_COLUMNS = (CallFeed.id, CallFeed.kind, CallFeed.call_id, CallFeed.agent, CallFeed.caller, CallFeed.queue,
                CallFeed.switch_at)


def feed_after(last_id: int, limit: int = 500, agent: str | None = None, since: datetime | None = None) -> list:
    """Feed rows (plain tuples in FEED_COLUMNS order) after `last_id`, oldest first: the web's
    poller fans them out to screens; a reconnecting screen asks for its agent's since a moment."""
    query = select(*FEED_COLUMNS).where(CallFeed.id > last_id)
    if agent is not None:
        query = query.where(CallFeed.agent == agent)
    if since is not None:
        query = query.where(CallFeed.created_at >= since)
    return [tuple(row) for row in db.session.execute(query.order_by(CallFeed.id).limit(limit))]


def last_feed_id() -> int:
    """The newest feed id (a screen that connects now starts after it)."""
    return db.session.execute(select(CallFeed.id).order_by(CallFeed.id.desc()).limit(1)).scalar() or 0


def trim(now: datetime | None = None) -> dict[str, int]:
    """Delete what only mattered while calls were live (scheduler job, hourly): feed rows older than
    a day; finished (or expired) commands older than a week; CDRs older than CDR_KEEP (the call
    records stay)."""
    now = now or clock_now()
    deleted = {
        "feed": db.session.execute(delete(CallFeed).where(CallFeed.created_at < now - FEED_KEEP)).rowcount,
        "commands": db.session.execute(delete(TelephonyCommand).where(
            TelephonyCommand.status.in_(("done", "failed")), TelephonyCommand.created_at < now - COMMAND_KEEP,
            TelephonyCommand.kind.not_in(AUDITED_KINDS))).rowcount,   # call controls are the calls' audit
        "cdrs": db.session.execute(delete(CallCdr).where(CallCdr.received_at < now - CDR_KEEP)).rowcount,
    }
    db.session.commit()
    return deleted


# --- commands ------------------------------------------------------------------------------------
def queue_command(*, kind: str, command: str, actor_id: int | None = None, case_id: int | None = None,
                  call_id: str | None = None, commit: bool = True, seat: str | None = None,
                  switch_id: str | None = None) -> TelephonyCommand:
    """Queue one API command line for the worker (lines are built by services, never typed by users).

    It goes to `switch_id` if given, else to the switch of the call or seat it is about
    (engine.telephony.switches.targets); an agent status of a seat whose switch is not known yet
    goes to every running switch (one row each; the first is returned).
    """
    if "\n" in command or "\r" in command:
        raise ValidationFailed({"command": [msg("command_one_line", "a switch command is one line")]})
    goes_to = [switch_id] if switch_id else switches.targets(kind=kind, command=command, call_id=call_id, seat=seat)
    rows = [TelephonyCommand(kind=kind, command=command, status="pending", requested_by_id=actor_id,
                             case_id=case_id, call_id=call_id, switch_id=target, created_at=clock_now())
            for target in goes_to]
    db.session.add_all(rows)
    if commit:
        db.session.commit()
    return rows[0]


def take_commands(switch_id: str | None = None, limit: int = COMMANDS_PER_POLL, *,
                  default: bool = True) -> list[tuple[int, str]]:
    """Pending commands for this switch, oldest first, marked sent: those naming it, and those
    naming no switch if it is the default switch (a worker without a switch id: only those).

    A command older than COMMAND_TTL fails as expired instead: a call an agent asked for while the
    worker was down must not ring a citizen minutes later.
    """
    db.session.execute(update(TelephonyCommand).where(
        TelephonyCommand.status == "pending", TelephonyCommand.created_at < clock_now() - COMMAND_TTL)
        .values(status="failed", result="-ERR expired: the switch was not reachable in time",
                finished_at=clock_now()))
    ours = TelephonyCommand.switch_id.is_(None)
    if switch_id is not None:
        ours = or_(TelephonyCommand.switch_id == switch_id, ours) if default else TelephonyCommand.switch_id == switch_id
    query = (select(TelephonyCommand.id, TelephonyCommand.command)
             .where(TelephonyCommand.status == "pending", ours).order_by(TelephonyCommand.id).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = [(i, c) for i, c in db.session.execute(query)]
    if rows:
        db.session.execute(update(TelephonyCommand).where(TelephonyCommand.id.in_([i for i, _ in rows]))
                           .values(status="sent"))
    db.session.commit()
    return rows


def finish_command(command_id: int, *, ok: bool, result: str) -> None:
    """Record what the switch answered (`+OK …` / `-ERR …`)."""
    text = result.strip()[:200]
    kept = TelephonyCommand.result.like(CONFIRMED + "%")   # the switch's event came before its answer
    db.session.execute(update(TelephonyCommand).where(TelephonyCommand.id == command_id).values(
        status="done" if ok else "failed", finished_at=clock_now(),
        result=sql_case((kept, func.substr(TelephonyCommand.result + " " + text, 1, 255)), else_=text[:255])))
    row = db.session.get(TelephonyCommand, command_id)
    if row is not None:
        switches.learn_seat(row, ok)
    db.session.commit()


# --- CDRs (mod_json_cdr) ----------------------------------------------------------------------
def store_cdr(document: dict) -> bool:
    """Keep one posted leg CDR; False if that leg's CDR was stored before (mod_json_cdr retries)."""
    variables = document.get("variables") if isinstance(document, dict) else None
    if not isinstance(variables, dict) or not isinstance(variables.get("uuid"), str) or not variables["uuid"]:
        raise ValidationFailed({"variables.uuid": [msg("cdr_uuid", "a CDR needs variables.uuid (the leg's id)")]})
    leg = variables["uuid"][:64]
    direction = str(variables.get("direction") or (document.get("channel_data") or {}).get("direction") or "")
    insert = dialect_insert()
    stmt = (insert(CallCdr).values(leg_id=leg, core_uuid=str(document.get("core-uuid") or "")[:64] or None,
                                   direction=direction[:16] or None,
                                   document=json.dumps(document, ensure_ascii=False), received_at=clock_now())
            .on_conflict_do_nothing(index_elements=[CallCdr.leg_id]).returning(CallCdr.id))
    new = db.session.execute(stmt).scalar() is not None
    db.session.commit()
    return new


def cdrs_after(last_id: int, limit: int = 500, core_uuids: set[str] | None = None) -> list[tuple[int, dict]]:
    """Stored CDRs after `last_id`, oldest first, as (id, document); only those of the switches
    with these Core-UUIDs if given (one worker per switch: it decides only its own calls)."""
    query = select(CallCdr.id, CallCdr.document).where(CallCdr.id > last_id)
    if core_uuids is not None:
        query = query.where(CallCdr.core_uuid.in_(sorted(core_uuids)))
    rows = db.session.execute(query.order_by(CallCdr.id).limit(limit)).all()
    db.session.commit()
    return [(i, json.loads(doc)) for i, doc in rows]


def last_cdr_id(since: datetime) -> int:
    """The last CDR id received before `since` (a worker starting now reads CDRs after it)."""
    found = db.session.execute(select(CallCdr.id).where(CallCdr.received_at < since)
                               .order_by(CallCdr.id.desc()).limit(1)).scalar()
    db.session.commit()
    return found or 0


# --- live snapshot ----------------------------------------------------------------------------
def write_state(name: str, value: dict) -> None:
    """Replace one named live document (e.g. `live`: the queues as the worker sees them)."""
    now = clock_now()
    text = json.dumps(value, ensure_ascii=False, default=str)
    row = db.session.get(TelephonyState, name)
    if row is None:
        db.session.add(TelephonyState(name=name, value=text, updated_at=now))
    else:
        row.value, row.updated_at = text, now
    db.session.commit()


def read_state(name: str) -> tuple[dict, datetime | None]:
    """One named live document and when it was written ({} and None if never)."""
    row = db.session.get(TelephonyState, name)
    return (json.loads(row.value), row.updated_at) if row else ({}, None)


def peak_settings() -> tuple[int, int]:
    """(telephony.peak_mode, telephony.peak_queue_length) as they are now."""
    from engine.organisation import settings

    params = settings.snapshot()
    db.session.commit()
    return params["telephony.peak_mode"], params["telephony.peak_queue_length"]


def agent_states() -> dict[str, str]:
    """Every signed-in seat's state by cc agent name (the worker's view at start)."""
    rows = db.session.execute(select(AgentStatus.extension, AgentStatus.state)
                              .where(AgentStatus.state != "logged_out")).all()
    db.session.commit()
    return {cc_agent(ext): state for ext, state in rows}
