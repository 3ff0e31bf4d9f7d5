"""Call-center live data shared by the telephony worker and the web: agent states, the command
table (originate, agent status, broadcasts), the live call feed behind screen pop, posted CDRs,
and the worker's live snapshot (queues) for the wallboard.

The worker and the web are separate processes; these tables are how they talk (the web never
opens the Event Socket, the worker never serves HTTP).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import db, utcnow

AGENT_STATES = ("logged_out", "ready", "break", "ringing", "talking")
COMMAND_KINDS = ("agent_status", "originate", "broadcast", "conference", "peak")
COMMAND_STATES = ("pending", "sent", "done", "failed")
FEED_KINDS = ("offer", "answer", "end")


class AgentStatus(db.Model):
    """One agent's phone state. `extension` is the agent's seat (cc agent `<extension>@default`).

    logged_out/ready/break are chosen by the agent; ringing/talking are set by the worker from the
    switch's events and fall back to ready when the call ends.
    """

    __tablename__ = "agent_status"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), primary_key=True)
    extension: Mapped[str] = mapped_column(String(16), unique=True)
    state: Mapped[str] = mapped_column(String(12), default="logged_out")
    state_since: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    call_id: Mapped[str | None] = mapped_column(String(64))
    # When a screen of this seat last showed it was open (its screen-pop stream); a seat nobody
    # looks at is signed out at the switch (engine.telephony.seats).
    seen_at: Mapped[datetime | None] = mapped_column(DateTime)
    # the switch the seat's phone is on (engine.telephony.switches): learnt from that switch's
    # events and answers; None until known (its status then goes to every switch)
    switch_id: Mapped[str | None] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class TelephonyCommand(db.Model):
    """A command for the switch, queued by the web and carried out by the worker (ESL bgapi)."""

    __tablename__ = "telephony_command"
    __table_args__ = (Index("ix_telephony_command_status_id", "status", "id"),
                      Index("ix_telephony_command_switch", "switch_id", "status", "id"),   # take_commands
                      Index("ix_telephony_command_call", "call_id", "id"))   # controls confirmed by call

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    command: Mapped[str] = mapped_column(Text)             # the API command line, built by the service
    status: Mapped[str] = mapped_column(String(8), default="pending")
    result: Mapped[str | None] = mapped_column(String(255))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id"))
    call_id: Mapped[str | None] = mapped_column(String(64))  # our origination uuid, or the call acted on
    # the switch whose worker carries it out; None: the default switch's (engine.telephony.switches)
    switch_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)


class CallFeed(db.Model):
    """The live feed of call moments for agents' screens (offer, answer, end), newest last.

    Append-only and short-lived: pages poll it by id; rows older than a day are trimmed.
    """

    __tablename__ = "call_feed"
    # readers follow the table by id: SQLite must never reuse the id of a deleted (trimmed) row
    __table_args__ = (Index("ix_call_feed_agent_id", "agent", "id"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    call_id: Mapped[str] = mapped_column(String(64), index=True)
    agent: Mapped[str | None] = mapped_column(String(64))
    caller: Mapped[str | None] = mapped_column(String(64))
    queue: Mapped[str | None] = mapped_column(String(64))
    switch_at: Mapped[datetime | None] = mapped_column(DateTime)   # the switch's event time
    switch_id: Mapped[str | None] = mapped_column(String(64))      # the switch that reported it
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class CallCdr(db.Model):
    """One leg's CDR as mod_json_cdr posted it (the raw document is kept: CDRs are authoritative)."""

    __tablename__ = "call_cdr"
    __table_args__ = {"sqlite_autoincrement": True}   # the worker follows the table by id
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    leg_id: Mapped[str] = mapped_column(String(64), unique=True)
    core_uuid: Mapped[str | None] = mapped_column(String(64))
    direction: Mapped[str | None] = mapped_column(String(16))
    document: Mapped[str] = mapped_column(Text)
    switch_id: Mapped[str | None] = mapped_column(String(64))   # stamped by the worker that read it
    received_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class TelephonyState(db.Model):
    """Small named JSON documents the worker keeps current (e.g. `live`: queues and waiting calls)."""

    __tablename__ = "telephony_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
