"""The combined query page and its Excel export through the Flask test client."""
from __future__ import annotations

import io
from datetime import timezone
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from engine.cases import actions
from engine.deadlines.workdays import TZ
from tests.api.test_pages import _fresh_limits, signin  # noqa: F401  (fixtures)
from tests.factories import INTAKE, to_handling

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def three(actor, dept):
    """A street-led complaint, a bureau-led report with a co-department, a confidential district case."""
    return (to_handling(actor, dept, lead="xs_xs"),
            to_handling(actor, dept, lead="zjj", co=("cgj",), category="report", phone="13900139000"),
            to_handling(actor, dept, lead="dh_xh", confidential=True, phone="13700137000"))


def test_the_dispatcher_filters_and_sees_everything(signin, three, dept):
    street, bureau, district = three
    dispatcher = signin("dispatcher")
    page = dispatcher.get("/query").get_data(as_text=True)
    assert all(c.case_no in page for c in three) and "共 3 件" in page and "综合查询</a>" in page
    page = dispatcher.get(f"/query?category=report&co_department_id={dept('cgj')}").get_data(as_text=True)
    assert bureau.case_no in page and street.case_no not in page and "市城市管理局" in page
    assert "13900139000" in page                                               # the dispatcher calls citizens
    page = dispatcher.get(f"/query?lead_department_id={dept('dh_xh')}&reply_status=open").get_data(as_text=True)
    assert district.case_no in page and bureau.case_no not in page


def test_a_department_handler_sees_only_its_subtree(signin, three):
    street, bureau, district = three
    page = signin("xs_handler").get("/query").get_data(as_text=True)
    assert street.case_no in page and bureau.case_no not in page and district.case_no not in page
    page = signin("cgj_handler").get("/query").get_data(as_text=True)          # co-department of the bureau case
    assert bureau.case_no in page and street.case_no not in page
    export = _sheet(signin("xs_handler").get("/query/export.xlsx"))
    assert [row[0] for row in export[1:]] == [street.case_no]


def test_personal_data_is_masked_for_the_designer(signin, three):
    page = signin("designer").get("/query").get_data(as_text=True)
    assert "138****8000" in page and "13800138000" not in page and "张*" in page
    rows = _sheet(signin("designer").get("/query/export.xlsx"))
    assert "138****8000" in {r["联系电话"] for r in _records(rows)} and not any("13800138000" in str(r) for r in rows)
    confidential = signin("dh_handler").get("/query").get_data(as_text=True)   # its own case, but confidential
    assert three[2].case_no in confidential and "137****7000" in confidential


def test_a_bad_filter_is_named(signin):
    res = signin("dispatcher").get("/query?colour=blue&registered_from=someday")
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and "colour" in page and "registered_from" in page
    assert signin("dispatcher").get("/query/export.xlsx?colour=blue").status_code == 422


def test_export_is_a_real_workbook_of_the_whole_result(signin, three, dept):
    res = signin("dispatcher").get("/query/export.xlsx?sort=case_no&page_size=30&page=2")   # paging ignored
    assert res.status_code == 200 and res.headers["Content-Type"] == XLSX
    disposition = res.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and 'filename="query_' in disposition
    assert "综合查询_" in unquote(disposition) and disposition.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(res.data)).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold and sheet.column_dimensions["E"].width >= 30
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:4] == ["工单编号", "登记时间", "来源渠道", "诉求类型"] and "主办单位" in rows[0]
    assert [r[0] for r in rows[1:]] == sorted(c.case_no for c in three)
    street = next(r for r in rows[1:] if r[0] == three[0].case_no)
    local = three[0].created_at.replace(tzinfo=timezone.utc).astimezone(TZ).replace(tzinfo=None, second=0,
                                                                                    microsecond=0)
    assert street[1].replace(second=0, microsecond=0) == local                # a date-time in Asia/Shanghai
    street = dict(zip(rows[0], street))
    assert (street["来源渠道"], street["诉求类型"], street["主办单位"], street["答复状态"]) == ("电话", "投诉", "西山街道", "未答复")
    bureau = next(r for r in _records(rows) if r["工单编号"] == three[1].case_no)
    assert bureau["协办单位"] == "市城市管理局" and bureau["派单方式"] == "转送"
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(rows[0]))}4"   # filter buttons over the rows


def test_export_is_cut_at_the_limit_with_a_note(app, signin, three, monkeypatch):
    monkeypatch.setitem(app.config, "QUERY_EXPORT_LIMIT", 2)
    res = signin("dispatcher").get("/query/export.xlsx")
    rows = _sheet(res)
    assert res.headers["X-Export-Rows"] == "2" and len([r for r in rows[1:] if r[0] and r[0].startswith("GD")]) == 2
    assert "仅导出前 2 条" in rows[-1][0]


def test_export_carries_what_was_asked_and_answered(actor, signin, three):
    closed = three[0]
    actions.reply(case_id=closed.id, actor=actor("xs_xs_handler"), result="explained", reply_text="已向市民解释政策。")
    actions.review(case_id=closed.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=closed.id, actor=actor("visitor"), satisfaction="basically_satisfied", resolved=True)
    rows = _records(_sheet(signin("dispatcher").get("/query/export.xlsx")))
    done = next(r for r in rows if r["工单编号"] == closed.case_no)
    assert (done["诉求内容"], done["办理结果"], done["答复内容"], done["满意度"]) == (
        INTAKE["content"], "已解释说明", "已向市民解释政策。", "基本满意")
    waiting = next(r for r in rows if r["工单编号"] == three[1].case_no)
    assert (waiting["办理结果"], waiting["答复内容"], waiting["满意度"]) == (None, None, None)


def test_a_from_date_after_the_to_date_is_refused(signin):
    res = signin("dispatcher").get("/query?registered_from=2026-12-06&registered_to=2026-12-01")
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and "登记日期至：不得早于开始日期" in page
    assert signin("dispatcher").get("/query/export.xlsx?registered_from=2026-12-06&registered_to=2026-12-01"
                                    ).status_code == 422
    assert signin("dispatcher").get("/query?registered_from=2026-12-06&registered_to=2026-12-06").status_code == 200


def test_a_page_past_the_end_shows_the_last_page(signin, three):
    res = signin("dispatcher").get("/query?page_size=30&page=9&category=complaint")
    target = parse_qs(urlsplit(res.headers["Location"]).query)
    assert res.status_code == 302 and target == {"page_size": ["30"], "page": ["1"], "category": ["complaint"]}
    assert signin("dispatcher").get("/query?page=1").status_code == 200


def _records(rows: list[list]) -> list[dict]:
    """Sheet rows as {header: value} (cases only, not the note under a cut export)."""
    return [dict(zip(rows[0], r)) for r in rows[1:] if r[0] and str(r[0]).startswith("GD")]


def _sheet(res) -> list[list]:
    assert res.status_code == 200, res.data[:300]
    return [list(r) for r in load_workbook(io.BytesIO(res.data)).active.iter_rows(values_only=True)]


def test_immediate_and_committed_cases_are_named_and_filtered(actor, signin, three):
    """即办件 / 承诺件 (Article 5): a filter, a badge on each row and a column of the export."""
    from engine.cases import actions
    from tests.factories import open_case
    answered = open_case(actor("agent"), category="consult", title="办事时间咨询")
    actions.triage(case_id=answered.id, actor=actor("agent"), decision="direct_answer", answer="工作日办理。")
    page = signin("dispatcher").get("/query?handling_kind=immediate").get_data(as_text=True)
    assert answered.case_no in page and "即办件" in page and not any(c.case_no in page for c in three)
    page = signin("dispatcher").get("/query?handling_kind=committed").get_data(as_text=True)
    assert answered.case_no not in page and all(c.case_no in page for c in three) and "承诺件" in page
    res = signin("dispatcher").get("/query?handling_kind=later")
    assert res.status_code == 422 and "办件类型" in res.get_data(as_text=True)
    rows = _records(_sheet(signin("dispatcher").get("/query/export.xlsx")))
    kinds = {r["工单编号"]: r["办件类型"] for r in rows if r["工单编号"]}
    assert kinds[answered.case_no] == "即办件" and kinds[three[0].case_no] == "承诺件"


def test_a_count_past_the_cap_says_more_than_and_still_lists_the_rows(signin, three, monkeypatch):
    """The page counts at most COUNT_CAP matches (a district's open cases run to 100,000s)."""
    monkeypatch.setattr("api.pages.cases.query.COUNT_CAP", 2)
    page = signin("dispatcher").get("/query").get_data(as_text=True)
    assert "超过 2 件" in page and "共 3 件" not in page and all(c.case_no in page for c in three)
    monkeypatch.setattr("api.pages.cases.query.COUNT_CAP", 3)
    assert "共 3 件" in signin("dispatcher").get("/query").get_data(as_text=True)
