"""Deadline colours: green within the limit, yellow from the warning point, red once overdue.

Only the `deadline` table stores a colour, because reminders fire on its transitions; the
scheduler recolours it with one set-based UPDATE touching only rows whose colour changes, found
through the open-deadline indexes by their stored colour (`_stale`), never by reading every open
deadline. Cases and work items carry due_at/warn_at, and their colour is computed when read (`colour_of`, and
`colour_condition` for filters), so the clock moving rewrites no case or work-item rows.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case as sql_case, or_, update

from engine.db import db
from engine.models import Deadline
from engine.ports import now as clock_now

COLOURS = ("green", "yellow", "red")


def colour_of(now: datetime, due_at: datetime | None, warn_at: datetime | None) -> str | None:
    """The colour of a due date at `now` (None without a due date)."""
    if due_at is None:
        return None
    if now > due_at:
        return "red"
    if warn_at is not None and now > warn_at:
        return "yellow"
    return "green"


def colour_condition(table, colour: str, now: datetime):
    """SQL condition on a table with due_at/warn_at: its colour at `now` is `colour`."""
    if colour == "red":
        return table.due_at < now
    if colour == "yellow":
        return and_(table.due_at >= now, table.warn_at < now)
    return and_(table.due_at >= now, table.warn_at >= now)


def recolour(now: datetime | None = None) -> dict[str, int]:
    """Bring every open deadline's colour up to `now`; returns how many changed."""
    now = now or clock_now()
    colour = sql_case((Deadline.due_at < now, "red"), (Deadline.warn_at < now, "yellow"), else_="green")
    result = db.session.execute(
        update(Deadline).where(Deadline.state == "open", _stale(now), Deadline.colour != colour).values(colour=colour)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return {"deadlines": result.rowcount}


def _stale(now: datetime):
    """The open deadlines whose stored colour may be wrong at `now`, as ranges of the partial indexes
    (colour, due_at) and (colour, warn_at): a million open deadlines, a handful of them stale.

    Each colour is wrong exactly where its own condition fails, in either direction, since an
    extension or a resumed clock moves due_at/warn_at later and turns red or yellow back. due_at and
    warn_at are never empty, and the colour is one of COLOURS (what `recolour` writes).
    """
    return or_(and_(Deadline.colour == "green", or_(Deadline.due_at < now, Deadline.warn_at < now)),
               and_(Deadline.colour == "yellow", or_(Deadline.due_at < now, Deadline.warn_at >= now)),
               and_(Deadline.colour == "red", Deadline.due_at >= now))
