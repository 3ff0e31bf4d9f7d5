"""The charts dashboard (统计图表): its tables carry the numbers (server-side, read here), the chart
data goes as JSON for api/static/js/statistics_charts.js, a department leader sees their subtree,
and a bad period or scope is named in Chinese with a 422."""
from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone

import pytest

from engine.cases import actions
from engine.deadlines.workdays import TZ
from engine.ports import FixedClock, set_clock
from tests.api.test_pages import _fresh_limits, signin  # noqa: F401  (fixtures)
from tests.factories import open_case


def at(y, m, d, hh=10) -> datetime:
    return datetime(y, m, d, hh, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


@pytest.fixture
def cases(actor, dept):
    """Three cases in November 2026 (xs_xs, xs_qs, zjj; one in consult), one on 2025-11-03 (zjj)."""
    clock = FixedClock(at(2025, 11, 3))
    previous = set_clock(clock)
    try:
        for moment, lead, category in ((at(2025, 11, 3), "zjj", "complaint"), (at(2026, 11, 2), "xs_xs", "complaint"),
                                       (at(2026, 11, 3), "xs_qs", "consult"), (at(2026, 11, 3, 15), "zjj", "complaint")):
            clock.at = moment
            case = open_case(actor("agent"), category=category, area_id=dept("xs_xs"))
            actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
            actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer",
                             lead_department_id=dept(lead), co_department_ids=[])
    finally:
        set_clock(previous)


def table(page: str, name: str) -> list[list[str]]:
    """The cells of a dashboard table's body rows, as text."""
    body = re.search(rf'<table[^>]*id="table-{name}".*?<tbody>(.*?)</tbody>', page, re.S).group(1)
    return [[html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


def chart_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="dashboard-data">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


PERIOD = "start=2026-11-01&end=2026-11-03"


def test_the_leader_reads_every_chart_as_a_table(signin, cases, dept):
    res = signin("leader").get(f"/statistics/dashboard?{PERIOD}&grain=day")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "统计图表" in page and 'href="/statistics/dashboard" aria-current="page"' in page
    assert table(page, "trend") == [["2026-11-01", "0", "2025-11-01", "0"], ["2026-11-02", "1", "2025-11-02", "0"],
                                    ["2026-11-03", "2", "2025-11-03", "1"]]
    assert table(page, "categories") == [["投诉", "2", "66.7%"], ["咨询", "1", "33.3%"]]
    # below the city: 西山区 (xs_xs + xs_qs) then 市住房和城乡建设局; each row opens its cases
    assert [r[:2] for r in table(page, "departments")] == [["西山区", "2"], ["市住房和城乡建设局", "1"]]
    link = f'/query?lead_department_id={dept("zjj")}&amp;registered_from=2026-11-01&amp;registered_to=2026-11-03'
    assert link in page
    # 西山区 rolls up its streets: its row opens their cases and goes one level down this dashboard
    assert table(page, "departments")[0][2].split() == ["查看工单", "下级单位"]
    assert f'/query?lead_department_id={dept("xs")}&amp;registered_from=2026-11-01' in page
    assert f'/statistics/dashboard?department_id={dept("xs")}&amp;grain=day&amp;start=2026-11-01&amp;end=2026-11-03' in page
    assert table(page, "areas") == [["1", "西山街道", "3"]]
    assert [r[0] for r in table(page, "kpis")] == ["2026-11"] and "接通率" in page
    assert [r[0] for r in table(page, "call_loss")] == ["呼损率·中继", "呼损率·IVR", "呼损率·排队", "呼损率·坐席振铃",
                                                        "呼损率·溢出", "智能劝阻"]
    data = chart_data(page)
    assert [r["value"] for r in data["trend"]] == [0, 1, 2] and data["total"] == 3
    assert data["departments"][1]["url"] == html.unescape(link)
    assert 'src="/static/vendor/echarts/echarts.min.js"' in page and "<script>" not in page


def test_by_month_beside_the_year_before(signin, cases):
    page = signin("leader").get("/statistics/dashboard?start=2026-10-01&end=2026-11-30&grain=month").get_data(as_text=True)
    assert table(page, "trend") == [["2026-10", "0", "2025-10", "0"], ["2026-11", "3", "2025-11", "1"]]
    assert 'id="previous-intake">1<' in page


def test_a_department_leader_sees_only_their_subtree(signin, cases, dept):
    district = signin("xs_leader")
    page = district.get(f"/statistics/dashboard?{PERIOD}").get_data(as_text=True)
    assert sorted(r[:2] for r in table(page, "departments")) == [["西山街道", "1"], ["青松镇", "1"]]
    assert "table-call_loss" not in page and "话务指标为全中心数据" in page
    assert "接通率" not in page
    assert f'<option value="{dept("zjj")}"' not in page and f'<option value="{dept("xs_qs")}"' in page
    assert district.get(f"/statistics/dashboard?{PERIOD}&department_id={dept('zjj')}").status_code == 403
    street = district.get(f"/statistics/dashboard?{PERIOD}&department_id={dept('xs_qs')}").get_data(as_text=True)
    assert table(street, "departments") == [["青松镇（本级）", "1", "查看工单"]]


def test_other_roles_are_refused(signin):
    assert signin("agent").get("/statistics/dashboard").status_code == 403
    assert signin("dispatcher").get("/statistics/dashboard?start=bad").status_code == 403


@pytest.mark.parametrize(("query", "field", "said"), [
    ("start=2026-12-31&end=2026-12-01", "end", "结束日期：不得早于开始日期"),
    ("start=someday", "start", "开始日期："),
    ("grain=week", "grain", "统计粒度：须为按日、按月或按年"),
    ("department_id=abc", "department_id", "单位：没有该单位"),
    ("department_id=999999", "department_id", "单位：没有该单位"),
    ("start=2025-01-01&end=2026-06-30&grain=day", "grain", "统计粒度：按日最多 400 天，请改为按月"),
])
def test_a_bad_choice_is_named_in_chinese(signin, query, field, said):
    res = signin("leader").get(f"/statistics/dashboard?{query}")
    page = res.get_data(as_text=True)
    assert res.status_code == 422 and f'data-field="{field}"' in page and said in page
    assert "dashboard-data" not in page


def test_defaults_are_this_month_so_far(signin, cases):
    clock = FixedClock(at(2026, 11, 3, 18))
    previous = set_clock(clock)
    try:
        page = signin("leader").get("/statistics/dashboard").get_data(as_text=True)
    finally:
        set_clock(previous)
    assert 'name="start" value="2026-11-01"' in page and 'name="end" value="2026-11-03"' in page
    assert chart_data(page)["total"] == 3 and chart_data(page)["previous_total"] == 1
