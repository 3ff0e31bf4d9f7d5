"""责任追究 and 首问 pages: the records list by scope and filters, a record's evidence and its decision
(422 without a reason, 409 the second time, 403 out of scope), the monthly report and its Excel
with the same numbers, and the first contact's own list."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from engine import accountability
from engine.cases import actions
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.engine.deadlines.test_deadlines import at, clock  # noqa: F401  (fixture)
from tests.engine.deadlines.test_time_limit_rules import consult, replied


def _violations(actor, dept, clock):
    """Two records in October 2026: xs_xs's handler overdue, the center's dispatcher told late."""
    overdue = consult(actor, dept, clock)
    late = replied(actor, dept, clock)
    clock.at = at(2026, 10, 9, 9)
    actions.review(case_id=late.id, actor=actor("dispatcher"), passed=True)
    clock.at = at(2026, 10, 9, 10)
    accountability.detection.find()
    return overdue, late


def rows(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<tr data-record="(\d+)" data-rule="([a-z_]+)">', page)


def test_leaders_list_records_by_scope_and_filter(signin, actor, dept, clock):
    _violations(actor, dept, clock)
    leader = signin("leader")
    res = leader.get("/accountability")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "责任追究" in page and "statistics-nav" in page
    assert sorted(rule for _, rule in rows(page)) == ["delivered_late", "overdue_no_extension"]
    assert "超期未及时申请延期" in page and "未决定" in page
    only = leader.get("/accountability?rule=delivered_late&month=2026-10&decided=no").get_data(as_text=True)
    assert [rule for _, rule in rows(only)] == ["delivered_late"]
    assert rows(leader.get("/accountability?month=2026-11").get_data(as_text=True)) == []
    assert leader.get("/accountability?month=2026-13").status_code == 422
    district = signin("xs_leader").get("/accountability").get_data(as_text=True)
    assert [rule for _, rule in rows(district)] == ["overdue_no_extension"]
    assert rows(signin("jtj_leader").get("/accountability").get_data(as_text=True)) == []
    assert signin("agent").get("/accountability").status_code == 403


def test_a_record_shows_its_evidence_and_takes_one_decision(signin, actor, dept, clock):
    overdue, _late = _violations(actor, dept, clock)
    leader = signin("leader")
    [(record, _)] = rows(leader.get("/accountability?rule=overdue_no_extension").get_data(as_text=True))
    page = leader.get(f"/accountability/{record}").get_data(as_text=True)
    assert overdue.case_no in page and 'data-action="sign_for"' in page and "西山街道经办人" in page
    assert "2026-10-08 17:30" in page and "批评教育" in page and "通报批评" in page
    token = csrf(leader, f"/accountability/{record}")
    res = leader.post(f"/accountability/{record}/decision", data={"decision": "批评教育", "reason": "", "csrf_token": token})
    assert res.status_code == 422 and "理由" in res.get_data(as_text=True)
    outsider = signin("jtj_leader")
    assert outsider.get(f"/accountability/{record}").status_code == 403
    res = outsider.post(f"/accountability/{record}/decision",
                        data={"decision": "批评教育", "reason": "x", "csrf_token": csrf(outsider, "/inbox")})
    assert res.status_code == 403
    district = signin("xs_leader")
    res = district.post(f"/accountability/{record}/decision",
                        data={"decision": "书面检查", "reason": "首次超期，限期整改", "csrf_token": csrf(district, f"/accountability/{record}")})
    assert res.status_code == 302
    page = district.get(f"/accountability/{record}").get_data(as_text=True)
    assert "书面检查" in page and "首次超期，限期整改" in page and 'id="decision-form"' not in page
    res = leader.post(f"/accountability/{record}/decision", data={"decision": "通报批评", "reason": "再议", "csrf_token": token})
    assert res.status_code == 409
    assert leader.post(f"/accountability/{record}/decision", data={"decision": "通报批评", "reason": "x"}).status_code == 400


def _table(page: str) -> list[list[str]]:
    body = page.split('id="monthly"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<t[dh]>([^<]*)</t[dh]>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def test_the_monthly_report_counts_per_department_and_its_excel_agrees(signin, actor, dept, clock):
    _violations(actor, dept, clock)
    [record] = [r for r in accountability.records.listing(actor("leader"), accountability.Filters()).items
                if r["rule"] == "delivered_late"]
    accountability.decide(actor=actor("leader"), record_id=record["id"], decision="不予追究", reason="节后首日系统故障")
    leader = signin("leader")
    table = _table(leader.get("/accountability/monthly?month=2026-10").get_data(as_text=True))
    header, *body = table
    assert header == ["单位", "超期未及时申请延期", "超期后才告知延期", "办结后未在1个工作日内送达", "派单错误退回超限",
                      "批评教育", "诫勉谈话", "书面检查", "通报批评", "不予追究", "未决定", "合计"]
    assert body == [["12345 市民服务热线中心", "0", "0", "1", "0", "0", "0", "0", "0", "1", "0", "1"],
                    ["西山街道", "1", "0", "0", "0", "0", "0", "0", "0", "0", "1", "1"],
                    ["全部单位", "1", "0", "1", "0", "0", "0", "0", "0", "1", "1", "2"]]
    sheet = load_workbook(io.BytesIO(leader.get("/accountability/monthly.xlsx?month=2026-10").data)).active
    cells = [[str(c) for c in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert cells == table
    empty = _table(leader.get("/accountability/monthly?month=2026-11").get_data(as_text=True))
    assert empty[1:] == [["全部单位"] + ["0"] * 11]
    district = _table(signin("xs_leader").get("/accountability/monthly?month=2026-10").get_data(as_text=True))
    assert [row[0] for row in district[1:]] == ["西山街道", "全部单位"]


def test_the_first_contact_sees_their_cases_and_is_named_on_the_case(signin, actor, dept, clock):
    overdue, late = _violations(actor, dept, clock)
    agent = signin("agent")
    page = agent.get("/cases/first-contact").get_data(as_text=True)
    assert f'href="/cases/{overdue.id}"' in page and f'href="/cases/{late.id}"' in page and "我的首问工单" in page
    closed = agent.get("/cases/first-contact?state=closed").get_data(as_text=True)
    assert overdue.case_no not in closed
    case_page = agent.get(f"/cases/{overdue.id}").get_data(as_text=True)
    assert re.search(r'id="first-contact">话务员 王芳<', case_page)
