"""Walking the audit's hash chains (`flask audit verify`) and anchoring them (the scheduler).

The walk streams each table in keyset pages of its chain order (a case's events by
(case_id, id) on their index, config changes and anchors by id), one short transaction per page
(SQLite's writers wait on a reader's IMMEDIATE transaction): a million events are never in
memory, and each chain reports its first broken link only (what follows it is unprovable).
"""
from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterator

from sqlalchemy import func, select, true, tuple_

from engine.db import db, utcnow
from engine.models.audit import CaseEvent
from engine.models.audit_chain import (
    ANCHORS_LOCK,
    CHANGES,
    EVENTS,
    AuditAnchor,
    anchor_hash,
    change_hash,
    event_hash,
)
from engine.models.case import Case
from engine.models.settings import ConfigChange

log = logging.getLogger("audit")

ANCHORS = "audit_anchor"
# How an anchor is published to the log (write_anchors) and found again there (published_in).
PUBLISHED = "audit anchor {id}: {chain} up to id {last_id}, {rows} rows, hash {hash}"
_PUBLISHED = re.compile(r"audit anchor (\d+): \S+ up to id \d+, \d+ rows, hash ([0-9a-f]{64})")
PAGE = 5000
# An anchor covers rows at least this old: a transaction still open when the anchor is written may
# hold a lower id than rows already committed (PostgreSQL sequences), and must not land in its range.
MARGIN = timedelta(minutes=10)
TABLES = {EVENTS: CaseEvent, CHANGES: ConfigChange}
_EVENT_COLUMNS = [CaseEvent.id, CaseEvent.case_id, CaseEvent.action, CaseEvent.actor_id, CaseEvent.from_stage,
                  CaseEvent.to_stage, CaseEvent.data, CaseEvent.created_at, CaseEvent.prev_hash, CaseEvent.hash]
_CHANGE_COLUMNS = [ConfigChange.id, ConfigChange.area, ConfigChange.key, ConfigChange.old, ConfigChange.new,
                   ConfigChange.reason, ConfigChange.actor_id, ConfigChange.created_at, ConfigChange.prev_hash,
                   ConfigChange.hash]
_ANCHOR_COLUMNS = [AuditAnchor.id, AuditAnchor.chain, AuditAnchor.last_id, AuditAnchor.row_count, AuditAnchor.digest,
                   AuditAnchor.created_at, AuditAnchor.prev_hash, AuditAnchor.hash]


@dataclass(frozen=True)
class Break:
    """The first link of a chain that does not hold."""

    table: str
    row_id: int
    case_id: int | None
    problem: str            # altered | link | unsealed | head | range | published
    expected: str | None
    stored: str | None

    def __str__(self) -> str:
        where = f"{self.table} row {self.row_id}" + (f" (case {self.case_id})" if self.case_id is not None else "")
        return f"{where}: {self.problem}; expected {self.expected}, stored {self.stored}"


@dataclass
class Report:
    table: str
    chains: int = 0
    rows: int = 0
    breaks: list[Break] = field(default_factory=list)


def _pages(columns: list, order: tuple, *, page: int, after: tuple | None = None, where=None,
           release: bool = True) -> Iterator:
    """The rows in `order`, a page per statement (keyset: no OFFSET, no server cursor)."""
    while True:
        query = select(*columns).order_by(*order).limit(page)
        if where is not None:
            query = query.where(where)
        if after is not None:
            query = query.where(tuple_(*order) > tuple_(*after) if len(order) > 1 else order[0] > after[0])
        rows = db.session.execute(query).all()
        if release:
            db.session.rollback()
        if not rows:
            return
        yield from rows
        after = tuple(getattr(rows[-1], column.key) for column in order)


def _check(table: str, row, prev: str | None, hash_of: Callable, case_id: int | None = None) -> Break | None:
    mapping = row._mapping
    if row.hash is None:
        return Break(table, row.id, case_id, "unsealed", hash_of(mapping, prev), None)
    if row.prev_hash != prev:
        return Break(table, row.id, case_id, "link", prev, row.prev_hash)
    computed = hash_of(mapping, row.prev_hash)
    return None if computed == row.hash else Break(table, row.id, case_id, "altered", computed, row.hash)


def verify_events(*, page: int = PAGE) -> Report:
    """Every case's chain, in (case_id, id) order, and where it ends against the case's head."""
    report = Report(EVENTS)
    heads = _Heads(page)
    case_id, prev, last_id, broken = None, None, None, False
    for row in _pages(_EVENT_COLUMNS, (CaseEvent.case_id, CaseEvent.id), page=page):
        if row.case_id != case_id:
            _end_chain(report, heads, case_id, last_id, prev, broken)
            case_id, prev, broken = row.case_id, None, False
            report.chains += 1
        report.rows += 1
        if not broken and (found := _check(EVENTS, row, prev, event_hash, row.case_id)):
            report.breaks.append(found)
            broken = True
        prev, last_id = row.hash, row.id
    _end_chain(report, heads, case_id, last_id, prev, broken)
    report.breaks.extend(heads.rest())
    return report


def _end_chain(report: Report, heads: "_Heads", case_id, last_id, last_hash, broken: bool) -> None:
    if case_id is not None:
        report.breaks.extend(heads.check(case_id, last_hash, skip=broken))


class _Heads:
    """The cases' recorded heads (`case.event_head`, docs/AUDIT.md), walked alongside the chains in
    case order. A chain that ends before its head (its newest events cut, with nothing after them)
    or a head whose case has no events left is a `head` break."""

    def __init__(self, page: int):
        self._rows = _pages([Case.id, Case.event_head], (Case.id,), page=page, where=Case.event_head.is_not(None))
        self._next = next(self._rows, None)

    def check(self, case_id: int, last_hash: str | None, *, skip: bool = False) -> list[Break]:
        """At the end of case `case_id`'s chain (ascending case ids); `skip`: its break is named."""
        found = []
        while self._next is not None and self._next.id <= case_id:
            head, self._next = self._next, next(self._rows, None)
            if head.id < case_id or (head.event_head != last_hash and not skip):
                found.append(_confirmed_head_break(head.id))
        return [f for f in found if f is not None]

    def rest(self) -> list[Break]:
        """Heads of cases after the last chain: none of them has an event."""
        found = []
        while self._next is not None:
            found.append(_confirmed_head_break(self._next.id))
            self._next = next(self._rows, None)
        return [f for f in found if f is not None]


def _confirmed_head_break(case_id: int) -> Break | None:
    """The case's head against its newest event, in one statement (one snapshot): the walk read the
    two in different transactions, and a case action committed in between moves both."""
    newest = (select(CaseEvent.id, CaseEvent.hash).where(CaseEvent.case_id == case_id)
              .order_by(CaseEvent.id.desc()).limit(1).subquery())
    row = db.session.execute(select(Case.event_head, newest.c.id, newest.c.hash)
                             .select_from(Case).outerjoin(newest, true()).where(Case.id == case_id)).one_or_none()
    db.session.rollback()
    if row is None or row.event_head is None or row.event_head == row.hash:
        return None
    return Break(EVENTS, row.id or 0, case_id, "head", row.event_head, row.hash)


def verify_changes(*, page: int = PAGE, after_id: int | None = None) -> Report:
    """The config_change chain; from the row after `after_id` (its stored hash trusted) if given."""
    report = Report(CHANGES)
    prev = None
    if after_id is not None:
        prev = db.session.execute(select(ConfigChange.hash).where(ConfigChange.id == after_id)).scalar()
    for row in _pages(_CHANGE_COLUMNS, (ConfigChange.id,), page=page,
                      after=(after_id,) if after_id is not None else None):
        report.chains = 1
        report.rows += 1
        if not report.breaks and (found := _check(CHANGES, row, prev, change_hash)):
            report.breaks.append(found)
        prev = row.hash
    return report


def verify_anchors(*, page: int = PAGE) -> Report:
    """The anchors' own chain, then each anchored range of each table against its digest."""
    report = Report(ANCHORS)
    anchors = db.session.execute(select(*_ANCHOR_COLUMNS).order_by(AuditAnchor.id)).all()
    db.session.rollback()
    prev = None
    for anchor in anchors:
        if not report.breaks and (found := _check(ANCHORS, anchor, prev, anchor_hash)):
            report.breaks.append(found)
        prev = anchor.hash
    report.rows = len(anchors)
    for table, model in TABLES.items():
        ranges = [a for a in anchors if a.chain == table]
        report.chains += bool(ranges)
        if ranges and (found := _check_ranges(model, ranges, page)):
            report.breaks.append(found)
    return report


def _check_ranges(model, ranges: list, page: int) -> Break | None:
    """The first anchor whose range of `model`'s rows no longer gives its count and digest."""
    rows = _pages([model.id, model.hash], (model.id,), page=page, where=model.id <= ranges[-1].last_id)
    row = next(rows, None)
    for anchor in ranges:
        count, sha = 0, hashlib.sha256()
        while row is not None and row.id <= anchor.last_id:
            count, row = count + 1, _fed(sha, row, rows)
        found, anchored = f"{count} rows {sha.hexdigest()}", f"{anchor.row_count} rows {anchor.digest}"
        if found != anchored:
            return Break(ANCHORS, anchor.id, None, f"range of {anchor.chain}", anchored, found)
    return None


def _fed(sha, row, rows: Iterator):
    sha.update(f"{row.id}:{row.hash or '-'}\n".encode())
    return next(rows, None)


def verify_all(*, page: int = PAGE, published: dict[int, str] | None = None) -> list[Report]:
    reports = [verify_events(page=page), verify_changes(page=page), verify_anchors(page=page)]
    return reports + ([verify_published(published)] if published else [])


def write_anchors(now: datetime | None = None, *, margin: timedelta = MARGIN, page: int = PAGE) -> list[AuditAnchor]:
    """Anchor each table's rows written since its last anchor and older than `margin` (scheduler)."""
    now = now or utcnow()
    try:
        if db.session.get_bind().dialect.name == "postgresql":
            db.session.execute(select(func.pg_advisory_xact_lock(ANCHORS_LOCK)))
        prev = db.session.execute(select(AuditAnchor.hash).order_by(AuditAnchor.id.desc()).limit(1)).scalar()
        written = []
        for table, model in TABLES.items():
            start = db.session.execute(select(func.max(AuditAnchor.last_id)).where(AuditAnchor.chain == table)).scalar()
            start = start or 0
            upper = db.session.execute(select(func.max(model.id)).where(
                model.id > start, model.created_at <= now - margin)).scalar()
            if upper is None:
                continue
            sha, count = hashlib.sha256(), 0
            for row in _pages([model.id, model.hash], (model.id,), page=page, after=(start,),
                              where=model.id <= upper, release=False):
                sha.update(f"{row.id}:{row.hash or '-'}\n".encode())
                count += 1
            values = dict(chain=table, last_id=upper, row_count=count, digest=sha.hexdigest(), created_at=now)
            anchor = AuditAnchor(**values, prev_hash=prev, hash=anchor_hash(values, prev))
            prev = anchor.hash
            db.session.add(anchor)
            written.append(anchor)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    for anchor in written:    # outside the database: whoever rewrites it all cannot reach the log
        log.info(PUBLISHED.format(id=anchor.id, chain=anchor.chain, last_id=anchor.last_id, rows=anchor.row_count,
                                  hash=anchor.hash))
    return written


def published_in(text: str) -> dict[int, str]:
    """The anchors' hashes found in a log's text (the lines write_anchors wrote), by anchor id."""
    return {int(found.group(1)): found.group(2) for found in _PUBLISHED.finditer(text)}


def verify_published(published: dict[int, str]) -> Report:
    """Each published anchor against the database: gone, or with another hash, is a `published`
    break. The chains can be rewritten and re-hashed whole inside the database; a hash kept outside
    it cannot."""
    report = Report("published anchors", chains=1 if published else 0, rows=len(published))
    stored = dict(db.session.execute(select(AuditAnchor.id, AuditAnchor.hash)
                                     .where(AuditAnchor.id.in_(list(published)))).all())
    db.session.rollback()
    for anchor_id, expected in sorted(published.items()):
        if stored.get(anchor_id) != expected:
            report.breaks.append(Break(ANCHORS, anchor_id, None, "published", expected, stored.get(anchor_id)))
    return report
