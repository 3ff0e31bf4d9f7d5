"""直接答复 from the knowledge base: the agent answers a consultation on the call by citing an article,
and the case records which article and which published version it was."""
from __future__ import annotations

from sqlalchemy import select

from engine.cases import actions
from engine.db import db
from engine.errors import NotFound
from engine.knowledge import access
from engine.knowledge.articles import today
from engine.knowledge.search import valid_now
from engine.models import Case, CaseEvent, KbArticle
from engine.organisation import Actor
from forms.messages import msg

CITED = "knowledge_cited"     # the case event's action


def citable(article_id: int) -> KbArticle:
    """A published article valid today, or NotFound (a draft or an expired one is not an answer)."""
    row = db.session.execute(select(KbArticle).where(KbArticle.id == article_id, valid_now(today()))).scalar()
    if row is None:
        raise NotFound(msg("kb_not_citable", "knowledge article %(id)s is not published or not valid today",
                           id=article_id))
    return row


def answer_directly(*, actor: Actor, case_id: int, article_id: int, answer: str) -> Case:
    """Triage the case as a direct answer with `answer` and record the cited article on it, in one
    transaction: the answer never stands without its citation, nor the citation without the answer."""
    actor.require(*access.DESK_ROLES)
    article = citable(article_id)
    cited = {"article_id": article.id, "version": article.published_version or article.version,
             "title": article.title}
    db.session.rollback()          # end the read: triage starts its own transaction (SQLite: IMMEDIATE)
    return actions.triage(case_id=case_id, actor=actor, decision="direct_answer", answer=answer,
                          after=lambda action: action.event(CITED, actor_id=actor.user_id, data=cited))


def citations(case_id: int) -> list[dict]:
    """The articles a case cited (the events' data), oldest first; the caller checked the case's scope."""
    return [e.data for e in db.session.execute(select(CaseEvent).where(
        CaseEvent.case_id == case_id, CaseEvent.action == CITED).order_by(CaseEvent.id)).scalars()]
