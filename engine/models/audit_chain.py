"""The hash chains of the audit tables (docs/AUDIT.md).

Each case's events form one chain (each event's hash covers the case's previous event's hash),
`config_change` forms one chain over the table, and `audit_anchor` rows, written by the
scheduler, chain digests of id ranges of both tables so that deleting a whole chain (a case's
every event, or a chain's last rows) is found too.

Kept in the kernel because every domain writes `config_change` rows (`db.session.add`) and
several write case events: the rows are stamped where they all pass, the session's flush (ORM
adds) and `stamp_events` (called by engine.cases.audit before its plain multi-row INSERT).

Appends to one chain must not interleave. On SQLite every transaction begins IMMEDIATE (one
writer at a time). On PostgreSQL a case's events are appended under the case row's lock (the
case actions hold it already; other writers take it here); `config_change` appends take a
transaction-level advisory lock, then read the head in a new statement (READ COMMITTED: a
statement sees what committed before it began, so the head read after the lock is current).
"""
from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Mapping

import orjson
from sqlalchemy import DateTime, Integer, String, bindparam, event, func, select, update
from sqlalchemy.orm import Mapped, Session, attributes, mapped_column, scoped_session

from engine.db import db, naive_utc, utcnow
from engine.models.audit import CaseEvent
from engine.models.case import Case
from engine.models.settings import ConfigChange

EVENTS, CHANGES = "case_event", "config_change"
CHANGES_LOCK = 12345_0036   # pg advisory xact lock: one config_change append at a time
ANCHORS_LOCK = 12345_0037   # pg advisory xact lock: one anchor writer at a time
_HEADS = "audit_chain_heads"
_OPENED = "opened"          # heads key of a case inserted by this transaction
_HEAD_UPDATE = (update(Case.__table__).where(Case.__table__.c.id == bindparam("case_id"))
                .values(event_head=bindparam("head")))


class AuditAnchor(db.Model):
    """The digest of a chain table's rows with ids in (the previous anchor's last_id, last_id].

    Anchors chain among themselves like the events do; verify recomputes each range's digest."""

    __tablename__ = "audit_anchor"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain: Mapped[str] = mapped_column(String(16))        # case_event | config_change
    last_id: Mapped[int] = mapped_column(Integer)
    row_count: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def canonical(value):
    """The value as the database gives it back: a whole float reads back as an int (SQLite's
    NUMERIC affinity stores '1.0' as 1; JSONB prints 1e20 as digits)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    return value


def digest(payload: dict) -> str:
    """SHA-256 (hex) of the payload's canonical JSON: keys sorted at every depth, no spaces."""
    return hashlib.sha256(orjson.dumps(canonical(payload), option=orjson.OPT_SORT_KEYS)).hexdigest()


def when(value: datetime) -> str:
    return value.isoformat(sep=" ", timespec="microseconds")


def event_hash(row: Mapping, prev_hash: str | None) -> str:
    return digest({"case_id": row["case_id"], "action": row["action"], "actor_id": row["actor_id"],
                   "from_stage": row["from_stage"], "to_stage": row["to_stage"], "data": row["data"],
                   "created_at": when(row["created_at"]), "prev_hash": prev_hash})


def change_hash(row: Mapping, prev_hash: str | None) -> str:
    return digest({"area": row["area"], "key": row["key"], "old": row["old"], "new": row["new"],
                   "reason": row["reason"], "actor_id": row["actor_id"], "created_at": when(row["created_at"]),
                   "prev_hash": prev_hash})


def anchor_hash(row: Mapping, prev_hash: str | None) -> str:
    return digest({"chain": row["chain"], "last_id": row["last_id"], "row_count": row["row_count"],
                   "digest": row["digest"],
                   "created_at": when(row["created_at"]), "prev_hash": prev_hash})


def _heads(session: Session) -> dict:
    """The chain heads this transaction knows (its own appends): no second read of a head.

    Tied to the root transaction: a new transaction starts empty, a rollback empties it."""
    if isinstance(session, scoped_session):
        session = session()
    session.connection()                    # begin (SQLite: BEGIN IMMEDIATE) before reading a head
    root = session.get_transaction()
    held = session.info.get(_HEADS)
    if held is None or held[0] is not root:
        held = session.info[_HEADS] = (root, {})
    return held[1]


@event.listens_for(Session, "after_soft_rollback")
def _forget_heads(session: Session, previous_transaction) -> None:
    session.info.pop(_HEADS, None)


def start_chain(session: Session, case_id: int) -> None:
    """A case created in this transaction has no events yet: its first append reads nothing."""
    heads = _heads(session)
    heads[(EVENTS, case_id)] = None
    heads[(_OPENED, case_id)] = True


def stamp_events(session: Session, rows: list[dict], *, locked: bool = False) -> dict:
    """Fill prev_hash and hash of case events about to be inserted in this order.

    `locked`: the caller holds the rows of these cases FOR UPDATE already (a case action), loaded
    in this session. Returns the new heads; `remember` them once the rows are inserted. The
    cases' `event_head` follows (docs/AUDIT.md)."""
    heads = _heads(session)
    unknown = sorted({row["case_id"] for row in rows} - {key[1] for key in heads if key[0] == EVENTS})
    if unknown:
        known = _held_heads(session, unknown) if locked else _lock_heads(session, unknown)
        missing = [case_id for case_id in unknown if known.get(case_id) is None]
        if missing:
            known.update(dict(_last_event_hashes(session, missing)))
        heads.update({(EVENTS, case_id): known.get(case_id) for case_id in unknown})
    new = {}
    for row in rows:
        key = (EVENTS, row["case_id"])
        prev = new.get(key, heads[key])
        row["created_at"] = naive_utc(row.get("created_at") or utcnow())
        row["data"] = row.get("data") or {}
        row["prev_hash"], row["hash"] = prev, event_hash(row, prev)
        new[key] = row["hash"]
    _keep_heads(session, new, locked)
    return new


def _held_heads(session: Session, case_ids: list[int]) -> dict[int, str | None]:
    """The heads on the locked case rows this session loaded (no statement)."""
    found = {}
    for case_id in case_ids:
        case = session.identity_map.get(session.identity_key(Case, case_id))
        found[case_id] = case.event_head if case is not None else None
    return found


def _lock_heads(session: Session, case_ids: list[int]) -> dict[int, str | None]:
    """Lock the cases' rows (PostgreSQL; SQLite's writer holds them all) and read their heads."""
    query = select(Case.id, Case.event_head).where(Case.id.in_(case_ids)).order_by(Case.id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return dict(session.execute(query).all())


def _keep_heads(session: Session, new: dict, locked: bool) -> None:
    """Put the new heads on the case rows, except for a case opened in this transaction (its
    INSERT is made; an UPDATE more per intake is what this column saves elsewhere: it stays NULL
    and its first action reads the trail). A locked, loaded case takes it with the action's own
    UPDATE; other writers update the rows they locked."""
    opened = {key[1] for key, value in _heads(session).items() if key[0] == _OPENED}
    loose = []
    for (_, case_id), head in new.items():
        if case_id in opened:
            continue
        case = session.identity_map.get(session.identity_key(Case, case_id)) if locked else None
        if case is not None:
            case.event_head = head
        else:
            loose.append({"case_id": case_id, "head": head})
    if loose:
        session.execute(_HEAD_UPDATE, loose)


def lock_cases(session: Session, case_ids) -> None:
    """PostgreSQL: the cases' rows FOR UPDATE, in id order (SQLite's writer holds them all already),
    keeping the heads the rows name so that this transaction's appends neither lock nor read again."""
    if session.get_bind().dialect.name == "postgresql":
        locked = _lock_heads(session, sorted(set(case_ids)))
        _heads(session).update({(EVENTS, case_id): head for case_id, head in locked.items() if head is not None})


def remember(session: Session, new_heads: dict) -> None:
    _heads(session).update(new_heads)


def _last_event_hashes(session: Session, case_ids: list[int]) -> list[tuple[int, str | None]]:
    if len(case_ids) == 1:
        last = session.execute(select(CaseEvent.hash).where(CaseEvent.case_id == case_ids[0])
                               .order_by(CaseEvent.id.desc()).limit(1)).first()
        return [(case_ids[0], last[0])] if last else []
    newest = select(func.max(CaseEvent.id)).where(CaseEvent.case_id.in_(case_ids)).group_by(CaseEvent.case_id)
    return session.execute(select(CaseEvent.case_id, CaseEvent.hash).where(CaseEvent.id.in_(newest))).all()


def _stamp_changes(session: Session, changes: list[ConfigChange]) -> None:
    heads = _heads(session)
    if (CHANGES, None) not in heads:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(func.pg_advisory_xact_lock(CHANGES_LOCK)))
        heads[(CHANGES, None)] = session.execute(
            select(ConfigChange.hash).order_by(ConfigChange.id.desc()).limit(1)).scalar()
    for change in changes:
        change.created_at = naive_utc(change.created_at or utcnow())
        change.reason = "" if change.reason is None else change.reason
        values = {name: getattr(change, name) for name in ("area", "key", "old", "new", "reason", "actor_id",
                                                           "created_at")}
        change.prev_hash = heads[(CHANGES, None)]
        change.hash = heads[(CHANGES, None)] = change_hash(values, change.prev_hash)


def _in_order(objects: list) -> list:
    return sorted(objects, key=lambda obj: attributes.instance_state(obj).insert_order)


@event.listens_for(Session, "before_flush")
def _stamp_new_rows(session: Session, flush_context, instances) -> None:
    """Case events and config changes added through the ORM get their links at flush, in the
    order they were added (the order of their INSERTs)."""
    events = [obj for obj in session.new if isinstance(obj, CaseEvent)]
    changes = [obj for obj in session.new if isinstance(obj, ConfigChange)]
    if events:
        events = _in_order(events)
        rows = [{name: getattr(obj, name) for name in ("case_id", "action", "actor_id", "from_stage", "to_stage",
                                                       "data", "created_at")} for obj in events]
        remember(session, stamp_events(session, rows))
        for obj, row in zip(events, rows):
            for name in ("created_at", "data", "prev_hash", "hash"):
                setattr(obj, name, row[name])
    if changes:
        _stamp_changes(session, _in_order(changes))
