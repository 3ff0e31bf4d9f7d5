"""The co-department picker in the browser: typing filters the tree (parents kept for context),
the chosen departments stay in sight as removable chips, the lead cannot also co-handle, and the
dispatch carries exactly the chips shown."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from engine.cases import actions
from engine.db import db
from engine.models import Case, CaseDepartment, WorkItem
from tests.browser.conftest import login, shot
from tests.factories import open_case

pytestmark = pytest.mark.browser


def _dispatch_item(actor) -> tuple[int, int]:
    case = open_case(actor("agent"), title="餐馆油烟扰民", content="楼下餐馆油烟直排。")
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    found = db.session.execute(db.select(WorkItem.id).where(
        WorkItem.case_id == case.id, WorkItem.form_key == "dispatch", WorkItem.state == "open")).scalar_one(), case.id
    db.session.rollback()      # SQLite: hold no transaction (nor touch expired rows) while the server writes
    return found


# Long because it is one dispatcher's pass through the picker on one page, each step checked.
def test_the_dispatcher_finds_chooses_and_keeps_co_departments_in_sight(page: Page, actor, dept):
    cgj, scj = dept("cgj"), dept("scj")
    item_id, case_id = _dispatch_item(actor)
    login(page, "dispatcher")
    page.goto(f"/work-items/{item_id}")
    picker = page.locator('[data-field="co_department_ids"]')
    tree = picker.locator(".tree")
    expect(picker.locator(".chosen")).to_have_text("尚未选择")

    picker.locator(".picker-filter").fill("新苑")                 # a community: its street and district stay
    visible = [t.strip() for t in tree.locator("label:visible").all_inner_texts()]
    assert visible == ["东湖区", "湖滨街道", "湖滨街道新苑社区"]
    picker.locator(".picker-filter").fill("sthj")                  # a code works too
    assert [t.strip() for t in tree.locator("label:visible").all_inner_texts()] == ["市生态环境局"]
    tree.get_by_label("市生态环境局").check()
    picker.locator(".picker-filter").fill("不存在的单位")
    expect(picker.locator(".no-match")).to_be_visible()
    picker.locator(".picker-filter").fill("")
    tree.get_by_label("市城市管理局").check()
    tree.evaluate("t => t.scrollTop = 0")                          # the choices scrolled out of the tree's view…
    chips = picker.locator(".chosen .chip")
    expect(chips).to_have_count(2)                                 # …are still in sight above it
    expect(chips.nth(0)).to_contain_text("市生态环境局")

    page.select_option("#f-mode", "transfer")
    page.select_option("#f-lead_department_id", str(cgj))  # the lead leaves the co-departments
    expect(tree.get_by_label("市城市管理局")).to_be_disabled()
    expect(tree.get_by_label("市城市管理局")).not_to_be_checked()
    expect(chips).to_have_count(1)
    tree.get_by_label("市市场监督管理局").check()
    chips.filter(has_text="市生态环境局").get_by_role("button").click()   # removed from its chip
    expect(tree.get_by_label("市生态环境局")).not_to_be_checked()
    expect(chips).to_have_count(1)
    shot(page, "co-picker")
    with page.expect_navigation():
        page.locator("#task-form button[type=submit]").click()
    expect(page.locator(".flash.success")).to_be_visible()
    co = db.session.execute(db.select(CaseDepartment.department_id).where(
        CaseDepartment.case_id == case_id, CaseDepartment.role == "co")).scalars().all()
    lead = db.session.get(Case, case_id, populate_existing=True).lead_department_id
    db.session.rollback()
    assert (lead, co) == (cgj, [scj])
