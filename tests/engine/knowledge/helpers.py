"""Knowledge base test helpers: a cleaning fixture (the root conftest does not know these tables) and
an article factory walking the real use cases."""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from engine.db import db
from engine.knowledge import articles, categories
from engine.models import KbArticle, KbArticleEvent, KbArticleVersion, KbCategory, KbRecording


@pytest.fixture
def kb_clean(app):
    """Torn down before the root conftest's cleaning, which deletes the calls recordings point at."""
    yield
    db.session.rollback()
    for model in (KbRecording, KbArticleEvent, KbArticleVersion, KbArticle, KbCategory):
        db.session.execute(delete(model))
    db.session.commit()


@pytest.fixture
def category(kb_clean):
    made: dict[str, int] = {}

    def make(name: str, parent: str | None = None) -> int:
        if name not in made:
            made[name] = categories.add(name=name, parent_id=made.get(parent) if parent else None).id
        return made[name]
    return make


def published(actor, dept, category_id: int, title: str, body: str, *, department: str = "zjj", **extra):
    """An article written by `department`'s handler and approved by the shift lead."""
    writer = actor(f"{department}_handler")
    row = articles.create(actor=writer, data={"title": title, "body": body, "category_id": category_id,
                                              "department_id": dept(department), **extra})
    articles.transition(actor=writer, article_id=row.id, action="submit")
    return articles.transition(actor=actor("shift_lead"), article_id=row.id, action="approve")
