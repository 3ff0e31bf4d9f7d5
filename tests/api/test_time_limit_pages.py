"""Seed 5's time-limit rules as the handler and the admin meet them on their pages."""
from __future__ import annotations

from engine.cases import actions
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.api.test_task_pages import facts, item_of
from tests.engine.deadlines.test_deadlines import at, clock  # noqa: F401  (fixture)
from tests.engine.deadlines.test_time_limit_rules import consult


def test_the_handler_sees_the_window_and_a_late_natural_completion_is_refused_in_chinese(
        signin, actor, dept, clock):
    case = consult(actor, dept, clock)
    handler = signin("xs_xs_handler")
    item = item_of(case.id, "handle")
    clock.at = at(2026, 10, 9, 9)
    page = handler.get(f"/work-items/{item}").get_data(as_text=True)
    assert "可作出自然办结的时间" in facts(handler, item) and "已不能作出：办理时限已于 2026-10-08 17:30 届满" in page
    clock.at = at(2026, 9, 29, 9)
    assert "2026-09-30 起至 2026-10-08 17:30" in facts(handler, item)
    clock.at = at(2026, 10, 9, 9)
    assert "申请人未按规定时间交纳有关费用" in page                       # the four reasons are a choice
    res = handler.post(f"/work-items/{item}", data={
        "csrf_token": csrf(handler), "action": "natural_completion", "natural_reason": "no_fees",
        "reply_text": "逾期未缴费。"})
    text = res.get_data(as_text=True)
    assert res.status_code == 409 and "不能再作出自然办结决定" in text and "2026-10-08 17:30" in text
    assert "逾期未缴费。" in text                                         # what was typed is kept


def test_the_review_shows_why_the_case_completed_naturally(signin, actor, dept, clock):
    case = consult(actor, dept, clock)
    clock.at = at(2026, 10, 8, 9)
    actions._act("handle", case.id, actor("xs_xs_handler"), {
        "action": "natural_completion", "natural_reason": "no_inspection", "reply_text": "未配合现场勘测。"})
    shown = facts(signin("dispatcher"), item_of(case.id, "review"))
    assert "自然办结原因" in shown and "不予配合" in shown and "未配合现场勘测。" in shown


def test_the_admin_edits_a_notice_and_is_told_which_placeholder_is_wrong(signin):
    admin = signin("admin")
    page = admin.get("/admin/parameters").get_data(as_text=True)
    assert "告知市民短信：批准延期" in page and "{due_date}" in page and "<textarea" in page
    res = admin.post("/admin/parameters/notice.extension", data={
        "csrf_token": csrf(admin), "value": "延期至{due}", "reason": "改措辞"})
    text = res.get_data(as_text=True)
    assert res.status_code == 422 and "不认识的占位符 {due}" in text and "延期至{due}" in text
    res = admin.post("/admin/parameters/notice.extension", data={
        "csrf_token": csrf(admin), "value": "工单{case_no}已延期{days}个工作日。", "reason": "改措辞"})
    assert res.status_code == 302
    assert "工单{case_no}已延期{days}个工作日。" in admin.get("/admin/parameters").get_data(as_text=True)
