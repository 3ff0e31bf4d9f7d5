"""What the admin pages share: the admin check, the "recent changes" list in words, and the
services' validation messages in the UI language. Not a blueprint."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from api.messages import say_errors
from api.pages.consoles.common import require
from api.pages.filters import department_names
from engine.db import db
from engine.models import ConfigChange, User
from engine.organisation import matters, roles as R, users as admin_users
from engine.organisation.actor import Actor

AREAS = ("user", "department", "parameter", "calendar", "calendar_year", "matter", "catalogue")


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
                   key=key_label, summary=_summary(r, departments), reason=r.reason or "")
            for r, key_label in zip(rows, _key_labels(rows))]


def _key_labels(rows: list[ConfigChange]) -> list[str]:
    """What each change is about as people name it: a matter by its path, a rule by its number."""
    matter_ids = {int(r.key.partition(":")[2]) for r in rows if r.area == "matter" and r.key.startswith("matter:")}
    names = matters.labels(matter_ids)
    out = []
    for r in rows:
        kind, _sep, ident = r.key.partition(":")
        if r.area == "matter" and kind == "matter":
            out.append(names.get(int(ident), r.key))
        elif r.area == "catalogue" and kind == "rule":
            out.append(_("Rule #%(id)s", id=ident))
        else:
            out.append(r.key)
    return out


def area_label(area: str) -> str:
    labels = {"user": _("User"), "department": _("Department"), "parameter": _("Parameter"),
              "calendar": _("Calendar day"), "calendar_year": _("Calendar year"),
              "matter": _("Matter catalogue"), "catalogue": _("Dispatch catalogue")}
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
    label = field_label
    if row.area == "matter":     # a matter's parent is a matter, not a department
        departments = matters.labels({v for v in (old.get("parent_id"), new.get("parent_id")) if v})
        label = lambda k: _("Parent matter") if k == "parent_id" else field_label(k)  # noqa: E731
    return "; ".join(f"{label(k)}: {_value(k, old.get(k), departments)} → {_value(k, new.get(k), departments)}"
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
    if field == "status" and value in ("confirmed", "provisional"):
        return _("confirmed") if value == "confirmed" else _("provisional")
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
def translate(errors: dict[str, list[str]]) -> dict[str, list[str]]:
    """The field errors of a ValidationFailed in the UI language (api.messages)."""
    return say_errors(errors)
