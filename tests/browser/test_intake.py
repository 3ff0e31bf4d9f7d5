"""Intake in the browser with what a 12345 form has: the agent finds the matter and the street by
typing, marks it urgent, attaches the citizen's photo; the case shows them all, and the dispatcher
is proposed the street itself (属地) by the matter's rule."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.db import db
from engine.models import Attachment, Case
from tests.browser.conftest import login, logout, shot

pytestmark = pytest.mark.browser
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


# Long because it is one request from the agent's form to the dispatcher's proposal, step by step.
def test_an_agent_registers_a_street_lamp_and_the_street_is_proposed(page: Page, tmp_path):
    photo = tmp_path / "路灯.png"
    photo.write_bytes(PNG)
    login(page, "agent")
    page.goto("/cases/new")
    page.select_option("#f-category", "help")
    page.select_option("#f-channel", "phone")
    page.fill("#f-citizen_name", "王大爷")
    page.select_option("#f-citizen_gender", "male")
    page.fill("#f-phone", "13600136004")
    page.fill("#f-title", "村口路灯不亮")
    page.fill("#f-content", "河桥村村口路灯坏了半个月，夜里出行不便。")
    matter = page.locator('[data-field="matter_id"]')
    matter.locator(".select-filter").fill("路灯")
    assert [t.strip() for t in matter.locator("option:not([hidden])").all_inner_texts()] == ["—", "市政管理", "路灯照明"]
    matter.locator(".select-filter").press("Enter")                 # the first match is taken
    expect(page.locator("#f-matter_id option:checked")).to_have_text("　路灯照明")
    area = page.locator('[data-field="area_id"]')
    area.locator(".select-filter").fill("青松镇")
    area.locator(".select-filter").press("Enter")
    expect(page.locator("#f-area_id option:checked")).to_have_text("　　青松镇")
    page.select_option("#f-urgency", "urgent")
    page.locator('#f-wants_sms_reply input[value=true]').check()
    page.set_input_files('input[name=attachments]', str(photo))
    expect(page.locator("#intake-files")).to_have_text("路灯.png")
    shot(page, "intake-full")
    with page.expect_navigation():
        page.locator("#intake-form button[type=submit]").click()
    expect(page.locator(".flash.success")).to_contain_text("已登记")

    case = db.session.execute(db.select(Case).order_by(Case.id.desc())).scalars().first()
    case_id, case_no, files = case.id, case.case_no, db.session.execute(db.select(Attachment.filename).where(
        Attachment.case_id == case.id)).scalars().all()
    db.session.rollback()      # SQLite: hold no transaction while the server writes
    assert files == ["路灯.png"]
    page.goto(f"/cases/{case_id}")
    summary = page.locator("main")
    expect(summary).to_contain_text("市政管理 › 路灯照明")
    expect(summary).to_contain_text("西山区 › 青松镇")
    expect(summary.locator(".badge.urgency").first).to_have_text("紧急")
    page.goto("/inbox")                                              # triage: dispatch it
    page.get_by_role("link", name="村口路灯不亮").first.click()
    page.select_option("#f-decision", "dispatch")
    with page.expect_navigation():
        page.locator("#task-form button[type=submit]").click()
    logout(page)

    login(page, "dispatcher")
    page.goto("/dispatch")
    row = page.locator("#dispatch-queue tr", has_text=case_no)
    expect(row.locator(".badge.urgency")).to_have_text("紧急")
    expect(row.locator(".proposal")).to_contain_text("青松镇")            # the matter's rule: the street leads
    row.get_by_role("link", name="办理").click()
    expect(page.locator("#catalogue-proposal")).to_contain_text("属地")
    expect(page.locator("#f-lead_department_id option:checked")).to_have_text("　　青松镇")
    shot(page, "intake-dispatch-proposal")
