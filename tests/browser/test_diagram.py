"""Process diagrams in Chromium: the case page draws the case on its process (the way so far, the
task waiting now coloured by its time limit, who has it on hover), and the viewer draws every
corpus file that carries a diagram, saying so instead of showing an empty frame when one has none.

Screenshots: test-artifacts/screenshots/diagram_*.png (the case page's card, zoomed on the current task, a closed case,
each corpus file)."""
from __future__ import annotations

import csv
import re
from datetime import timedelta
from pathlib import Path

import pytest
from flask import render_template_string
from playwright.sync_api import Page, expect
from sqlalchemy import update

from engine.cases import actions
from engine.db import db
from engine.models import WorkItem
from engine.ports import now as clock_now
from tests.browser.conftest import SCREENSHOTS, login
from tests.factories import to_handling

pytestmark = pytest.mark.browser

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "bpmn"
SHOTS = SCREENSHOTS       # test-artifacts/screenshots (git-ignored)
DIAGRAM = ".bpmn-diagram"


def _element(page: Page, element_id: str):
    return page.locator(f'{DIAGRAM} .djs-element[data-element-id="{element_id}"]')


def _drawn(page: Page) -> None:
    expect(page.locator(DIAGRAM)).to_have_attribute("data-diagram", re.compile("ready|error"))
    assert page.locator(DIAGRAM).get_attribute("data-diagram") == "ready", \
        page.locator(DIAGRAM).get_attribute("data-diagram-error")


def test_the_case_page_shows_where_the_case_stands(page: Page, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb", co=("zjj",))
    db.session.rollback()
    login(page, "dispatcher")
    page.goto(f"/cases/{case.id}")
    _drawn(page)
    handle = _element(page, "handle")
    expect(handle).to_have_class(re.compile(r"\bdiagram-active\b"))
    expect(handle).to_have_class(re.compile(r"\bdiagram-due-green\b"))
    expect(_element(page, "co_opinion")).to_have_class(re.compile(r"\bdiagram-active\b"))
    for done in ("intake", "triage", "dispatch", "sign_for"):
        expect(_element(page, done)).to_have_class(re.compile(r"\bdiagram-done\b"))
    expect(_element(page, "f_dispatch")).to_have_class(re.compile(r"\bdiagram-flow-done\b"))
    for untouched in ("review", "f_returned", "f_direct"):
        expect(_element(page, untouched)).not_to_have_class(re.compile(r"diagram-(done|active|flow-done)"))
    expect(page.locator(DIAGRAM)).to_contain_text("承办单位经办人")        # lanes by role name, not code
    expect(page.locator(".diagram-current")).to_contain_text("办理 · 湖滨街道")
    page.locator("#diagram").scroll_into_view_if_needed()
    page.locator("#diagram").screenshot(path=str(SHOTS / "diagram_case_handling.png"))

    handle.hover()
    tip = page.locator(".diagram-tip")
    expect(tip).to_be_visible()
    expect(tip).to_contain_text("湖滨街道")
    expect(tip).to_contain_text("正常")
    expect(tip).to_contain_text("办理时限")
    page.locator("#diagram").screenshot(path=str(SHOTS / "diagram_case_hover.png"))
    page.mouse.move(5, 5)
    expect(tip).to_be_hidden()

    page.locator('[data-zoom="active"]').click()                       # to the task, readable size
    box, frame = handle.bounding_box(), page.locator(DIAGRAM).bounding_box()
    assert frame["x"] < box["x"] and box["x"] + box["width"] < frame["x"] + frame["width"]
    assert box["width"] > 90                                            # drawn at 100 %, not a speck
    page.locator("#diagram").screenshot(path=str(SHOTS / "diagram_case_zoomed.png"))


def test_an_overdue_task_is_red_with_its_colour_in_words(page: Page, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    now = clock_now()
    db.session.execute(update(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open")
                       .values(due_at=now - timedelta(hours=2), warn_at=now - timedelta(days=1)))
    db.session.commit()
    login(page, "dh_hb_handler")
    page.goto(f"/cases/{case.id}")
    _drawn(page)
    expect(_element(page, "handle")).to_have_class(re.compile(r"\bdiagram-due-red\b"))
    expect(page.locator(".diagram-now")).to_have_text("超期")           # legible however small the diagram
    page.locator("#diagram").screenshot(path=str(SHOTS / "diagram_case_overdue.png"))


def test_a_closed_case_shows_its_way_and_nothing_waiting(page: Page, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    actions.reply(case_id=case.id, actor=actor("dh_hb_handler"), result="resolved", reply_text="已修复电梯。")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    db.session.rollback()
    login(page, "dh_hb_handler")
    page.goto(f"/cases/{case.id}")
    _drawn(page)
    expect(page.locator(f"{DIAGRAM} .diagram-active")).to_have_count(0)
    expect(_element(page, "end_archived")).to_have_class(re.compile(r"\bdiagram-done\b"))
    expect(page.locator(".diagram-current")).to_contain_text("工单已办结")
    expect(page.locator('[data-zoom="active"]')).to_be_hidden()
    expect(page.locator(".diagram-legend [data-waiting]").first).to_be_hidden()
    page.locator("#diagram").screenshot(path=str(SHOTS / "diagram_case_closed.png"))


# --- every corpus file through the viewer --------------------------------------------------------
def _corpus() -> list[tuple[str, bool]]:
    """(file, whether it carries a diagram) from the corpus manifest's DI / noDI feature."""
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        return [(row["file"], "noDI" not in row["features"].split(",")) for row in csv.DictReader(fh, delimiter="\t")]


CORPUS_FILES = _corpus()
# Without DI nothing can be drawn: the viewer must say so. These include the deliberately broken
# files (malformed XML, not BPMN, duplicate ids, unknown child) and valid Flowable tests without DI.
WITHOUT_DI = sorted(name for name, has_di in CORPUS_FILES if not has_di)


def _viewer_page(app, xml_url: str) -> str:
    with app.test_request_context("/"):
        body = render_template_string('{% from "pages/macros/diagram.html" import diagram %}'
                                      '{{ diagram(xml_url, height="600px") }}', xml_url=xml_url)
    return ('<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            '<link rel="stylesheet" href="/static/css/app.css"></head><body><main>' + body + "</main></body></html>")


@pytest.fixture(scope="module")
def viewer(browser, browser_context_args, app):
    """One tab for the whole corpus: each file is a fresh document in it (a new context per file
    only started Chromium's tab and loaded bpmn-js anew, about half of each file's time)."""
    pages: dict[str, str] = {}
    context = browser.new_context(**browser_context_args)
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    tab.set_default_navigation_timeout(20_000)
    tab.route("**/diagram-corpus-page/*", lambda route: route.fulfill(
        body=pages[route.request.url.rsplit("/", 1)[1]], content_type="text/html"))
    tab.route("**/diagram-corpus/*", lambda route: route.fulfill(
        body=(CORPUS / route.request.url.rsplit("/", 1)[1]).read_bytes(), content_type="application/xml"))
    yield tab, pages
    context.close()


@pytest.mark.parametrize("name, has_di", CORPUS_FILES, ids=[n for n, _ in CORPUS_FILES])
def test_the_viewer_draws_each_corpus_file_that_has_a_diagram(viewer, app, name, has_di):
    page, pages = viewer
    pages[name] = _viewer_page(app, f"/diagram-corpus/{name}")
    page.goto(f"/diagram-corpus-page/{name}")
    frame = page.locator(DIAGRAM)
    expect(frame).to_have_attribute("data-diagram", re.compile("ready|error"))
    if has_di:
        assert frame.get_attribute("data-diagram") == "ready", frame.get_attribute("data-diagram-error")
        assert page.locator(f"{DIAGRAM} .djs-shape").count() > 1
        page.screenshot(path=str(SHOTS / f"diagram_corpus_{Path(name).stem}.png"))
    else:
        assert frame.get_attribute("data-diagram") == "error"
        expect(frame).to_be_hidden()                                   # the reason, not an empty frame
        expect(page.locator(".diagram-message")).to_contain_text("流程图无法显示")
        expect(page.locator(".diagram-message")).to_contain_text("BPMN")
        page.screenshot(path=str(SHOTS / f"diagram_corpus_noDI_{Path(name).stem}.png"))
