"""An article's history: every saved version (who, when, note) with what changed from the one before,
and the changes of state between them."""
from __future__ import annotations

import difflib
from dataclasses import dataclass

from sqlalchemy import select

from engine.db import db
from engine.knowledge import access
from engine.knowledge.text import plain
from engine.models import KbArticleEvent, KbArticleVersion, KbCategory
from engine.organisation import Actor


@dataclass(frozen=True)
class Change:
    field: str          # title | body | category | valid_from | valid_to
    old: str
    new: str
    lines: tuple = ()   # for the body: unified diff lines of the plain text


@dataclass(frozen=True)
class VersionEntry:
    version: KbArticleVersion
    changes: list[Change]


def history(*, actor: Actor, article_id: int) -> tuple[list[VersionEntry], list[KbArticleEvent]]:
    """Newest version first, each with its changes; the state events oldest first."""
    access.get_readable(actor, article_id)
    versions = list(db.session.execute(select(KbArticleVersion).where(KbArticleVersion.article_id == article_id)
                                       .order_by(KbArticleVersion.number)).scalars())
    names = dict(db.session.execute(select(KbCategory.id, KbCategory.name)).all())
    entries, before = [], None
    for version in versions:
        entries.append(VersionEntry(version, changes(before, version, names)))
        before = version
    events = list(db.session.execute(select(KbArticleEvent).where(KbArticleEvent.article_id == article_id)
                                     .order_by(KbArticleEvent.id)).scalars())
    return entries[::-1], events


def changes(before: KbArticleVersion | None, after: KbArticleVersion, names: dict) -> list[Change]:
    """What differs between two versions (everything, for the first)."""
    found = []
    old = before or KbArticleVersion(title="", body_html="", category_id=0, valid_from=None, valid_to=None)
    if old.title != after.title:
        found.append(Change("title", old.title, after.title))
    if old.category_id != after.category_id:
        found.append(Change("category", names.get(old.category_id, ""), names.get(after.category_id, "")))
    for name in ("valid_from", "valid_to"):
        a, b = getattr(old, name), getattr(after, name)
        if a != b:
            found.append(Change(name, a.isoformat() if a else "", b.isoformat() if b else ""))
    if old.body_html != after.body_html:
        lines = difflib.unified_diff(plain(old.body_html).splitlines(), plain(after.body_html).splitlines(),
                                     lineterm="", n=1)
        found.append(Change("body", "", "", tuple(line for line in lines if not line.startswith(("---", "+++")))))
    return found
