"""Reading one case as an actor may: the scope check every read of a case starts with.

Its own module, below the services, so that intake (service) and attachments can both use it
without importing each other.
"""
from __future__ import annotations

from engine.db import db
from engine.errors import NotFound
from engine.models import Case
from engine.organisation import Actor, scope
from forms.messages import msg


def get_case(*, case_id: int, actor: Actor) -> Case:
    """One case the actor may see (the blob is not loaded)."""
    case = db.session.get(Case, case_id)
    if case is None:
        raise NotFound(msg("case_not_found", "case %(id)s not found", id=case_id))
    scope.check_case_visible(actor, case)
    return case
