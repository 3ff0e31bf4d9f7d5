"""Knowledge base pages through the Flask client: list and search, editor (422 naming the field,
script stripped), approval queue and states (409), scoping (403/404), the desk's JSON suggestions,
registering and answering directly citing an article (shown on the case page), shared recording cut."""
from __future__ import annotations

import io
import re
import wave
from datetime import datetime

import pytest

from engine.db import db
from engine.knowledge import citing, recordings
from engine.models import Case, KbArticle
from tests.api.test_call_pages import record, recordings as recording_files, wav_bytes  # noqa: F401  (fixture)
from tests.api.test_pages import csrf, signin  # noqa: F401  (fixture)
from tests.engine.knowledge.helpers import category, kb_clean, published  # noqa: F401  (fixtures)

pytestmark = pytest.mark.usefixtures("kb_clean")


def test_a_department_writes_the_center_approves_and_the_agent_finds_it(signin, category):
    cat = category("住房公积金")
    handler = signin("zjj_handler")
    token = csrf(handler, "/knowledge/new")
    res = handler.post("/knowledge/new", data={"csrf_token": token, "title": "", "body": "<script>x</script>",
                                               "category_id": cat})
    assert res.status_code == 422
    page = res.get_data(as_text=True)
    assert 'data-error="title"' in page and 'data-error="body"' in page
    res = handler.post("/knowledge/new", data={"csrf_token": token, "title": "住房公积金提取指南", "category_id": cat,
                                               "body": "<p>携带<b>身份证</b></p><script>alert(1)</script>"})
    assert res.status_code == 302
    article_id = int(re.search(r"/knowledge/(\d+)", res.location).group(1))
    page = handler.get(f"/knowledge/{article_id}").get_data(as_text=True)
    assert "<b>身份证</b>" in page and "alert(1)" not in page
    assert handler.post(f"/knowledge/{article_id}/submit", data={"csrf_token": token}).status_code == 302
    assert handler.post(f"/knowledge/{article_id}/approve", data={"csrf_token": token}).status_code == 403
    lead = signin("shift_lead")
    assert "住房公积金提取指南" in lead.get("/knowledge/queue").get_data(as_text=True)
    lead_token = csrf(lead, "/knowledge/queue")
    res = lead.post(f"/knowledge/{article_id}/reject", data={"csrf_token": lead_token, "note": ""})
    assert res.status_code == 422
    assert lead.post(f"/knowledge/{article_id}/approve", data={"csrf_token": lead_token}).status_code == 302
    assert lead.post(f"/knowledge/{article_id}/approve", data={"csrf_token": lead_token}).status_code == 409
    agent = signin("agent")
    listing = agent.get("/knowledge?q=公积金怎么提取").get_data(as_text=True)
    assert f'data-article="{article_id}"' in listing
    assert agent.get(f"/knowledge/{article_id}/edit").status_code == 403
    other = signin("rsj_handler")
    assert other.get(f"/knowledge/{article_id}/edit").status_code == 403
    history = lead.get(f"/knowledge/{article_id}/history").get_data(as_text=True)
    assert 'data-version="1"' in history and "审核通过并发布" in history


def test_another_departments_draft_is_404_and_the_list_hides_it(signin, actor, category):
    from engine.knowledge import articles
    draft = articles.create(actor=actor("zjj_handler"), data={"title": "内部草稿", "body": "<p>x</p>",
                                                               "category_id": category("住房")})
    other = signin("rsj_handler")
    assert other.get(f"/knowledge/{draft.id}").status_code == 404
    assert other.get(f"/knowledge/{draft.id}/history").status_code == 404
    assert "内部草稿" not in other.get("/knowledge").get_data(as_text=True)
    assert "内部草稿" in signin("zjj_leader").get("/knowledge").get_data(as_text=True)


def test_the_desk_suggests_valid_published_articles_as_json(signin, actor, dept, category):
    article = published(actor, dept, category("住房"), "住房公积金提取办理指南", "<p>携带身份证到管理中心办理。</p>")
    agent = signin("agent")
    res = agent.get("/knowledge/suggest?title=公积金提取&content=想问问公积金怎么取出来")
    assert res.status_code == 200 and res.headers["Cache-Control"] == "no-store"
    first = res.get_json()["articles"][0]
    assert first["id"] == article.id and first["version"] == 1 and "携带身份证" in first["answer"]
    assert signin("zjj_handler").get("/knowledge/suggest?title=公积金").status_code == 403
    from api.pages.web import limiter
    limiter.reset()
    assert signin("agent").__class__(agent.application).get("/knowledge/suggest?title=x").status_code == 401


def test_register_and_answer_directly_citing_an_article(signin, actor, dept, category):
    article = published(actor, dept, category("住房"), "住房公积金提取办理指南", "<p>携带身份证办理。</p>")
    agent = signin("agent")
    token = csrf(agent, "/cases/new")
    form = {"csrf_token": token, "category": "consult", "channel": "phone", "citizen_name": "刘先生",
            "phone": "13800138000", "title": "公积金提取咨询", "content": "想知道公积金提取要带什么"}
    res = agent.post("/knowledge/answer", data={**form, "kb_article_id": article.id, "kb_answer": ""})
    assert res.status_code == 422 and 'id="intake-form"' in res.get_data(as_text=True)
    assert db.session.execute(db.select(Case)).first() is None
    res = agent.post("/knowledge/answer", data={**form, "kb_article_id": article.id, "kb_answer": "携带身份证办理。"})
    assert res.status_code == 302
    case = db.session.execute(db.select(Case)).scalar_one()
    assert case.outcome == "direct_answer"
    assert citing.citations(case.id)[0]["article_id"] == article.id
    page = agent.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "引用知识库文章答复" in page and "住房公积金提取办理指南" in page


def test_a_shared_cut_plays_only_its_seconds(signin, actor, dept, category, recording_files):
    article = published(actor, dept, category("住房"), "公积金", "<p>x</p>")
    path = recording_files("rec/kb.wav", wav_bytes(8000 * 5))          # five seconds at 8 kHz
    call = record(datetime(2026, 11, 2, 2, 0), talk=5, recording_path=path)
    row = recordings.share(actor=actor("agent"), article_id=article.id, call_record_id=call.id,
                           start_second=1, end_second=3)
    res = signin("supervisor").get(f"/knowledge/recordings/{row.id}/audio")
    assert res.status_code == 200 and res.headers["Cache-Control"] == "private, no-store"
    with wave.open(io.BytesIO(res.data)) as cut:
        assert cut.getnframes() == 8000 * 2
    assert signin("zjj_handler").get(f"/knowledge/recordings/{row.id}/audio").status_code == 403
    agent = signin("agent")
    token = csrf(agent, f"/knowledge/share?call={call.id}")
    res = agent.post(f"/knowledge/share?call={call.id}", data={"csrf_token": token, "article_id": article.id,
                                                                "start_second": "4", "end_second": "2"})
    assert res.status_code == 422 and 'data-error="end_second"' in res.get_data(as_text=True)
    assert db.session.execute(db.select(KbArticle.id)).scalar() == article.id


def test_the_center_shapes_the_category_tree_and_others_may_not(signin, category):
    root = category("住房保障")
    lead = signin("shift_lead")
    token = csrf(lead, "/knowledge/categories")
    assert lead.post("/knowledge/categories", data={"csrf_token": token, "name": " ", "parent_id": root}).status_code == 422
    assert lead.post("/knowledge/categories", data={"csrf_token": token, "name": "公积金", "parent_id": root}
                     ).status_code == 302
    page = lead.get("/knowledge/categories").get_data(as_text=True)
    child = re.search(r'data-category="(\d+)">\s*<td style="padding-left: 2\.0rem" class="user-text">公积金', page)
    assert child, page                                   # one level below 住房保障
    assert lead.post(f"/knowledge/categories/{child[1]}", data={"csrf_token": token, "name": "住房公积金"}
                     ).status_code == 302
    assert "住房公积金" in lead.get("/knowledge/categories").get_data(as_text=True)
    handler = signin("zjj_handler")
    assert handler.get("/knowledge/categories").status_code == 403
    assert handler.post("/knowledge/categories", data={"csrf_token": csrf(handler, "/knowledge"), "name": "X"}
                        ).status_code == 403
