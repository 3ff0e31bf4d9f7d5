"""What the browser must not get away with: another department's case by URL, a form without its
CSRF token, a session after signing out."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.db import db
from engine.models import Case, Urge, WorkItem
from tests.browser.conftest import login, logout, shot
from tests.factories import to_handling

pytestmark = pytest.mark.browser


@pytest.fixture
def case_at_xs_xs(actor, dept):
    """A case in handling at 西山街道 (made through the services: the walk-through does the UI)."""
    case = to_handling(actor, dept, lead="xs_xs")
    found = {"id": case.id, "case_no": case.case_no,
             "item": db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case.id,
                                                                   WorkItem.state == "open")).scalar_one()}
    db.session.rollback()       # end the test thread's transaction: SQLite would hold the write lock
    return found


def test_a_handler_cannot_open_another_departments_case_by_url(page: Page, case_at_xs_xs):
    login(page, "dh_hb_handler")
    expect(page.locator("#inbox")).not_to_contain_text(case_at_xs_xs["case_no"])
    for url in (f"/cases/{case_at_xs_xs['id']}", f"/work-items/{case_at_xs_xs['item']}"):
        response = page.goto(url)
        assert response.status == 403, url
        expect(page.locator("h1")).to_contain_text("403")
        expect(page.locator("body")).not_to_contain_text(case_at_xs_xs["case_no"])
    shot(page, "security-403")
    page.goto(f"/cases?case_no={case_at_xs_xs['case_no']}")
    expect(page.locator("#cases")).to_contain_text("没有符合条件的工单。")

    logout(page)                 # its own department opens it
    login(page, "xs_xs_handler")
    assert page.goto(f"/cases/{case_at_xs_xs['id']}").status == 200
    expect(page.locator("h1")).to_contain_text(case_at_xs_xs["case_no"])


def test_a_form_without_its_csrf_token_is_refused(page: Page, case_at_xs_xs):
    login(page, "supervisor")
    page.goto(f"/cases/{case_at_xs_xs['id']}")
    page.fill("#urge-form textarea[name=opinion]", "请加快办理。")
    page.evaluate("document.querySelector('#urge-form input[name=csrf_token]').remove()")
    with page.expect_response(re.compile(r"/urge$")) as posted:
        page.locator("#urge-form button[type=submit]").click()
    assert posted.value.status == 400
    expect(page.locator("h1")).to_contain_text("400")
    expect(page.locator("main")).to_contain_text("CSRF")
    shot(page, "security-csrf-400")

    page.goto(f"/cases/{case_at_xs_xs['id']}")          # nothing changed
    expect(page.locator("#urges")).to_have_count(0)
    expect(page.locator("#timeline")).not_to_contain_text("请加快办理")
    urges = db.session.execute(select(Urge).where(Urge.case_id == case_at_xs_xs["id"])).all()
    urge_count = db.session.get(Case, case_at_xs_xs["id"]).urge_count
    db.session.rollback()
    assert urges == [] and urge_count == 0

    # The same form with its token goes through.
    page.fill("#urge-form textarea[name=opinion]", "请加快办理。")
    page.locator("#urge-form button[type=submit]").click()
    expect(page.locator(".flash.success")).to_have_text("已督办。")
    expect(page.locator("#urges")).to_contain_text("请加快办理。")


def test_sign_in_without_the_token_is_refused_too(page: Page):
    page.goto("/login")
    page.fill("input[name=username]", "agent")
    page.fill("input[name=password]", "12345demo")
    page.evaluate("document.querySelector('input[name=csrf_token]').remove()")
    page.locator("form button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text("400")
    page.goto("/inbox")
    page.wait_for_url(re.compile(r"/login"))           # not signed in


def test_signing_out_ends_the_session(page: Page):
    login(page, "agent")
    expect(page.locator("#inbox")).to_be_visible()
    logout(page)
    expect(page.locator("input[name=username]")).to_be_visible()
    page.goto("/inbox")
    page.wait_for_url(re.compile(r"/login\?next=%2Finbox"))
    expect(page.locator("#logout")).to_have_count(0)
    page.goto("/cases/new")
    page.wait_for_url(re.compile(r"/login"))
