"""What the admin pages share: the admin check, the "recent changes" list in words, and the
services' validation messages in the UI language. Not a blueprint."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from flask_babel import gettext as _
from sqlalchemy import select

from api.pages.consoles.common import require
from api.pages.filters import department_names
from engine.db import db
from engine.models import ConfigChange, User
from engine.organisation import roles as R, users as admin_users
from engine.organisation.actor import Actor

AREAS = ("user", "department", "parameter", "calendar", "calendar_year", "catalogue")


@dataclass(frozen=True)
class Change:
    """One audit row as a page shows it."""

    at: datetime
    who: str
    area: str
    key: str
    summary: str
    reason: str


def require_admin() -> Actor:
    """The signed-in admin, or 403 for everyone else."""
    return require(R.ADMIN)


def recent(actor: Actor, areas: tuple[str, ...], key: str | None = None, limit: int = 20) -> list[Change]:
    """The latest changes of some areas (optionally of one key), described for people."""
    rows = admin_users.changes(actor=actor, areas=areas, key=key, limit=limit)
    people, departments = _names({r.actor_id for r in rows}), department_names()
    return [Change(at=r.created_at, who=people.get(r.actor_id, _("system")), area=area_label(r.area),
                   key=r.key, summary=_summary(r, departments), reason=r.reason or "") for r in rows]


def area_label(area: str) -> str:
    labels = {"user": _("User"), "department": _("Department"), "parameter": _("Parameter"),
              "calendar": _("Calendar day"), "calendar_year": _("Calendar year"),
              "catalogue": _("Dispatch catalogue")}
    return labels.get(area, area)


def _summary(row: ConfigChange, departments: dict[int, str]) -> str:
    """'created', 'password reset', or 'field: old → new; ...' for the fields that changed."""
    old, new = row.old, row.new
    if new == {"password": "reset"}:
        return _("password reset")
    if old is None:
        return _("created")
    if not isinstance(old, dict) or not isinstance(new, dict):
        return f"{_value('', old, departments)} → {_value('', new, departments)}"
    changed = [k for k in new if old.get(k) != new.get(k) and k != "path"]
    return "; ".join(f"{field_label(k)}: {_value(k, old.get(k), departments)} → {_value(k, new.get(k), departments)}"
                     for k in changed)


def _value(field: str, value: object, departments: dict[int, str]) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if field in ("department_id", "parent_id"):
        return departments.get(value, str(value))
    if field == "roles":
        return "、".join(R.ROLE_LABELS.get(r, r) for r in value)
    if field == "kind" and value in ("workday", "holiday"):
        return _("workday") if value == "workday" else _("holiday")
    return str(value)


def field_label(name: str) -> str:
    labels = {"display_name": _("Full name"), "department_id": _("Department"), "roles": _("Roles"),
              "phone": _("Phone"), "active": _("Active"), "name": _("Name"), "kind": _("Kind"),
              "parent_id": _("Parent department"), "requires_reply_approval": _("Replies need approval"),
              "label": _("Label"), "status": _("Status")}
    return labels.get(name, name)


def _names(user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())


# ------------------------------------------------------------------ messages in the UI language
# The services say what is wrong in English (the REST API's language); the pages show the
# messages they know in the UI language and any other one as it is.

def _known() -> dict[str, str]:
    return {
        "required": _("required"), "already taken": _("already taken"),
        "has an invalid format": _("has an invalid format"),
        "choose an active department": _("choose an active department"),
        "choose at least one role": _("choose at least one role"),
        "2 to 64 letters, digits, _ . or -": _("2 to 64 letters, digits, _ . or -"),
        "you cannot remove your own admin role": _("you cannot remove your own admin role"),
        "you cannot deactivate yourself": _("you cannot deactivate yourself"),
        "letters, digits, _ or -, at most 32": _("letters, digits, _ or -, at most 32"),
        "choose an active parent department": _("choose an active parent department"),
        "cannot move a department under itself or its own sub-department":
            _("cannot move a department under itself or its own sub-department"),
        "the tree would be too deep": _("the tree would be too deep"),
        "has active users: move or deactivate them first": _("has active users: move or deactivate them first"),
        "has active sub-departments: move or deactivate them first":
            _("has active sub-departments: move or deactivate them first"),
        "has open work items: they must be finished or transferred first":
            _("has open work items: they must be finished or transferred first"),
        "holds open cases: they must be closed or transferred first":
            _("holds open cases: they must be closed or transferred first"),
        "must be an integer": _("must be an integer"), "out of range": _("out of range"),
        "must be a time HH:MM": _("must be a time HH:MM"),
        "must be a date YYYY-MM-DD": _("must be a date YYYY-MM-DD"),
        "must be one of: workday, holiday": _("must be a workday or a holiday"),
        "an internal counter, not editable": _("an internal counter, not editable"),
    }


_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"at most (\d+) characters"), lambda m: _("at most %(n)s characters", n=m.group(1))),
    (re.compile(r"at least (\d+) characters"), lambda m: _("at least %(n)s characters", n=m.group(1))),
    (re.compile(r"must be between (\d+) and (\d+)"),
     lambda m: _("must be between %(a)s and %(b)s", a=m.group(1), b=m.group(2))),
    (re.compile(r"no calendar data for (\d+): enter its holidays first"),
     lambda m: _("no calendar data for %(year)s: enter its holidays first", year=m.group(1))),
]


def translate(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The field errors of a ValidationFailed in the UI language."""
    known = _known()
    return {field: [_one(m, known) for m in messages] for field, messages in errors.items()}


def _one(message: str, known: dict[str, str]) -> str:
    if message in known:
        return known[message]
    for pattern, say in _PATTERNS:
        match = pattern.fullmatch(message)
        if match:
            return say(match)
    return message
