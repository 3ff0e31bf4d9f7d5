"""The leaders' statistics page: the KPI table for a period, a department's subtree, and the
Excel sheet with the page's numbers."""
from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from engine.cases import actions
from tests.api.test_pages import _fresh_limits, signin  # noqa: F401  (fixtures)
from tests.factories import open_case, to_handling


def figures(page: str) -> dict[str, str]:
    found = re.findall(r'<tr data-kpi="([a-z0-9_]+)"><td>[^<]*</td><td>[^<]*</td><td>[^<]*</td><td><strong>([^<]*)</strong>',
                       page)
    return dict(found)


def test_the_leader_reads_the_kpis_and_exports_the_same_numbers(signin, actor, dept):
    to_handling(actor, dept, lead="xs_xs")
    answered = open_case(actor("agent"), category="consult")
    actions.triage(case_id=answered.id, actor=actor("agent"), decision="direct_answer", answer="工作日办理。")
    leader = signin("leader")
    res = leader.get("/statistics")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "统计分析" in page and "受理量" in page and "按时办结率" in page
    shown = figures(page)
    assert shown["intake"] == "2" and shown["connection_rate"] == "—"
    sheet = load_workbook(io.BytesIO(leader.get("/statistics/kpis.xlsx").data)).active
    rows = {r[4]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["intake"][3] == "2" and {c: rows[c][3] for c in shown} == shown
    page = leader.get(f"/statistics?department_id={dept('dh')}").get_data(as_text=True)
    assert figures(page)["intake"] == "0" and "connection_rate" not in figures(page)


def test_bad_periods_and_other_roles_are_refused(signin, dept):
    leader = signin("leader")
    res = leader.get("/statistics?start=2026-12-31&end=2026-12-01")
    assert res.status_code == 422 and "结束日期：不得早于开始日期" in res.get_data(as_text=True)
    assert leader.get("/statistics?start=someday").status_code == 422
    assert signin("agent").get("/statistics").status_code == 403
    district = signin("dh_leader")
    assert district.get("/statistics").status_code == 200
    assert district.get(f"/statistics?department_id={dept('xs')}").status_code == 403
