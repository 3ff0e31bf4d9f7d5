"""Articles: writing and saving versions, the way to publication and out of it, lists and search.

States: draft → pending (submitted by the owning department) → published (approved by the
center) → retired; a rejected submission goes back to draft with the reason. Saving changes a
draft, or a published or retired article (which then goes back to draft: what agents read must be
approved again). Each save keeps a version; each change of state an event.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, func, select

from engine.db import db
from engine.errors import ValidationFailed, WrongState
from engine.knowledge import access, search as kb_search
from engine.knowledge.text import sanitize, search_words
from engine.localtime import local_date
from engine.models import KbArticle, KbArticleEvent, KbArticleVersion, KbCategory
from engine.organisation import Actor
from engine.paging import Page
from engine.ports import now as clock_now
from forms.messages import msg

MAX_TITLE, MAX_BODY, MAX_NOTE = 200, 100_000, 500
EDITABLE_STATES = ("draft", "published", "retired")
# action → (states it starts from, state it leads to, who)
TRANSITIONS = {
    "submit": (("draft",), "pending", "editor"),
    "approve": (("pending",), "published", "approver"),
    "reject": (("pending",), "draft", "approver"),
    "retire": (("published",), "retired", "editor_or_approver"),
}


@dataclass(frozen=True)
class Draft:
    title: str
    body_html: str
    category_id: int
    department_id: int
    valid_from: date | None
    valid_to: date | None
    note: str


def today() -> date:
    return local_date(clock_now())


# Long because each field's check names that field, as the 422 answer must.
def check(actor: Actor, data: dict, *, department_id: int | None = None) -> Draft:
    """The article's fields cleaned, or ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [msg("required", "required")]
    elif len(title) > MAX_TITLE:
        errors["title"] = [msg("max_length", "at most %(max)s characters", max=MAX_TITLE)]
    body = sanitize(str(data.get("body") or ""))
    if not body:
        errors["body"] = [msg("required", "required")]
    elif len(body) > MAX_BODY:
        errors["body"] = [msg("max_length", "at most %(max)s characters", max=MAX_BODY)]
    category_id = _int(data.get("category_id"))
    if category_id is None or db.session.get(KbCategory, category_id) is None:
        errors["category_id"] = [msg("kb_no_category", "choose a category")]
    if department_id is None:
        department_id = _int(data.get("department_id")) or actor.department_id
        if not access.check_department(actor, department_id):
            errors["department_id"] = [msg("kb_department_scope", "an article belongs to your department or one below it")]
    dates = {}
    for name in ("valid_from", "valid_to"):
        dates[name], bad = _day(data.get(name))
        if bad:
            errors[name] = [msg("not_a_date", "must be a date (YYYY-MM-DD)")]
    if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
        errors["valid_to"] = [msg("kb_valid_order", "the end of validity comes before its start")]
    note = str(data.get("note") or "").strip()
    if len(note) > MAX_NOTE:
        errors["note"] = [msg("max_length", "at most %(max)s characters", max=MAX_NOTE)]
    if errors:
        raise ValidationFailed(errors)
    return Draft(title, body, category_id, department_id, dates["valid_from"], dates["valid_to"], note)


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _day(value) -> tuple[date | None, bool]:
    if value in (None, ""):
        return None, False
    if isinstance(value, date):
        return value, False
    try:
        return date.fromisoformat(str(value).strip()), False
    except ValueError:
        return None, True


def create(*, actor: Actor, data: dict) -> KbArticle:
    """A new draft owned by the actor's department (or one below it), version 1."""
    actor.require(*access.EDITOR_ROLES)
    draft = check(actor, data)
    now = clock_now()
    article = KbArticle(department_id=draft.department_id, state="draft", version=0, created_by_id=actor.user_id,
                        created_at=now, review_note="")
    db.session.add(article)
    _save_version(article, draft, actor, now)
    db.session.commit()
    return article


def save(*, actor: Actor, article_id: int, data: dict, expected_version: int | None = None) -> KbArticle:
    """A new version of the article; a published or retired one goes back to draft for approval."""
    article = _locked(actor, article_id)
    access.check_edit(actor, article)
    if article.state not in EDITABLE_STATES:
        raise WrongState(msg("kb_under_review", "the article waits for approval: it cannot be changed now"))
    if expected_version is not None and expected_version != article.version:
        raise WrongState(msg("kb_stale", "the article was saved meanwhile (version %(v)s)", v=article.version))
    draft = check(actor, data, department_id=article.department_id)
    now = clock_now()
    if article.state != "draft":
        _event(article, "reopened", "draft", actor, draft.note, now)
    _save_version(article, draft, actor, now)
    db.session.commit()
    return article


def _save_version(article: KbArticle, draft: Draft, actor: Actor, now) -> None:
    article.version += 1
    article.title, article.body_html, article.category_id = draft.title, draft.body_html, draft.category_id
    article.valid_from, article.valid_to, article.updated_at = draft.valid_from, draft.valid_to, now
    article.search_words = search_words(draft.title, draft.body_html)
    db.session.flush()
    db.session.add(KbArticleVersion(article_id=article.id, number=article.version, title=draft.title,
                                    body_html=draft.body_html, category_id=draft.category_id,
                                    valid_from=draft.valid_from, valid_to=draft.valid_to, note=draft.note,
                                    author_id=actor.user_id, created_at=now))


def transition(*, actor: Actor, article_id: int, action: str, note: str = "") -> KbArticle:
    """submit / approve / reject (a reason required) / retire; a wrong state answers WrongState (409)."""
    if action not in TRANSITIONS:
        raise ValidationFailed({"action": [msg("kb_no_action", "unknown action")]})
    starts, target, who = TRANSITIONS[action]
    article = _locked(actor, article_id)
    _check_who(actor, article, who)
    note = (note or "").strip()
    if action == "reject" and not note:
        raise ValidationFailed({"note": [msg("kb_reason_required", "say why the article is sent back")]})
    if len(note) > MAX_NOTE:
        raise ValidationFailed({"note": [msg("max_length", "at most %(max)s characters", max=MAX_NOTE)]})
    if article.state not in starts:
        raise WrongState(msg("kb_wrong_state", "the article is %(state)s: it cannot be %(action)s now",
                             state=article.state, action=action))
    now = clock_now()
    _event(article, action, target, actor, note, now)
    article.review_note = note if action == "reject" else ("" if action == "submit" else article.review_note)
    if action == "approve":
        article.published_version, article.published_at, article.published_by_id = article.version, now, actor.user_id
    db.session.commit()
    return article


def _check_who(actor: Actor, article: KbArticle, who: str) -> None:
    if who == "approver" or (who == "editor_or_approver" and actor.has(*access.APPROVER_ROLES)):
        actor.require(*access.APPROVER_ROLES)
        return
    access.check_edit(actor, article)


def _event(article: KbArticle, action: str, target: str, actor: Actor, note: str, now) -> None:
    db.session.add(KbArticleEvent(article_id=article.id, action=action, from_state=article.state, to_state=target,
                                  version=article.version, note=note, actor_id=actor.user_id, created_at=now))
    article.state = target


def _locked(actor: Actor, article_id: int) -> KbArticle:
    article = access.get_readable(actor, article_id)
    db.session.refresh(article, with_for_update=True)
    return article


def get(*, actor: Actor, article_id: int) -> KbArticle:
    return access.get_readable(actor, article_id)


def list_articles(*, actor: Actor, q: str = "", category_id: int | None = None, state: str | None = None,
                  page: int = 1, page_size: int = 20, for_desk: bool = False) -> Page:
    """Articles the actor may read: ranked by relevance when searched, else the latest changed first."""
    conditions = [kb_search.valid_now(today()) if for_desk else access.readable(actor)]
    if category_id:
        conditions.append(kb_search.in_category(category_id))
    if state:
        conditions.append(KbArticle.state == state)
    page = max(1, page)
    if q.strip():
        hits, total = kb_search.search(q, conditions, limit=page_size, offset=(page - 1) * page_size)
        rows = {a.id: a for a in db.session.execute(
            select(KbArticle).where(KbArticle.id.in_([h.article_id for h in hits]))).scalars()}
        return Page([rows[h.article_id] for h in hits if h.article_id in rows], total, page, page_size)
    where = and_(*conditions)
    total = db.session.execute(select(func.count()).select_from(KbArticle).where(where)).scalar()
    items = db.session.execute(select(KbArticle).where(where).order_by(KbArticle.updated_at.desc(), KbArticle.id.desc())
                               .limit(page_size).offset((page - 1) * page_size)).scalars().all()
    return Page(list(items), total, page, page_size)


def suggest(*, actor: Actor, typed: str, limit: int = 5) -> list[KbArticle]:
    """For the agent desk: published, currently valid articles that best match the case text."""
    actor.require(*access.DESK_ROLES)
    return list_articles(actor=actor, q=typed, page_size=limit, for_desk=True).items


def pending(*, actor: Actor) -> list[KbArticle]:
    """The center's approval queue, oldest submission first."""
    actor.require(*access.APPROVER_ROLES)
    return list(db.session.execute(select(KbArticle).where(KbArticle.state == "pending")
                                   .order_by(KbArticle.updated_at, KbArticle.id)).scalars())
