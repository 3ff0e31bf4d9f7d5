"""The statistics analyst (统计分析员): lands on the statistics, reads every figure, report, risk
flag, dispute and accountability record of the city, sees cases with personal data masked, and
acts on nothing."""
from __future__ import annotations

import pytest

from engine.cases import actions
from engine.errors import PermissionDenied
from tests.api.test_accountability_pages import _violations
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.engine.deadlines.test_deadlines import clock  # noqa: F401  (fixture)
from tests.factories import open_case

READ = ("/statistics", "/statistics/dashboard", "/statistics/reports", "/statistics/custom", "/statistics/evaluation",
        "/screening", "/screening/disputes", "/accountability", "/accountability/monthly",
        "/statistics/kpis.xlsx", "/statistics/reports.xlsx")


def test_the_analyst_lands_on_the_statistics_and_reads_every_page(signin, actor):
    analyst = signin("analyst")
    assert analyst.get("/").location.endswith("/statistics")
    for path in READ:
        assert analyst.get(path).status_code == 200, path
    case = open_case(actor("agent"), phone="13812348000", citizen_name="张三丰")
    page = analyst.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "138****8000" in page and "13812348000" not in page          # masked like every reader's


def test_the_analyst_acts_on_nothing(signin, actor, dept, clock):
    overdue, _late = _violations(actor, dept, clock)
    analyst = signin("analyst")
    token = csrf(analyst, "/statistics")
    assert analyst.get("/screening/disputes/new").status_code == 403
    assert analyst.post("/screening/disputes/new", data={"csrf_token": token}).status_code == 403
    assert analyst.get("/screening/risk-types").status_code == 403
    records = analyst.get("/accountability").get_data(as_text=True)
    record = records.split('<tr data-record="', 1)[1].split('"', 1)[0]
    refused = analyst.post(f"/accountability/{record}/decision",
                           data={"decision": "批评教育", "reason": "分析员不能决定", "csrf_token": token})
    assert refused.status_code == 403
    with pytest.raises(PermissionDenied):
        actions.triage(case_id=open_case(actor("agent")).id, actor=actor("analyst"), decision="dispatch")
