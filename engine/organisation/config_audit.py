"""Committing an admin's edit of a catalogue entry (a dispatch rule, a matter) with its audit row."""
from __future__ import annotations

from engine.db import db
from engine.models import ConfigChange
from engine.organisation.actor import Actor
from engine.ports import now as clock_now


def commit_edit(row, old: dict | None, new: dict, *, area: str, key_prefix: str, actor: Actor, reason: str):
    """Stamp and commit `row` with a ConfigChange(area, '<key_prefix>:<id>') holding old and new;
    saving an unchanged form is not a change worth an audit row (rolled back)."""
    if new == old:
        db.session.rollback()
        return row
    now = clock_now()
    row.updated_at, row.updated_by_id = now, actor.user_id
    db.session.flush()                  # a new row's id names its audit key
    db.session.add(ConfigChange(area=area, key=f"{key_prefix}:{row.id}", old=old, new=new, reason=reason,
                                actor_id=actor.user_id, created_at=now))
    db.session.commit()
    return row
