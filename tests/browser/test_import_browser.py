"""Excel import in Chromium: a shift lead uploads a workbook, confirms the guessed mapping, watches
the progress bar while the scheduler's job runs, and reads the result with the error download;
the screen pop links an agent to the caller's contact page."""
from __future__ import annotations

import threading

import pytest
from playwright.sync_api import Page, expect

from bench.import_data import make_rows, write_xlsx
from engine import scheduler
from engine.contacts import service
from engine.db import db
from engine.telephony import live as call_live
from tests.browser.conftest import login, shot
from tests.factories import open_case

pytestmark = pytest.mark.browser


def test_upload_mapping_progress_result(page: Page, app, tmp_path):
    rows, expected = make_rows(3000)
    for phone in expected.existing:
        service.resolve(phone, name="老客户")
    db.session.commit()
    path = write_xlsx(tmp_path / "社区名单.xlsx", rows)
    login(page, "shift_lead")
    page.click("#nav-imports")
    page.click("text=Excel 导入")
    page.set_input_files("input[name=file]", str(path))
    with page.expect_navigation():
        page.click("#import-upload button[type=submit]")
    expect(page.locator("select[name=column_1]")).to_have_value("phone")     # guessed from 手机号码
    shot(page, "import-mapping")
    with page.expect_navigation():
        page.click("#import-mapping button[type=submit]")
    box = page.locator("#import-progress")
    expect(box).to_have_attribute("data-state", "queued")

    def work():                       # the scheduler process's job, beside the web server
        with app.app_context():
            scheduler.run_imports()
    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    expect(page.locator("#import-progress [data-p=good]")).to_have_text(str(expected.good), timeout=15_000)
    expect(page.locator("#import-progress [data-p=bad]")).to_have_text(str(expected.bad))
    expect(page.locator("#import-progress progress")).to_have_attribute("value", "100")
    expect(page.locator("#import-error-rows tbody tr").first).to_be_visible()
    with page.expect_download() as download:
        page.click("#import-errors")
    assert download.value.suggested_filename.endswith("-errors.xlsx")
    shot(page, "import-result")


def test_the_screen_pop_links_to_the_callers_contact(page: Page, actor):
    open_case(actor("agent"), phone="13912345678", citizen_name="赵六")
    db.session.rollback()
    login(page, "agent")
    page.fill("#phone-extension", "1001")
    page.click("[data-phone-state=ready]")
    expect(page.locator("#phone-state")).to_have_text("就绪 · 1001")
    page.wait_for_timeout(500)
    call_live.feed(kind="offer", call_id="pop-contact-1", agent="1001@default", caller="13912345678", queue="hotline@default")
    db.session.rollback()
    link = page.locator("#screen-pop [data-pop=contact]")
    expect(link).to_be_visible()
    with page.expect_navigation():
        link.click()
    expect(page.locator("h1")).to_contain_text("赵六")
    expect(page.locator("#contact-phones")).to_have_text("13912345678")
    shot(page, "contact-page")
