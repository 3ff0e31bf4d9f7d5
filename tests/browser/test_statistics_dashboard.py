"""The charts dashboard in Chromium: a leader opens it (this month: nothing yet), chooses March 2024
(the tables and the chart data change to its six cases), downloads a chart as a PNG, and clicks the
西山区 and 市住房和城乡建设局 bars on the department chart to land on the combined query with
that department's cases only (a district's with its streets')."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine.cases import actions
from engine.db import db
from engine.deadlines.workdays import TZ
from engine.ports import FixedClock, set_clock
from tests.browser.conftest import SCREENSHOTS, login, shot
from tests.factories import open_case

pytestmark = pytest.mark.browser
# (Shanghai day in March 2024, lead department, category, title, area)
CASES = ((4, "xs_xs", "complaint", "西山街道夜间施工噪音", "xs_xs"), (5, "xs_xs", "help", "西山街道路灯不亮", "xs_xs"),
         (6, "xs_xs", "complaint", "西山街道占道经营", "xs_xs"), (7, "zjj", "complaint", "住建局电梯长期故障", "dh_hb"),
         (8, "zjj", "consult", "住建局公积金提取咨询", "xs_qs"), (11, "dh_hb", "report", "湖滨街道餐馆油烟", "dh_hb"))


@pytest.fixture
def march(actor, dept):
    """The six cases of CASES, registered and dispatched in March 2024 (through the services)."""
    clock = FixedClock(datetime(2024, 3, 4, 2, tzinfo=timezone.utc).replace(tzinfo=None))
    previous = set_clock(clock)
    try:
        for day, lead, category, title, area in CASES:
            clock.at = datetime(2024, 3, day, 10, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)
            case = open_case(actor("agent"), category=category, title=title, area_id=dept(area))
            actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
            actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer",
                             lead_department_id=dept(lead), co_department_ids=[])
    finally:
        set_clock(previous)
    db.session.commit()
    db.session.rollback()      # SQLite: hold no transaction while the server works


def _choose_march(page: Page) -> None:
    """The period changed on the form: the tables and the charts' data follow."""
    page.fill("input[name=start]", "2024-03-01")
    page.fill("input[name=end]", "2024-03-31")
    page.select_option("select[name=grain]", "day")
    with page.expect_navigation():
        page.click("#dashboard-form button[type=submit]")
    expect(page.locator("#total-intake")).to_have_text("6")
    expect(page).to_have_url(re.compile(r"start=2024-03-01&end=2024-03-31"))
    rows = page.locator("#table-departments tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("西山区")
    expect(rows.nth(0).locator("td").nth(1)).to_have_text("3")
    expect(rows.nth(1)).to_contain_text("市住房和城乡建设局")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("2")
    expect(page.locator('#table-trend tr[data-key="2024-03-04"] td').nth(1)).to_have_text("1")
    expect(page.locator('#table-trend tr[data-key="2024-03-09"] td').nth(1)).to_have_text("0")
    assert page.evaluate("window.statisticsCharts.departments.getOption().series[0].data") == [3, 2, 1]
    assert page.evaluate("window.statisticsCharts.trend.getOption().xAxis[0].data.length") == 31


def _download_png(page: Page, tmp_path: Path) -> None:
    """The department chart's 下载图片 link downloads the chart as a PNG file."""
    with page.expect_download() as download:
        page.click('.chart-png[data-chart="departments"]')
    saved = tmp_path / "departments.png"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "departments.png"
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(saved, SCREENSHOTS / "statistics_dashboard_departments_chart.png")     # beside the page shots


def _click_bar(page: Page, chart: str, index: int) -> None:
    """Click the middle of a horizontal bar where ECharts drew it (convertToPixel on the instance)."""
    x, y = page.evaluate("""([chart, index]) => {
        const c = window.statisticsCharts[chart];
        const value = c.getOption().series[0].data[index];
        return c.convertToPixel({seriesIndex: 0}, [value / 2, index]);
    }""", [chart, index])
    box = page.locator(f"#chart-{chart}").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def _down_to_a_street(page: Page, xs: int) -> None:
    """西山区's bar opens the cases its streets lead (the query's lead department takes its
    subtree); its table row also goes one level down this dashboard, where 西山街道's row opens
    the same three cases."""
    with page.expect_navigation():
        _click_bar(page, "departments", 0)              # 西山区
    expect(page).to_have_url(re.compile(rf"/query\?lead_department_id={xs}&registered_from=2024-03-01"))
    expect(page.locator("#query tbody tr")).to_have_count(3)
    expect(page.locator("#query tbody")).not_to_contain_text("住建局")
    page.go_back()
    with page.expect_navigation():
        page.locator("#table-departments tbody tr").first.locator("a[data-drill]").click()
    expect(page).to_have_url(re.compile(rf"/statistics/dashboard\?department_id={xs}&grain=day"))
    expect(page.locator("select[name=department_id] option:checked")).to_contain_text("西山区")
    row = page.locator("#table-departments tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("西山街道")
    expect(row.locator("td").nth(1)).to_have_text("3")
    shot(page, "statistics_dashboard_district")
    with page.expect_navigation():
        row.locator("a[data-cases]").click()
    expect(page.locator("#query tbody tr")).to_have_count(3)
    expect(page.locator("#query tbody")).not_to_contain_text("住建局")


def test_the_leader_changes_the_period_downloads_a_chart_and_drills_into_a_department(page: Page, march, dept,
                                                                                     tmp_path):
    ids = {code: dept(code) for code in ("xs", "zjj")}
    db.session.rollback()      # SQLite: the server's requests must not wait for this test's reads
    login(page, "leader")
    page.goto("/statistics/dashboard")
    expect(page.locator("h1")).to_contain_text("统计图表")
    for chart in ("trend", "categories", "departments", "areas", "kpis", "call_loss"):
        expect(page.locator(f"#chart-{chart} canvas")).to_have_count(1)     # ECharts drew every chart
    expect(page.locator("#total-intake")).to_have_text("0")                  # this month: nothing yet
    expect(page.locator("#table-departments tbody")).to_contain_text("本期没有受理工单")

    _choose_march(page)
    shot(page, "statistics_dashboard")
    _download_png(page, tmp_path)
    _down_to_a_street(page, ids["xs"])
    for _step in range(2):                              # back to the city's March: case list, district
        page.go_back()
    expect(page.locator("#total-intake")).to_have_text("6")
    with page.expect_navigation():
        _click_bar(page, "departments", 1)              # 市住房和城乡建设局
    expect(page).to_have_url(re.compile(rf"/query\?lead_department_id={ids['zjj']}&registered_from=2024-03-01"
                                        r"&registered_to=2024-03-31$"))
    result = page.locator("#query tbody tr")
    expect(result).to_have_count(2)
    for n in range(2):
        expect(result.nth(n).locator("td").nth(7)).to_contain_text("市住房和城乡建设局")
    expect(page.locator("#query tbody")).to_contain_text("住建局电梯长期故障")
    expect(page.locator("#query tbody")).to_contain_text("住建局公积金提取咨询")
    shot(page, "statistics_dashboard_drilled")
