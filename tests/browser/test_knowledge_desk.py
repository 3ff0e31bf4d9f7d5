"""The knowledge base at the agent desk in Chromium: an agent on a live simulated call types the
request, the suggested article shows, they pick it and answer directly; the case shows the cited
article. Then the article's page, its history and the center's queue render."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.db import db
from engine.knowledge import citing
from engine.models import Case
from engine.telephony import live as call_live
from tests.browser.conftest import login, shot
from tests.engine.knowledge.helpers import category, kb_clean, published  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("kb_clean")]


# Long because it is one call from the screen pop to the cited answer on the case, step by step.
def test_agent_answers_a_live_call_from_a_suggested_article(page: Page, actor, dept, category):
    cat = category("住房公积金", None)
    article = published(actor, dept, cat, "住房公积金提取办理指南",
                        "<h3>所需材料</h3><ul><li>本人身份证</li><li>银行卡</li></ul><p>线上或到管理中心柜台办理提取。</p>")
    published(actor, dept, category("消费维权"), "网购七日无理由退货", "<p>收货七日内可退货。</p>", department="scj")
    db.session.rollback()
    login(page, "agent")
    page.fill("#phone-extension", "1001")
    page.click("[data-phone-state=ready]")
    expect(page.locator("#phone-state")).to_have_text("就绪 · 1001")
    page.wait_for_timeout(500)      # the event stream is open
    call_live.feed(kind="offer", call_id="kb-1", agent="1001@default", caller="13912345000", queue="hotline@default")
    call_live.feed(kind="answer", call_id="kb-1", agent="1001@default", caller="13912345000")
    db.session.rollback()
    pop = page.locator("#screen-pop")
    expect(pop.locator("[data-pop=title]")).to_have_text("已接通")
    with page.expect_navigation():
        pop.locator("[data-pop=intake]").click()
    page.select_option("select[name=category]", "consult")
    page.fill("input[name=citizen_name]", "刘先生")
    page.fill("input[name=title]", "咨询公积金提取")
    page.locator("textarea[name=content]").press_sequentially("我想问一下住房公积金怎么提取，要带什么材料", delay=5)
    suggestion = page.locator(f"#kb-suggestions li[data-article='{article.id}']")
    expect(suggestion).to_be_visible()
    expect(page.locator("#kb-suggestions li").first).to_contain_text("住房公积金提取办理指南")
    suggestion.locator("button").click()
    expect(page.locator("#kb-chosen")).to_be_visible()
    expect(page.locator("#kb-answer")).to_have_value("所需材料\n本人身份证\n银行卡\n线上或到管理中心柜台办理提取。")
    shot(page, "knowledge-desk-suggestion")
    with page.expect_navigation():
        page.click("#kb-answer-directly")
    expect(page.locator(".flash.success")).to_contain_text("已引用知识库直接答复")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("引用知识库文章答复")
    expect(timeline).to_contain_text("住房公积金提取办理指南")
    shot(page, "knowledge-desk-case-cited")
    db.session.rollback()
    case = db.session.execute(select(Case).where(Case.title == "咨询公积金提取")).scalar_one()
    assert case.call_id == "kb-1" and case.outcome == "direct_answer"
    assert citing.citations(case.id) == [{"article_id": article.id, "version": 1, "title": "住房公积金提取办理指南"}]
    db.session.rollback()


def test_article_editor_history_and_queue_render(page: Page, actor, dept, category):
    cat = category("社会保障", None)
    db.session.rollback()
    login(page, "rsj_handler")
    page.goto("/knowledge/new")
    page.fill("#kb-title", "社保卡丢失补办流程")
    page.select_option("#kb-category", str(cat))
    page.click("#kb-editor")
    page.keyboard.type("先挂失，再补卡。")
    page.click("#kb-toolbar [data-cmd=bold]")
    page.keyboard.type("携带身份证")
    page.fill("#kb-note", "首次编写")
    with page.expect_navigation():
        page.click("#kb-save")
    expect(page.locator("#kb-body b, #kb-body strong")).to_have_text("携带身份证")
    with page.expect_navigation():
        page.click("#kb-submit")
    expect(page.locator("#kb-state")).to_have_text("待审核")
    shot(page, "knowledge-article-pending")
    page.click("#logout")
    login(page, "shift_lead")
    page.goto("/knowledge/queue")
    with page.expect_navigation():
        page.locator("#kb-pending a", has_text="社保卡丢失补办流程").click()
    with page.expect_navigation():
        page.click("#kb-approve")
    page.goto("/knowledge?q=社保卡丢了")
    expect(page.locator("#kb-articles tbody tr").first).to_contain_text("社保卡丢失补办流程")
    shot(page, "knowledge-list-search")
    page.locator("#kb-articles a", has_text="社保卡丢失补办流程").click()
    page.click("#kb-history")
    expect(page.locator("#kb-versions")).to_contain_text("首次编写")
    expect(page.locator("#kb-events")).to_contain_text("审核通过并发布")
    shot(page, "knowledge-history")
