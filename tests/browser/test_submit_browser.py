"""A citizen on a phone (390 px wide): the web form with a photo and the phone's location, the SMS
code, the receipt with the query code, then the public lookup finds the case."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine.db import db
from engine.models import Case, Notification
from tests.browser.conftest import scroll_width, shot

pytestmark = pytest.mark.browser
PHONE = "13566667777"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PHONE_SIZE = {"width": 390, "height": 844}


def code_from_outbox() -> str:
    """The code in the verification SMS the outbox holds for the phone (what the citizen reads)."""
    body = db.session.scalars(select(Notification.body).where(Notification.kind == "verification",
                                                              Notification.recipient == PHONE)
                              .order_by(Notification.id.desc())).first()
    db.session.rollback()      # SQLite: hold no transaction while the server writes
    return re.search(r"验证码是(\d{6})", body).group(1)


# Long because it is one citizen's way from the empty form to the public lookup, step by step.
def test_a_citizen_sends_a_request_from_a_phone_and_looks_it_up(page: Page, tmp_path):
    photo = tmp_path / "井盖.jpg"
    photo.write_bytes(JPEG)
    page.set_viewport_size(PHONE_SIZE)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 31.2304, "longitude": 121.4737})
    page.goto("/submit")
    expect(page.locator("h1")).to_have_text("网上反映诉求")
    page.select_option("#s-category", "report")
    page.fill("#s-content", "人行道井盖缺失，晚上很危险，请尽快处理。")
    page.fill("#s-address", "东湖区湖滨路88号门口")
    page.click("#locate")
    expect(page.locator("#s-latitude")).to_have_value("31.230400")
    expect(page.locator("#s-longitude")).to_have_value("121.473700")
    page.set_input_files("#s-photos", str(photo))
    page.fill("#s-name", "赵女士")
    page.fill("#s-phone", PHONE)
    page.click("#send-code")
    expect(page.locator("#code-status")).to_have_text("验证码已通过短信发送到您的手机。")
    expect(page.locator("#send-code")).to_be_disabled()               # no second code for a minute
    page.fill("#s-code", code_from_outbox())
    assert scroll_width(page) <= PHONE_SIZE["width"]                  # nothing sticks out sideways
    shot(page, "submit-form-390")
    with page.expect_navigation():
        page.click("#submit-request")

    expect(page.locator("#submit-done h1")).to_have_text("诉求已受理")
    query_code = page.locator("#done-query-code").inner_text().strip()
    case_no = page.locator("#done-case-no").inner_text().strip()
    case = db.session.scalars(select(Case).where(Case.case_no == case_no)).one()
    facts = (case.query_code, case.channel, case.stage, case.address)
    db.session.rollback()
    assert facts == (query_code, "web", "triage", "东湖区湖滨路88号门口（定位 31.230400,121.473700）")
    assert scroll_width(page) <= PHONE_SIZE["width"]
    shot(page, "submit-done-390")

    page.click("#to-lookup")
    page.fill("input[name=query_code]", query_code)
    page.fill("input[name=phone]", PHONE)
    with page.expect_navigation():
        page.click("#lookup button[type=submit]")
    result = page.locator("#lookup-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text("12345 中心")        # waiting in triage: no department yet
    shot(page, "submit-lookup-390")


def test_an_error_keeps_what_was_typed_and_asks_for_the_photo_again(page: Page, tmp_path):
    photo = tmp_path / "a.jpg"
    photo.write_bytes(JPEG)
    page.set_viewport_size(PHONE_SIZE)
    page.goto("/submit")
    page.fill("#s-content", "噪音扰民")
    page.fill("#s-name", "钱先生")
    page.fill("#s-phone", "13500001111")
    page.set_input_files("#s-photos", str(photo))
    with page.expect_navigation():
        page.click("#submit-request")
    expect(page.locator('[data-error-of="category"]')).to_be_visible()
    expect(page.locator('[data-error-of="address"]')).to_have_text("请填写地址或使用您的位置")
    expect(page.locator('[data-error-of="code"]')).to_be_visible()
    expect(page.locator("#files-lost")).to_be_visible()
    expect(page.locator("#s-content")).to_have_value("噪音扰民")
    expect(page.locator("#s-name")).to_have_value("钱先生")
    assert scroll_width(page) <= PHONE_SIZE["width"]
