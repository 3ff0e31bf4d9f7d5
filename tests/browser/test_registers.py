"""The center director's time-limit registers in the browser: from 领导审批 to the natural-completion
register, one entry filed with a note (it moves to 已备案), then the overtime register and its
Excel download."""
from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from engine.db import db
from tests.api.test_registers import declared, delivered_late, extension_asked_late, late_reply
from tests.browser.conftest import login, shot
from tests.engine.deadlines.test_deadlines import at, clock  # noqa: F401  (fixture)

pytestmark = pytest.mark.browser


def _registers(actor, dept, clock) -> dict[str, str]:
    """Two natural completions and three missed limits, made through the services."""
    made = {"natural": declared(actor, dept, clock, "xs_xs", "低保申请材料未补正", at(2026, 9, 30, 10), "no_materials"),
            "other": declared(actor, dept, clock, "dh_hb", "检测费用未交纳", at(2026, 10, 8, 16), "no_fees"),
            "late": late_reply(actor, dept, clock, "xs_qs", "路灯维修答复超期", report=True),
            "asked": extension_asked_late(actor, dept, clock, "dh_hb", "外墙脱落延期申请迟报"),
            "told": delivered_late(actor, dept, clock, "dh_xh", "噪音投诉结果告知迟延")}
    numbers = {key: case.case_no for key, case in made.items()}
    db.session.commit()
    db.session.rollback()      # SQLite: hold no transaction while the server writes
    return numbers


def _save(page: Page, name: str) -> None:
    """The screenshot in test-artifacts/screenshots, for a look after the run."""
    shot(page, name)


def test_the_director_files_a_natural_completion_and_downloads_the_overtime_register(page: Page, actor, dept,
                                                                                      clock, tmp_path):
    numbers = _registers(actor, dept, clock)
    login(page, "leader")
    page.goto("/approvals")
    expect(page.locator("#natural-to-file")).to_contain_text("有 2 件自然办结报备等待备案")
    _save(page, "registers_approvals")
    page.locator("#natural-to-file a").click()
    page.wait_for_url(re.compile(r"/registers/natural-completions\?state=pending$"))
    _file_one(page, numbers["natural"])
    page.locator(".register-tabs a", has_text="超时办结登记").click()
    page.wait_for_url("**/registers/overtime")
    _overtime_and_download(page, numbers, tmp_path)


def _file_one(page: Page, case_no: str) -> None:
    """From the pending list to all, a note, 备案: the row says 已备案 with the note and who filed it."""
    row = page.locator("#natural-register tr[data-natural]").filter(has_text=case_no)
    expect(row).to_contain_text("申请人未按告知补正材料或整改")
    expect(row).to_contain_text("待备案")
    page.locator("#natural-states a[data-state=all]").click()
    row = page.locator("#natural-register tr[data-natural]").filter(has_text=case_no)
    row.locator("input[name=note]").fill("已核实告知记录，同意备案")
    _save(page, "registers_natural_before")
    with page.expect_navigation():
        row.get_by_role("button", name="备案").click()
    expect(page.locator(".flash.success")).to_contain_text(f"工单 {case_no} 的自然办结已备案")
    row = page.locator("#natural-register tr[data-natural]").filter(has_text=case_no)
    expect(row).to_have_attribute("data-state", "filed")
    for text in ("已备案", "已核实告知记录，同意备案", "中心领导 周建国"):
        expect(row.locator("td.note")).to_contain_text(text)
    expect(page.locator("#natural-states a[data-state=pending] .count")).to_have_text("1")
    _save(page, "registers_natural_filed")


def _overtime_and_download(page: Page, numbers: dict[str, str], tmp_path) -> None:
    """Three missed limits; filtered to those whose report is owed; the Excel has those two."""
    table = page.locator("#overtime-register")
    expect(table.locator("tr[data-deadline]")).to_have_count(3)
    expect(table.locator("tr", has_text=numbers["asked"])).to_contain_text("超过承诺时限才提出延期申请")
    expect(table.locator("tr", has_text=numbers["asked"])).to_contain_text("报告待补")
    expect(table.locator("tr", has_text=numbers["late"])).to_contain_text("现场核查耗时较长")
    _save(page, "registers_overtime")
    page.select_option("select[name=report]", "no")
    with page.expect_navigation():
        page.locator("#overtime-filters button[type=submit]").click()
    expect(table.locator("tr[data-deadline]")).to_have_count(2)
    _save(page, "registers_overtime_owed")
    with page.expect_download() as download:
        page.locator("#export").click()
    assert download.value.suggested_filename.startswith("超时办结登记_")
    path = tmp_path / "register.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "工单编号" and {r[0] for r in rows[1:]} == {numbers["asked"], numbers["told"]}
    assert all(r[6] == "报告待补" for r in rows[1:])
