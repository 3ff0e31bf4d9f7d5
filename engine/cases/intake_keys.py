"""Intake that a client may safely send twice: the `Idempotency-Key` of POST /api/v1/cases.

A client whose connection broke after sending (a node killed mid-request, a proxy timeout) cannot
know whether its case was opened; it sends the same request again with the same key. The key is
stored in the case's own transaction (open_case's before_commit), unique per user: a repeat finds
the case and answers it again, and two copies racing each other meet at the unique constraint, the
loser answering the winner's case. Keys are the client's own (1-64 visible ASCII characters); one
user's key never finds another user's case.
"""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from engine.cases.service import INTAKE_ROLES, open_case_step
from engine.cases.unit import open_items
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Case, IntakeKey, WorkItem
from engine.organisation import Actor
from forms.messages import msg

KEY = re.compile(r"[\x21-\x7e]{1,64}")
FIELD = "Idempotency-Key"


def open_case_once(*, actor: Actor, data: dict, key: str | None) -> tuple[Case, list[WorkItem], bool]:
    """(the case, its open work items, True if opened now / False if this key opened it before)."""
    if key is None:
        return *open_case_step(actor=actor, data=data), True
    actor.require(*INTAKE_ROLES)
    if not KEY.fullmatch(key):
        raise ValidationFailed({FIELD: [msg("bad_idempotency_key", "1 to 64 visible ASCII characters")]})
    if (earlier := _opened_with(actor.user_id, key)) is not None:
        return _replayed(earlier)
    try:
        return *open_case_step(actor=actor, data=data,
                               before_commit=lambda case: _remember(case, actor.user_id, key)), True
    except IntegrityError:
        # the same key committed first in a concurrent request: answer its case
        if (earlier := _opened_with(actor.user_id, key)) is not None:
            return _replayed(earlier)
        raise


def _replayed(case: Case) -> tuple[Case, list[WorkItem], bool]:
    """A repeat answers the case as it is now: its open items are read (the first answer's may be done)."""
    return case, open_items(case.id)[0], False


def _remember(case: Case, user_id: int, key: str) -> None:
    db.session.add(IntakeKey(user_id=user_id, key=key, case_id=case.id))
    db.session.flush()


def _opened_with(user_id: int, key: str) -> Case | None:
    found = db.session.execute(select(Case).join(IntakeKey, IntakeKey.case_id == Case.id).where(
        IntakeKey.user_id == user_id, IntakeKey.key == key)).scalar()
    db.session.rollback()       # end the read: intake starts its own transaction (SQLite: IMMEDIATE)
    return found
