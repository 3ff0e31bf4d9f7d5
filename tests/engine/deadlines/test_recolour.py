"""Recolouring visits only the open limits whose stored colour is stale (found by colour and the
crossed date through partial indexes): every kind of stale colour must still be found."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from engine.db import db
from engine.deadlines import colours
from engine.models import Deadline
from tests.factories import open_case

NOW = datetime(2026, 12, 7, 2, 0)
H = timedelta(hours=1)
# name: (stored colour, due_at, warn_at, state, colour after recolouring at NOW)
LIMITS = {
    "crossed its warn time": ("green", NOW + 5 * H, NOW - H, "open", "yellow"),
    "crossed both at once": ("green", NOW - H, NOW - 2 * H, "open", "red"),
    "yellow, now overdue": ("yellow", NOW - H, NOW - 2 * H, "open", "red"),
    "yellow, warning moved later": ("yellow", NOW + 48 * H, NOW + 24 * H, "open", "green"),
    "red, extended": ("red", NOW + 48 * H, NOW + 24 * H, "open", "green"),
    "red, extended into its warning": ("red", NOW + H, NOW - H, "open", "yellow"),
    "due this very moment": ("red", NOW, NOW - H, "open", "yellow"),        # overdue only after due_at
    "warned this very moment": ("yellow", NOW + H, NOW, "open", "green"),  # yellow only after warn_at
    "still green": ("green", NOW + 2 * H, NOW + H, "open", "green"),
    "still yellow": ("yellow", NOW + H, NOW - H, "open", "yellow"),
    "still red": ("red", NOW - H, NOW - 2 * H, "open", "red"),
    "closed, stale but left alone": ("green", NOW - H, NOW - 2 * H, "met", "green"),
}


def test_every_stale_colour_is_found_in_both_directions_and_nothing_else(actor, dept):
    case = open_case(actor("agent"))
    ids = {}
    for name, (colour, due, warn, state, _after) in LIMITS.items():
        row = Deadline(case_id=case.id, stage="handling", department_id=dept("xs_xs"), role="lead", round=1,
                       started_at=NOW - 72 * H, working_days=5, due_at=due, warn_at=warn, colour=colour, state=state)
        db.session.add(row)
        db.session.flush()
        ids[row.id] = name
    db.session.commit()
    changed = sum(before != after for before, *_, after in LIMITS.values())

    assert colours.recolour(NOW) == {"deadlines": changed}
    stored = dict(db.session.execute(select(Deadline.id, Deadline.colour).where(Deadline.id.in_(ids))).all())
    assert {ids[i]: c for i, c in stored.items()} == {name: spec[-1] for name, spec in LIMITS.items()}
    assert colours.recolour(NOW) == {"deadlines": 0}                                 # nothing twice
