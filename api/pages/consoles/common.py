"""What the role consoles share: the open items a viewer may act on now, and what the case's
events say about them (a return's reason, an extension's days, the reply text).

Not a blueprint: the consoles themselves are console_<role>.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import abort
from sqlalchemy import and_, func, or_, select

from api.pages.web import page_actor
from engine.db import db
from engine.models import Case, CaseEvent, WorkItem
from engine.organisation import scope
from engine.organisation.actor import Actor

SECTION_LIMIT = 100     # a console shows the oldest hundred of a queue; the inbox pages the rest


@dataclass
class Section:
    """One queue of a console: the rows shown and how many there are in all."""

    rows: list[tuple[WorkItem, Case]]
    total: int
    facts: dict[int, dict]          # case id -> what the events say (reason, days, reply...)


def require(*roles: str) -> Actor:
    """The viewer, or 403 if they hold none of the console's roles."""
    actor = page_actor()
    if not actor.has(*roles):
        abort(403)
    return actor


def actionable(actor: Actor, *, form_keys: tuple[str, ...] = (), kinds: tuple[str, ...] = ("task",),
               own_department: bool = False) -> tuple[list[tuple[WorkItem, Case]], int]:
    """Open items the actor may complete now (role, scope, not claimed by a colleague), oldest first."""
    conditions = [WorkItem.state == "open", WorkItem.kind.in_(kinds), WorkItem.role.in_(actor.roles),
                  scope.work_item_visible(actor),
                  or_(WorkItem.claimed_by_id.is_(None), WorkItem.claimed_by_id == actor.user_id)]
    if form_keys:
        conditions.append(WorkItem.form_key.in_(form_keys))
    if actor.is_center:
        conditions.append(WorkItem.department_id.is_(None))
    elif own_department:
        # Approving a reply belongs to the department's own leader, not to those above it.
        conditions.append(WorkItem.department_id == actor.department_id)
    where = and_(*conditions)
    total = db.session.execute(select(func.count()).select_from(WorkItem).where(where)).scalar()
    rows = db.session.execute(select(WorkItem, Case).join(Case, Case.id == WorkItem.case_id).where(where)
                              .order_by(WorkItem.created_at, WorkItem.id).limit(SECTION_LIMIT)).all()
    return [(item, case) for item, case in rows], total


def latest_event(case_ids: list[int], action: str, when: Callable[[dict], bool] = lambda data: True
                 ) -> dict[int, dict]:
    """Per case, the data of its latest event of `action` that satisfies `when` (plus its time)."""
    if not case_ids:
        return {}
    found: dict[int, dict] = {}
    rows = db.session.execute(select(CaseEvent.case_id, CaseEvent.data, CaseEvent.created_at)
                              .where(CaseEvent.case_id.in_(case_ids), CaseEvent.action == action)
                              .order_by(CaseEvent.id)).all()
    for case_id, data, created_at in rows:
        if when(data or {}):
            found[case_id] = {**(data or {}), "at": created_at}
    return found


def section(actor: Actor, form_keys: tuple[str, ...], *, facts_from: tuple[str, Callable] | None = None,
            kinds: tuple[str, ...] = ("task",), own_department: bool = False) -> Section:
    """A console queue with, optionally, the latest matching event's data for each case."""
    rows, total = actionable(actor, form_keys=form_keys, kinds=kinds, own_department=own_department)
    facts = latest_event([c.id for _, c in rows], *facts_from) if facts_from else {}
    return Section(rows=rows, total=total, facts=facts)


def handle_action(*names: str) -> tuple[str, Callable[[dict], bool]]:
    """Select the lead's latest 'handle' event with one of these actions (reply, extension, ...)."""
    return "handle", lambda data: data.get("action") in names


def result_label(code: str | None) -> str:
    """A reply's result (已解决, ...) in the UI language."""
    from api.pages.filters import option_label
    from forms import get_form
    field = next(f for f in get_form("handle").fields if f.name == "result")
    return option_label(field.options, code)
