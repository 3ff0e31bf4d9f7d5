"""Several switches: which switch carries a command, the seats' switches, all switches' live view.

Every FreeSWITCH box has its own telephony worker, started with a switch id (`flask telephony
run --switch`); what the worker writes carries that id (call records, feed moments, CDRs it read,
the seats its events move, its live snapshot). A queued command names the switch that must
carry it out (`telephony_command.switch_id`), resolved here when it is queued:

* a command about a call goes to the switch that reported the call (its feed moments or its
  record);
* a command about a seat (agent status, click-to-call from the seat) goes to the seat's switch
  (`agent_status.switch_id`); a seat whose switch is not known yet gets its agent status on every
  running switch (one command each): the box where the agent is provisioned answers +OK and
  becomes the seat's switch, the others answer -ERR (`learn_seat`);
* anything else names no switch (NULL): the default switch's worker takes it.

One switch, no switch ids: every command is NULL and the single worker takes them all, as before.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update

from engine.db import db
from engine.models import AgentStatus, CallFeed, CallRecord, TelephonyCommand, TelephonyState
from engine.ports import now as clock_now

LIVE = "live"                        # the default (or only) switch's snapshot; others: live:<id>
SWITCH_ALIVE = timedelta(minutes=10)  # a switch whose snapshot is older is not running (no fan-out)
SWITCH_GONE = timedelta(hours=1)      # a snapshot this much older than the newest: a removed switch
BROADCAST_KINDS = ("agent_status",)   # to every running switch while the seat's switch is unknown
SWITCH_ID = re.compile(r"[A-Za-z0-9_.:-]{1,64}")
# the seat a command built by our services acts for: agent status, or the seat a call starts from
SEAT_IN_COMMAND = re.compile(r"callcenter_config agent set status ([0-9]{3,8})@|}user/([0-9]{3,8}) ")


def state_name(switch_id: str | None, default: bool) -> str:
    """The snapshot row a worker writes: `live` for the default switch, `live:<id>` for the others."""
    return LIVE if default or not switch_id else f"{LIVE}:{switch_id}"[:32]


def targets(*, kind: str, command: str, call_id: str | None = None, seat: str | None = None) -> list[str | None]:
    """The switches a new command goes to (usually one; None = the default switch's worker)."""
    if call_id and (found := call_switch(call_id)):
        return [found]
    if seat is None and (named := SEAT_IN_COMMAND.search(command)):
        seat = named.group(1) or named.group(2)
    if seat:
        known = db.session.execute(select(AgentStatus.switch_id).where(AgentStatus.extension == seat)).scalar()
        if known:
            return [known]
        if kind in BROADCAST_KINDS:
            return running() or [None]
    return [None]


def call_switch(call_id: str) -> str | None:
    """The switch that reported this call: its feed moments (a click-to-call's too: the worker feeds
    its answer), else its record (both by indexed call id)."""
    for query in (
            select(CallFeed.switch_id).where(CallFeed.call_id == call_id, CallFeed.switch_id.is_not(None))
            .order_by(CallFeed.id.desc()),
            select(CallRecord.switch_id).where(CallRecord.call_id == call_id, CallRecord.switch_id.is_not(None))):
        found = db.session.execute(query.limit(1)).scalar()
        if found:
            return found
    return None


def running(now: datetime | None = None) -> list[str | None]:
    """The switches whose worker wrote its snapshot lately (the default first); [] if none."""
    since = (now or clock_now()) - SWITCH_ALIVE
    rows = db.session.execute(select(TelephonyState.name, TelephonyState.value).where(
        _live_rows(), TelephonyState.updated_at >= since).order_by(TelephonyState.name)).all()
    found: list[str | None] = []
    for _, value in rows:
        switch = json.loads(value).get("switch")
        if switch not in found:
            found.append(switch)
    return found


def learn_seat(command: TelephonyCommand, ok: bool) -> None:
    """After a switch answered an agent status: +OK from a seat's first switch makes it the seat's
    switch; -ERR from the seat's known switch (the agent is not there any more) forgets it, so the
    next status goes to every switch again. The caller commits."""
    named = SEAT_IN_COMMAND.search(command.command or "")
    if command.kind != "agent_status" or not command.switch_id or not named or not named.group(1):
        return
    seat = AgentStatus.__table__
    if ok:
        cond, value = seat.c.switch_id.is_(None), command.switch_id
    else:
        cond, value = seat.c.switch_id == command.switch_id, None
    db.session.execute(update(seat).where(seat.c.extension == named.group(1), cond).values(switch_id=value))


def live_state() -> tuple[dict, datetime | None]:
    """Every running switch's live snapshot merged (queues and agent calls tagged with their
    switch, counts added, dissuasion on if on anywhere), and the oldest write time ({} and None
    if no worker ever wrote). A snapshot SWITCH_GONE older than the newest is a removed switch."""
    rows = db.session.execute(select(TelephonyState.name, TelephonyState.value, TelephonyState.updated_at)
                              .where(_live_rows()).order_by(TelephonyState.name)).all()
    if not rows:
        return {}, None
    newest = max(at for _, _, at in rows)
    rows = [row for row in rows if row[2] >= newest - SWITCH_GONE]
    merged: dict = {"switches": []}
    for _, text, at in rows:
        value = json.loads(text)
        switch = value.pop("switch", None)
        merged["switches"].append({"id": switch, "at": at, "peak": bool(value.get("peak"))})
        for key, item in value.items():
            merged[key] = _merge(merged.get(key), item, switch)
    return merged, min(at for _, _, at in rows)


def _merge(have, item, switch: str | None):
    if isinstance(item, list):
        tagged = [{**x, "switch": switch} if switch is not None and isinstance(x, dict) else x for x in item]
        return (have or []) + tagged
    if have is None:
        return _merge([], item, switch) if isinstance(item, list) else item
    if isinstance(item, bool):
        return bool(have) or item
    if isinstance(item, int) and isinstance(have, int):
        return have + item
    if isinstance(item, dict) and isinstance(have, dict):
        return {k: _merge(have.get(k), v, switch) for k, v in item.items()} | {k: v for k, v in have.items()
                                                                             if k not in item}
    return have


def _live_rows():
    return or_(TelephonyState.name == LIVE, TelephonyState.name.like(f"{LIVE}:%"))
