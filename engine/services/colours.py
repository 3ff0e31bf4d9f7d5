"""Recolouring: set-based UPDATEs over every open deadline, work item and case.

One statement per table, touching only rows whose colour changes; never a Python loop over rows
(100,000 open deadlines recolour in well under a second on PostgreSQL, bench/deadlines.py).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case as sql_case, update

from engine.db import db
from engine.models import Case, Deadline, WorkItem
from engine.ports import now as clock_now


def _colour(table, now: datetime):
    return sql_case((table.due_at < now, "red"), (table.warn_at < now, "yellow"), else_="green")


def recolour(now: datetime | None = None) -> dict[str, int]:
    """Bring every open colour up to `now`; returns how many rows changed per table."""
    now = now or clock_now()
    changed = {}
    for name, table, open_rows in (
        ("deadlines", Deadline, Deadline.state == "open"),
        ("work_items", WorkItem, and_(WorkItem.state == "open", WorkItem.due_at.is_not(None))),
        ("cases", Case, and_(Case.status != "closed", Case.due_at.is_not(None), Case.suspended.is_(False))),
    ):
        colour = _colour(table, now)
        result = db.session.execute(
            update(table).where(open_rows, table.colour.is_distinct_from(colour)).values(colour=colour)
            .execution_options(synchronize_session=False))
        changed[name] = result.rowcount
    db.session.commit()
    return changed
