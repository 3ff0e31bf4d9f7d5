"""The voicemail queue in the browser: an agent plays a message, registers it as a case pre-filled
with the caller, then corrects the intake from the case page; the timeline says what changed."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from engine.db import db
from engine.telephony import calls
from tests.api.test_call_pages import recordings, wav_bytes  # noqa: F401  (fixture)
from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def test_listen_register_then_correct_the_intake(page: Page, recordings):  # noqa: F811
    calls.record(call={"call_id": "vm-browser", "outcome": "overflow", "caller": "13700002222",
                       "voicemail_path": recordings("voicemail/default/vm-browser.wav", wav_bytes(16000))})
    message = calls.get("vm-browser").id
    db.session.rollback()

    login(page, "agent")
    page.get_by_role("navigation").get_by_role("link", name="语音留言").click()
    row = page.locator(f'#voicemail-open tr[data-call="{message}"]')
    expect(row).to_contain_text("13700002222")
    row.get_by_role("link", name="登记工单").click()                 # not heard yet: sent back
    expect(page.locator(".flash.error")).to_contain_text("请先收听留言")
    with page.expect_response(re.compile(rf"/calls/{message}/voicemail$")):
        row.locator("audio").evaluate("a => a.play()")              # the agent listens
    page.reload()
    expect(row.locator(".heard")).to_be_visible()
    shot(page, "voicemail-queue")
    row.get_by_role("link", name="登记工单").click()
    expect(page.locator("input[name=phone]")).to_have_value("13700002222")
    page.select_option("select[name=category]", "help")
    page.fill("input[name=citizen_name]", "语音留言来电人")
    page.fill("input[name=title]", "留言反映路灯不亮")
    page.fill("textarea[name=content]", "留言称青松镇河桥村村口路灯坏了半个月。")
    with page.expect_navigation():
        page.click("#intake-form button[type=submit]")
    expect(page.locator(".flash.success")).to_contain_text("已登记")

    page.get_by_role("link", name=re.compile("查看工单详情")).click()
    page.click("#edit-intake")
    page.fill("input[name=citizen_name]", "周大爷")
    page.fill("#f-reason", "回拨核实后补全姓名")
    with page.expect_navigation():
        page.click("#intake-edit-form button[type=submit]")
    edited = page.locator('#timeline li[data-action="intake_edited"]')
    expect(edited).to_contain_text("语音留言来电人 → 周大爷")
    expect(edited).to_contain_text("原因：回拨核实后补全姓名")
    shot(page, "intake-corrected")
    page.goto("/voicemail")
    expect(page.locator("#voicemail-open")).to_contain_text("没有待处理的留言")


def test_the_attachment_picker_speaks_chinese_and_uploads(page: Page, actor):
    from tests.factories import open_case
    case_id = open_case(actor("agent")).id
    db.session.rollback()
    login(page, "agent")
    page.goto(f"/cases/{case_id}")
    form = page.locator("#attach-form")
    expect(form).to_contain_text("选择文件")
    expect(form).to_contain_text("未选择文件")
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "现场照片说明.txt", "mimeType": "text/plain", "buffer": "路灯位置：村口东侧".encode()}])
    expect(page.locator("#attach-name")).to_have_text("现场照片说明.txt")
    with page.expect_navigation():
        form.get_by_role("button", name="上传").click()
    expect(page.locator("main")).to_contain_text("现场照片说明.txt")
