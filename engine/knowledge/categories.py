"""The category tree of the knowledge base (政策法规 › 住房 › 公积金 …)."""
from __future__ import annotations

from sqlalchemy import select

from engine.db import db
from engine.errors import NotFound, ValidationFailed
from engine.knowledge import access
from engine.models import KbCategory
from engine.organisation import Actor
from forms.messages import msg


def create(*, actor: Actor, name: str, parent_id: int | None = None, sort: int = 0) -> KbCategory:
    """A category under `parent_id` (or a root); the center's approvers shape the tree."""
    actor.require(*access.APPROVER_ROLES)
    return add(name=name, parent_id=parent_id, sort=sort)


def rename(*, actor: Actor, category_id: int, name: str) -> KbCategory:
    """A new name for a category (its articles and children stay where they are)."""
    actor.require(*access.APPROVER_ROLES)
    row = db.session.get(KbCategory, category_id)
    if row is None:
        raise NotFound(msg("kb_no_category", "choose a category"))
    row.name = _checked_name(name)
    db.session.commit()
    return row


def _checked_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 64:
        raise ValidationFailed({"name": [msg("required", "required")]})
    return name


def add(*, name: str, parent_id: int | None = None, sort: int = 0) -> KbCategory:
    name = _checked_name(name)
    parent = db.session.get(KbCategory, parent_id) if parent_id else None
    if parent_id and parent is None:
        raise ValidationFailed({"parent_id": [msg("kb_no_category", "choose a category")]})
    row = KbCategory(name=name, parent_id=parent_id, sort=sort, path="/")
    db.session.add(row)
    db.session.flush()
    row.path = f"{parent.path if parent else '/'}{row.id}/"
    db.session.commit()
    return row


def tree() -> list[tuple[KbCategory, int]]:
    """Every category with its depth, parents before children, siblings by sort then name."""
    rows = list(db.session.execute(select(KbCategory)).scalars())
    children: dict[int | None, list[KbCategory]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row)
    ordered: list[tuple[KbCategory, int]] = []

    def walk(parent_id, depth):
        for row in sorted(children.get(parent_id, []), key=lambda r: (r.sort, r.name)):
            ordered.append((row, depth))
            walk(row.id, depth + 1)

    walk(None, 0)
    return ordered


def names() -> dict[int, str]:
    """id → the full path of names (住房 › 公积金)."""
    rows = {r.id: r for r in db.session.execute(select(KbCategory)).scalars()}
    return {i: " › ".join(rows[int(p)].name for p in r.path.strip("/").split("/") if int(p) in rows)
            for i, r in rows.items()}
