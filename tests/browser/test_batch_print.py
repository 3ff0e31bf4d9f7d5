"""Batch print from the combined query in the browser: a case without the document does not spoil
the batch; the new tab lists it with the reason and prints the others."""
from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import Page, expect

from engine.db import db
from tests.browser.conftest import login, shot
from tests.factories import open_case, to_handling

pytestmark = pytest.mark.browser


def test_batch_print_skips_a_case_without_the_document(page: Page, actor, dept):
    dispatched = to_handling(actor, dept, lead="xs_xs", title="路灯不亮")
    waiting = open_case(actor("agent"), title="尚未派单的工单")
    numbers = dispatched.case_no, waiting.case_no
    db.session.rollback()

    login(page, "dispatcher")
    page.goto("/query")
    for number in numbers:
        page.locator(f'input[name=case_id][aria-label="{number}"]').check()
    page.select_option("#batch-print select[name=kind]", "transfer-slip")
    with page.context.expect_page() as opened:
        page.locator("#batch-print button[type=submit]").click()
    plan = opened.value
    plan.wait_for_load_state()
    expect(plan.locator("#print-plan")).to_contain_text("所选工单中有 1 件有此公文")
    skipped = plan.locator("#skipped tr[data-case]")
    expect(skipped).to_have_count(1)
    expect(skipped).to_contain_text(numbers[1])
    expect(skipped).to_contain_text("尚未派单")
    shot(plan, "batch-print-plan")
    form = plan.evaluate("() => [...new FormData(document.querySelector('#print-plan form'))]")
    with plan.expect_response(lambda r: r.url.endswith("/print/batch") and r.request.method == "POST") as answer:
        plan.locator("#print-the-rest").click()
    assert (answer.value.status, answer.value.headers["content-type"]) == (200, "application/pdf")
    # Chromium's PDF viewer keeps the bytes of a shown PDF to itself: the same form, posted once more
    pdf = plan.request.post("/print/batch", data=_urlencoded(form),
                            headers={"Content-Type": "application/x-www-form-urlencoded"}).body()
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert pdf.startswith(b"%PDF") and numbers[0] in text and numbers[1] not in text


def _urlencoded(pairs: list) -> str:
    from urllib.parse import urlencode
    return urlencode([tuple(pair) for pair in pairs])
