"""直接答复 citing an article: the case is answered directly and records the article and its version."""
from __future__ import annotations

import pytest

from engine.cases import get_case
from engine.errors import NotFound, PermissionDenied
from engine.knowledge import articles, citing
from tests.engine.knowledge.helpers import category, kb_clean, published  # noqa: F401  (fixtures)
from tests.factories import open_case


def test_a_direct_answer_records_the_cited_article_and_version(actor, dept, category):
    cat = category("住房")
    article = published(actor, dept, cat, "住房公积金提取办理指南", "<p>携带身份证办理。</p>")
    articles.save(actor=actor("zjj_handler"), article_id=article.id,
                  data={"title": "住房公积金提取办理指南", "body": "<p>新版</p>", "category_id": cat})
    articles.transition(actor=actor("zjj_handler"), article_id=article.id, action="submit")
    articles.transition(actor=actor("leader"), article_id=article.id, action="approve")    # version 2 published
    case = open_case(actor("agent"), category="consult", title="公积金怎么提取", content="想提取公积金")
    citing.answer_directly(actor=actor("agent"), case_id=case.id, article_id=article.id, answer="携带身份证办理。")
    case = get_case(case_id=case.id, actor=actor("agent"))
    assert case.outcome == "direct_answer"
    assert citing.citations(case.id) == [{"article_id": article.id, "version": 2, "title": "住房公积金提取办理指南"}]


def test_a_draft_cannot_be_cited_and_nothing_is_recorded(actor, category):
    draft = articles.create(actor=actor("zjj_handler"), data={"title": "草稿", "body": "<p>x</p>",
                                                              "category_id": category("住房")})
    case = open_case(actor("agent"), category="consult")
    with pytest.raises(NotFound):
        citing.answer_directly(actor=actor("agent"), case_id=case.id, article_id=draft.id, answer="x")
    assert citing.citations(case.id) == []
    assert get_case(case_id=case.id, actor=actor("agent")).outcome is None


def test_only_the_desk_roles_answer_from_the_knowledge_base(actor, dept, category):
    article = published(actor, dept, category("住房"), "公积金", "<p>x</p>")
    case = open_case(actor("agent"), category="consult")
    with pytest.raises(PermissionDenied):
        citing.answer_directly(actor=actor("zjj_handler"), case_id=case.id, article_id=article.id, answer="x")


def test_the_answer_and_its_citation_stand_or_fall_together(actor, dept, category, monkeypatch):
    """A citation that cannot be written undoes the answer: the case waits in triage as before."""
    article = published(actor, dept, category("住房"), "公积金提取", "<p>x</p>")
    case = open_case(actor("agent"), category="consult")

    def broken_event(self, *args, **kwargs):
        if args and args[0] == citing.CITED:
            raise RuntimeError("the database went away")
        return real_event(self, *args, **kwargs)

    from engine.cases.unit import CaseAction
    real_event = CaseAction.event
    monkeypatch.setattr(CaseAction, "event", broken_event)
    with pytest.raises(RuntimeError):
        citing.answer_directly(actor=actor("agent"), case_id=case.id, article_id=article.id, answer="携带身份证办理。")
    monkeypatch.undo()
    after = get_case(case_id=case.id, actor=actor("agent"))
    assert after.outcome is None and after.stage == "triage"
    assert citing.citations(case.id) == []
