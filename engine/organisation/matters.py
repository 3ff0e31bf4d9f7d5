"""The matter catalogue (事项分类): what citizens' requests are about, as a tree admins edit.

Intake picks a node (市政管理 › 路灯照明); dispatch rules written for a node or any of its
ancestors propose the departments (engine.organisation.catalogue); reports count by it. Nodes are
never deleted, only deactivated (cases keep pointing at them), and a node with active children
cannot be deactivated. Every change is a ConfigChange(area="matter").
"""
from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState, check_form
from engine.models import Matter
from engine.organisation import roles as R
from engine.organisation.actor import Actor
from engine.organisation.config_audit import commit_edit
from forms import Field, Form
from forms.messages import msg

AUDIT_AREA = "matter"
MATTER_FORM = Form("matter", "事项分类", "Matter", (
    Field("code", "string", "代码", "Code", required=True, max_length=32, pattern=r"[A-Za-z0-9_.\-]+"),
    Field("name", "string", "名称", "Name", required=True, max_length=100),
    Field("parent_id", "matter", "上级事项", "Parent matter"),
    Field("sort", "integer", "排序(小者在前)", "Order (lower first)", min_value=0, max_value=9999, default=0),
))
SNAPSHOT_FIELDS = ("code", "name", "parent_id", "sort", "active")


class Node(NamedTuple):
    """A matter as pickers and the admin page list it (tree order, depth from 0)."""

    id: int
    code: str
    name: str
    depth: int
    parent_id: int | None
    active: bool


def tree(*, include_inactive: bool = False) -> list[Node]:
    """Every (active) matter in tree order: each after its parent, siblings by order then name."""
    query = select(Matter)
    if not include_inactive:
        query = query.where(Matter.active.is_(True))
    rows = list(db.session.execute(query).scalars())
    present = {m.id for m in rows}
    children: dict[int | None, list[Matter]] = {}
    for m in rows:   # a node whose parent is inactive is not offered either: its branch is closed
        children.setdefault(m.parent_id if m.parent_id in present else -1 if m.parent_id else None, []).append(m)
    out: list[Node] = []

    def walk(parent: int | None, depth: int) -> None:
        for m in sorted(children.get(parent, []), key=lambda m: (m.sort, m.name, m.id)):
            out.append(Node(m.id, m.code, m.name, depth, m.parent_id, m.active))
            walk(m.id, depth + 1)
    walk(None, 0)
    return out


def ancestry(matter_id: int) -> list[int]:
    """The ids from the root down to this matter (empty if there is no such matter)."""
    path = db.session.execute(select(Matter.path).where(Matter.id == matter_id)).scalar()
    return [int(x) for x in path.strip("/").split("/")] if path else []


def labels(matter_ids: set[int]) -> dict[int, str]:
    """'市政管理 › 路灯照明' for each matter: its path's names (one read for all of them)."""
    paths = dict(db.session.execute(select(Matter.id, Matter.path).where(Matter.id.in_(matter_ids))).all()) \
        if matter_ids else {}
    needed = {int(x) for p in paths.values() for x in p.strip("/").split("/")}
    names = dict(db.session.execute(select(Matter.id, Matter.name).where(Matter.id.in_(needed))).all()) \
        if needed else {}
    return {i: " › ".join(names.get(int(x), "?") for x in p.strip("/").split("/")) for i, p in paths.items()}


def check_usable(matter_id: int, field: str = "matter_id") -> Matter:
    """The matter if it exists and is active; else ValidationFailed naming `field`."""
    row = db.session.get(Matter, matter_id)
    if row is None or not row.active:
        raise ValidationFailed({field: [msg("matter_not_found", "matter %(id)s does not exist", id=matter_id)]})
    return row


# ---------------------------------------------------------------------------- admin editing

def save(*, actor: Actor, data: dict, matter_id: int | None = None, reason: str = "") -> Matter:
    """Create a matter, or rename / move / reorder one (its subtree moves with it); audited."""
    actor.require(R.ADMIN)
    clean = check_form(MATTER_FORM, data)
    row = get(actor=actor, matter_id=matter_id) if matter_id is not None else None
    _check_code(clean["code"], row)
    parent = _check_parent(clean.get("parent_id"), row)
    old = snapshot(row) if row is not None else None
    if row is None:
        row = Matter(active=True)
        db.session.add(row)
    old_path = row.path
    row.code, row.name, row.parent_id, row.sort = clean["code"], clean["name"], clean.get("parent_id"), clean["sort"]
    db.session.flush()                       # a new row's id is part of its path
    row.path = f"{parent.path if parent else '/'}{row.id}/"
    if old_path and old_path != row.path:    # moved: every descendant's path follows
        _move_subtree(old_path, row.path)
    return _commit(row, old, actor, reason)


def set_active(*, actor: Actor, matter_id: int, active: bool, reason: str = "") -> Matter:
    """Close a matter to new cases (not while an active child is open under it), or reopen one
    (not under a closed parent); audited."""
    row = get(actor=actor, matter_id=matter_id)
    if not active and db.session.execute(select(Matter.id).where(
            Matter.parent_id == row.id, Matter.active.is_(True)).limit(1)).first():
        raise WrongState(msg("matter_has_children", "%(name)s has active sub-matters: close them first", name=row.name))
    if active and row.parent_id and not db.session.get(Matter, row.parent_id).active:
        raise WrongState(msg("matter_parent_closed", "the parent matter of %(name)s is closed", name=row.name))
    old = snapshot(row)
    row.active = active
    return _commit(row, old, actor, reason)


def get(*, actor: Actor, matter_id: int) -> Matter:
    actor.require(R.ADMIN)
    row = db.session.get(Matter, matter_id)
    if row is None:
        raise NotFound(msg("matter_not_found", "matter %(id)s does not exist", id=matter_id))
    return row


def snapshot(row: Matter) -> dict:
    return {name: getattr(row, name) for name in SNAPSHOT_FIELDS}


def _check_code(code: str, row: Matter | None) -> None:
    taken = db.session.execute(select(Matter.id).where(Matter.code == code)).scalar()
    if taken is not None and (row is None or taken != row.id):
        raise ValidationFailed({"code": [msg("taken", "already taken")]})


def _check_parent(parent_id: int | None, row: Matter | None) -> Matter | None:
    if parent_id is None:
        return None
    parent = check_usable(parent_id, "parent_id")
    if row is not None and row.path and parent.path.startswith(row.path):
        raise ValidationFailed({"parent_id": [msg("matter_cycle", "cannot be the matter itself or one below it")]})
    return parent


def _move_subtree(old_path: str, new_path: str) -> None:
    for row in db.session.execute(select(Matter).where(Matter.path.like(old_path + "_%"))).scalars():
        row.path = new_path + row.path[len(old_path):]


def _commit(row: Matter, old: dict | None, actor: Actor, reason: str) -> Matter:
    return commit_edit(row, old, snapshot(row), area=AUDIT_AREA, key_prefix="matter", actor=actor, reason=reason)
