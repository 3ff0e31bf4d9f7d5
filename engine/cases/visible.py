"""Reading one case as an actor may: the scope check every read of a case starts with.

Its own module, below the services, so that intake (service) and attachments can both use it
without importing each other.
"""
from __future__ import annotations

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound
from engine.models import Case
from engine.organisation import Actor, scope
from forms.messages import msg


def get_case(*, case_id: int, actor: Actor) -> Case:
    """One case the actor may see (the blob is not loaded).

    A department user's case is read with the scope condition in the same statement (a second
    look-up only tells a missing case from one outside the scope, when it is not found)."""
    if actor.is_center:
        case = db.session.get(Case, case_id)
    else:
        case = db.session.execute(select(Case).where(Case.id == case_id, scope.case_visible(actor))).scalar()
        hidden = db.session.get(Case, case_id) if case is None else None
        if hidden is not None:
            scope.check_case_visible(actor, hidden)   # raises: it exists, outside the scope
    if case is None:
        raise NotFound(msg("case_not_found", "case %(id)s not found", id=case_id))
    return case
