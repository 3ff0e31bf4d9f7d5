"""The fixed reports' pages: the monthly report of the hand-built November (tests/engine/statistics/
test_reports.py), its Excel file read back with the page's numbers, the PDF's text, the 平衡校验
shown in red when a total does not add up, access and refused periods."""
from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace

import pytest
from openpyxl import load_workbook

from engine import statistics
from engine.ports import FixedClock, set_clock
from tests.api.test_pages import _fresh_limits, signin  # noqa: F401  (fixtures)
from tests.engine.statistics.story import at
from tests.engine.statistics.test_reports import build_month

URL = "/statistics/reports?kind=month&period=2026-11"


@pytest.fixture
def month(actor, dept):
    fixed = FixedClock(at(9, 1))
    previous = set_clock(fixed)
    yield build_month(actor, dept, fixed)
    set_clock(previous)


def tables(page: str) -> dict:
    """{dimension: {row key: {code: (numerator, denominator, shown)}}} of the page's breakdowns."""
    found = {}
    for dimension, body in re.findall(r'<table class="grid" data-dimension="(\w+)">(.*?)</table>', page, re.S):
        rows = {}
        for key, cells in re.findall(r'<tr data-key="([^"]*)"[^>]*>(.*?)</tr>', body, re.S):
            rows[key] = {code: (int(n), int(d) if d else None, shown) for code, n, d, shown in re.findall(
                r'data-code="(\w+)" data-n="(\d+)" data-d="(\d*)">([^<]*)', cells)}
        found[dimension] = rows
    return found


def headline(page: str) -> dict:
    return dict(re.findall(r'<tr data-kpi="(\w+)"><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td><strong>([^<]*)</strong>',
                           page))


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return "".join(out.decode().split())


def test_the_monthly_report_page_excel_and_pdf_show_the_same_numbers(month, signin, dept):
    leader = signin("leader")
    res = leader.get(URL)
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "全市 2026-11 月报" in page and 'id="balance-ok"' in page
    assert headline(page)["intake"] == "7" and headline(page)["return_rate"] == "25.0%"     # 1 of 4
    shown = tables(page)
    xs, dh = str(dept("xs")), str(dept("dh"))
    assert list(shown["department"]) == [dh, xs, "", "total"]                                 # tree order, none, total
    assert shown["department"][xs]["return_rate"] == (1, 2, "50.0%")                           # C of A C
    assert shown["department"][""]["intake"] == (3, None, "3")                                 # E F G
    assert shown["category"]["total"]["satisfaction_rate"] == (1, 2, "50.0%")
    assert shown["channel"]["phone"]["intake"] == (4, None, "4")
    assert "本期受理 7 件：办理中 3 件，已办结 3 件，已并单 1 件" in page
    assert re.search(r'<td class="compared">1</td>\s*<td class="compared">0</td>', page)     # intake: 10月 1, 2025-11 0

    book = load_workbook(io.BytesIO(leader.get(URL.replace("reports?", "reports.xlsx?")).data))
    assert book.sheetnames == ["概况", "按诉求类型", "按承办单位", "按来源渠道"]
    summary = {r[-1]: r for r in book["概况"].iter_rows(min_row=4, max_row=24, values_only=True)}
    assert summary["intake"][:6] == ("受理量", 7, None, "7", "1", "0")
    assert {code: summary[code][3] for code in headline(page)} == headline(page)
    for title, dimension in (("按诉求类型", "category"), ("按承办单位", "department"), ("按来源渠道", "channel")):
        rows = list(book[title].iter_rows(min_row=2, values_only=True))
        sheet = {r[-1] or "": {code: tuple(r[1 + 3 * i:4 + 3 * i]) for i, code in enumerate(statistics.REPORT_CODES)}
                 for r in rows}
        assert sheet == shown[dimension], dimension

    res = leader.get(URL.replace("reports?", "reports.pdf?"))
    assert res.status_code == 200 and res.mimetype == "application/pdf" and res.data.startswith(b"%PDF")
    text = pdf_text(res.data)
    assert "全市2026-11月报" in text and "平衡校验通过" in text and "25.0%" in text and "1/4" in text
    assert "西山区" in text and "本期受理7件" in text


def test_an_imbalance_is_shown_in_red_on_the_page_the_sheet_and_the_pdf(month, signin, monkeypatch):
    real = statistics.report

    def broken(actor, **kwargs):
        """The real report with the app channel's row (G) lost: the channel parts no longer add up."""
        found = real(actor, **kwargs)
        sections = {**found.sections, "channel": found.sections["channel"][1:]}
        return replace(found, sections=sections, imbalances=statistics.check(
            found.headline, sections, statistics.REPORT_CODES, found.cohort))

    monkeypatch.setattr(statistics, "report", broken)
    leader = signin("leader")
    page = leader.get(URL).get_data(as_text=True)
    line = "按来源渠道：受理量分子 分项相加为 6，合计为 7（相差 -1）"
    assert 'id="balance-errors"' in page and line in page and 'id="balance-ok"' not in page
    assert re.search(r'<tr data-key="sums" class="imbalance">.*?data-code="intake" data-n="6"', page, re.S)
    assert '<tr data-key="sums"' not in page.split('data-dimension="channel"')[0]        # the others balance
    summary = [r[0] for r in load_workbook(io.BytesIO(leader.get(URL.replace("reports?", "reports.xlsx?")).data))
               ["概况"].iter_rows(values_only=True)]
    assert line in summary
    text = pdf_text(leader.get(URL.replace("reports?", "reports.pdf?")).data)
    assert "平衡校验未通过" in text and "分项相加为6，合计为7（相差-1）" in text


def test_a_department_leader_reads_their_subtree_and_nothing_else(month, signin, dept):
    district = signin("xs_leader")
    page = district.get(URL).get_data(as_text=True)
    assert "西山区 2026-11 月报" in page
    # xs_qs: the department C was first dispatched to and which returned it (its 退回率 only)
    assert list(tables(page)["department"]) == [str(dept("xs_xs")), str(dept("xs_qs")), "total"]
    assert tables(page)["department"][str(dept("xs_qs"))]["return_rate"][:2] == (1, 1)
    assert tables(page)["department"]["total"]["intake"] == (2, None, "2")                   # A C
    assert "connection_rate" not in headline(page)
    outside = f"{URL}&department_id={dept('dh')}"
    assert district.get(outside).status_code == 403
    assert district.get(outside.replace("reports?", "reports.xlsx?")).status_code == 403
    assert district.get(outside.replace("reports?", "reports.pdf?")).status_code == 403
    assert signin("agent").get(URL).status_code == 403
    assert signin("leader").get(f"{URL}&department_id={dept('dh')}").status_code == 200


def test_a_bad_period_is_refused_naming_the_field(month, signin):
    leader = signin("leader")
    res = leader.get("/statistics/reports?kind=month&period=2026-13")
    assert res.status_code == 422 and "统计期间：须为月份，格式如 2026-11" in res.get_data(as_text=True)
    res = leader.get("/statistics/reports?kind=quarter")
    assert res.status_code == 422 and "报表类型：须为日报、周报、月报或年报" in res.get_data(as_text=True)
    assert leader.get("/statistics/reports.xlsx?kind=week&period=2026-W54").status_code == 422
    assert leader.get("/statistics/reports.pdf?kind=day&period=yesterday").status_code == 422
    res = leader.get("/statistics/reports?kind=day")                                         # the default: yesterday
    assert res.status_code == 200 and "全市 2026-12-01 日报" in res.get_data(as_text=True)
