"""One complaint from intake to archive, through the pages only: each step is done by the user
whose job it is, signed in on /login, finding the work in the inbox and answering the task form.

Path: agent registers and triages → dispatcher transfers to 市市场监督管理局 → its handler returns
it → dispatcher approves the return → dispatcher dispatches again to 湖滨街道 (lead) with 市住建局
(co) → 湖滨街道 signs for it → asks 3 more working days → the center leader approves → the
supervisor urges → 湖滨街道 answers the urge → 市住建局 gives its co-handling opinion → 湖滨街道
replies → the center review passes → the visitor records a satisfied visit → 已办结.

Screenshots of the main pages land in test-artifacts/screenshots/; each of those pages must fit
1366×768 without horizontal scrolling.
"""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import VIEWPORT, login, logout, scroll_width, shot

pytestmark = pytest.mark.browser

TITLE = "夜间施工噪音扰民"


class Walk:
    """What a user does on the pages, step by step; remembers the page widths it saw."""

    def __init__(self, page: Page):
        self.page = page
        self.widths: dict[str, int] = {}
        self.case_no = ""

    def as_user(self, username: str) -> None:
        if "/login" not in self.page.url and self.page.url != "about:blank":
            logout(self.page)
        login(self.page, username)

    def keep(self, name: str) -> None:
        """Screenshot and page width of a main page."""
        shot(self.page, name)
        self.widths[name] = scroll_width(self.page)

    def open_item(self, task: str) -> None:
        """From the inbox: the row of this case and task, then 办理 (Open)."""
        page = self.page
        page.get_by_role("navigation").get_by_role("link", name="待办").click()
        page.wait_for_url("**/inbox")
        row = (page.locator("#inbox tr[data-item]").filter(has_text=self.case_no)
               .filter(has=page.locator("td:nth-child(5)", has_text=re.compile(rf"^\s*{re.escape(task)}\s*$"))))
        expect(row).to_have_count(1)
        row.get_by_role("link", name="办理", exact=True).click()
        page.wait_for_url(re.compile(r"/work-items/\d+(\?next=.*)?$"))
        expect(page.locator("h1")).to_contain_text(task)
        expect(page.locator("h1 small")).to_have_text(self.case_no)

    def submit(self, step: str) -> None:
        """Submit the task form; the inbox says it is done."""
        page = self.page
        shot(page, step)
        with page.expect_navigation():
            page.locator("#task-form button[type=submit]").click()
        if not page.url.endswith("/inbox"):
            pytest.fail(f"{step}: the form was refused: {page.locator('.error, .flash').all_inner_texts()}")
        expect(page.locator(".flash.success")).to_contain_text(self.case_no)

    def choose_department(self, select: str, name: str) -> None:
        """Pick a department in a tree-ordered select by its name (options are indented)."""
        option = self.page.locator(f"{select} option").filter(has_text=re.compile(rf"^\s*{re.escape(name)}$"))
        self.page.select_option(select, value=option.get_attribute("value"))

    def co_department(self, name: str) -> None:
        self.page.locator("#f-co_department_ids label").filter(
            has_text=re.compile(rf"^\s*{re.escape(name)}$")).locator("input").check()

    def due(self) -> str:
        """The case's due date as the summary shows it ("YYYY-MM-DD HH:MM")."""
        text = self.page.locator("dl.facts dt", has_text="办理时限").first.locator("xpath=following-sibling::dd[1]")
        return re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", text.inner_text()).group(0)

    def yes(self, field: str) -> None:
        self.page.locator(f"#f-{field} input[value=true]").check()


# Long because it is one case walked from intake to archive by each role in turn in one browser,
# each step needing the state the last one left; its steps are the Walk helper's methods.
def test_a_complaint_from_intake_to_archive(page: Page):
    walk = Walk(page)

    # The sign-in page.
    page.goto("/")
    page.wait_for_url("**/login")
    walk.keep("01-login")

    # 1. The agent registers the complaint and triages it for dispatch.
    walk.as_user("agent")
    page.get_by_role("navigation").get_by_role("link", name="受理登记").click()
    page.wait_for_url("**/cases/new")
    page.select_option("#f-category", "complaint")
    page.select_option("#f-channel", "phone")
    page.fill("#f-citizen_name", "陈女士")
    page.fill("#f-phone", "13912345678")
    page.fill("#f-title", TITLE)
    page.fill("#f-content", "湖滨街道新苑小区旁工地每晚十一点后仍在施工，噪音严重影响休息，请求查处。")
    page.fill("#f-address", "东湖区湖滨街道新苑小区东侧工地")
    walk.keep("02-new-case")
    page.locator("#intake-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/work-items/\d+(\?next=.*)?$"))
    expect(page.locator(".flash.success")).to_be_visible()
    walk.case_no = page.locator("h1 small").inner_text().strip()
    assert re.fullmatch(r"\S+", walk.case_no)
    expect(page.locator("h1")).to_contain_text("分类处置")
    expect(page.locator("[data-field=answer]")).to_be_hidden()      # only for a direct answer
    page.select_option("#f-decision", "dispatch")
    walk.submit("03-triage")

    # 2. The dispatcher transfers it to 市市场监督管理局.
    walk.as_user("dispatcher")
    walk.keep("04-inbox")
    walk.open_item("派单")
    page.select_option("#f-mode", "transfer")
    walk.choose_department("#f-lead_department_id", "市市场监督管理局")
    page.fill("#f-opinion", "请核查施工噪音问题。")
    walk.keep("05-task-form-dispatch")
    walk.submit("05-dispatch")

    # 3. 市市场监督管理局 returns it: not its business.
    walk.as_user("scj_handler")
    walk.open_item("签收")
    expect(page.locator("[data-field=reason]")).to_be_hidden()
    page.select_option("#f-decision", "return")
    expect(page.locator("[data-field=reason]")).to_be_visible()
    page.fill("#f-reason", "建筑施工噪音不属于市场监管职责，请改派属地街道及住建部门。")
    walk.submit("06-return")

    # 4. The dispatcher approves the return, 5. then dispatches to 湖滨街道 with 市住建局.
    walk.as_user("dispatcher")
    walk.open_item("退回审核")
    walk.yes("return_approved")
    walk.submit("07-decide-return")
    walk.open_item("派单")
    page.select_option("#f-mode", "transfer")
    walk.choose_department("#f-lead_department_id", "湖滨街道")
    walk.co_department("市住房和城乡建设局")
    walk.submit("08-dispatch-again")

    # 6. 湖滨街道 signs for it, 7. and asks for 3 more working days.
    walk.as_user("dh_hb_handler")
    walk.open_item("签收")
    page.select_option("#f-decision", "sign")
    walk.submit("09-sign-for")
    walk.open_item("办理")
    due_before = walk.due()
    page.select_option("#f-action", "extension")
    expect(page.locator("[data-field=reply_text]")).to_be_hidden()
    page.fill("#f-extension_days", "3")
    page.fill("#f-extension_reason", "需联合住建部门夜间现场检测噪音。")
    walk.submit("10-request-extension")

    # 8. The center leader approves the extension.
    walk.as_user("leader")
    walk.open_item("延期审批")
    walk.yes("approved")
    walk.submit("11-decide-extension")

    # 9. The supervisor finds the case in the case list and urges it.
    walk.as_user("supervisor")
    page.get_by_role("navigation").get_by_role("link", name="工单查询").click()
    page.fill("input[name=case_no]", walk.case_no)
    page.locator("form.filters button[type=submit]").click()
    page.locator("#cases").get_by_role("link", name=walk.case_no).click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    assert walk.due() > due_before, "the approved extension moves the handling due date"
    page.fill("#urge-form textarea[name=opinion]", "群众反映强烈，请加快处理并及时反馈。")
    shot(page, "12-urge")
    page.locator("#urge-form button[type=submit]").click()
    expect(page.locator(".flash.success")).to_have_text("已督办。")
    expect(page.locator("#urges")).to_contain_text("群众反映强烈")

    # 10. 湖滨街道 answers the urge from its inbox.
    walk.as_user("dh_hb_handler")
    walk.open_item("督办(第1次)")
    page.fill("#f-response", "已约谈施工单位，夜间停止施工。")
    walk.submit("13-answer-urge")
    page.goto(case_url)
    expect(page.locator("#urges tr").filter(has_text="群众反映强烈")).to_contain_text("已约谈施工单位")

    # 11. 市住建局 gives its co-handling opinion.
    walk.as_user("zjj_handler")
    walk.open_item("协办意见")
    page.fill("#f-opinion", "已责令施工单位办理夜间施工许可，未经许可不得夜间施工。")
    walk.submit("14-co-opinion")

    # 12. 湖滨街道 replies.
    walk.as_user("dh_hb_handler")
    walk.open_item("办理")
    page.select_option("#f-action", "reply")
    expect(page.locator("[data-field=extension_days]")).to_be_hidden()
    page.select_option("#f-result", "resolved")
    page.fill("#f-reply_text", "经街道与住建部门联合检查，工地已停止夜间施工，噪音问题已解决。")
    walk.submit("15-reply")

    # 13. The dispatcher passes the center review.
    walk.as_user("dispatcher")
    walk.open_item("中心审核")
    walk.yes("review_passed")
    walk.submit("16-review")

    # 14. The visitor calls back: satisfied, resolved.
    walk.as_user("visitor")
    walk.open_item("回访")
    page.select_option("#f-satisfaction", "satisfied")
    walk.yes("resolved")
    page.fill("#f-note", "市民表示夜间已无施工噪音。")
    walk.submit("17-visit")

    # The case page: closed, and the timeline holds the return, the extension, the urge, the visit.
    page.goto(case_url)
    walk.keep("18-case-page")
    expect(page.locator("dl.facts dd").filter(has_text="已办结").first).to_be_visible()
    expect(page.get_by_text("本工单暂无您的待办。")).to_be_visible()
    expect(page.locator("#urge-form")).to_have_count(0)          # a closed case is not urged
    events = page.locator("#timeline li")
    expect(events.filter(has_text="签收 → 退回审核")).to_contain_text("建筑施工噪音不属于市场监管职责")
    expect(events.filter(has_text="办理 → 延期审批")).to_contain_text("需联合住建部门夜间现场检测噪音")
    expect(events.filter(has_text="延期审批 → 办理").first).to_be_visible()        # approved
    moved = page.locator('#timeline li[data-action="due_changed"]')
    expect(moved).to_have_count(1)                                             # the due date moved
    expect(moved).to_contain_text("时限变更")                                  # labelled for people
    expect(moved).to_contain_text("延期：3 个工作日")
    expect(events.filter(has_text="群众反映强烈")).to_have_count(1)                # the urge
    expect(events.filter(has_text="回访 → 已办结")).to_have_count(1)               # the visit closed it

    too_wide = {name: width for name, width in walk.widths.items() if width > VIEWPORT["width"]}
    assert not too_wide, f"horizontal scrolling at 1366×768: {too_wide}"
