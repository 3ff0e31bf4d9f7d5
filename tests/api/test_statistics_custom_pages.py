"""The custom report builder and the department evaluation as pages: the table with Chinese labels
and a totals row, the Excel sheet with the page's numbers, saving per role, refusals in Chinese."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete

from engine.cases import actions
from engine.db import db
from engine.deadlines.workdays import local_date
from engine.models import Parameter, SavedReport
from engine.ports import now as clock_now
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.factories import open_case, to_handling


@pytest.fixture(autouse=True)
def _no_saved_reports(app):
    yield
    db.session.rollback()
    db.session.execute(delete(SavedReport))
    db.session.execute(delete(Parameter).where(Parameter.name.like("evaluation.%")))
    db.session.commit()


@pytest.fixture
def cases(actor, dept):
    """Today: a complaint held by 西山街道 (signed for at once) and a consultation answered directly."""
    to_handling(actor, dept, lead="xs_xs")
    answered = open_case(actor("agent"), category="consult")
    actions.triage(case_id=answered.id, actor=actor("agent"), decision="direct_answer", answer="工作日办理。")


def table(page: str) -> list[list[str]]:
    body = re.search(r'<table class="grid" id="(?:custom-report|evaluation)">(.*?)</table>', page, re.S).group(1)
    return [re.findall(r"<t[dh][^>]*>([^<]*)</t[dh]>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]


REPORT = "/statistics/custom?dimensions=category&dimensions=&measures=intake&measures=sign_for_on_time&parts=1"


def test_a_report_with_labels_totals_and_its_excel(signin, cases):
    leader = signin("leader")
    assert leader.get("/statistics/custom").status_code == 200
    res = leader.get(REPORT)
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "自定义报表" in page
    rows = table(page)
    assert rows[0] == ["诉求类型", "受理量·分子", "受理量·分母", "受理量", "签收及时率·分子", "签收及时率·分母", "签收及时率"]
    assert rows[1:] == [["投诉", "1", "—", "1", "1", "1", "100.0%"],    # held by 西山街道, signed at once
                        ["咨询", "1", "—", "1", "0", "0", "—"],         # answered directly: never signed for
                        ["合计", "2", "—", "2", "1", "1", "100.0%"]]
    export = re.search(r'id="custom-export" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    sheet = load_workbook(io.BytesIO(leader.get(export).data)).active
    read = [[("" if v is None else str(v)) for v in r] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert read == rows


def test_two_dimensions_and_department_names(signin, cases, dept):
    leader = signin("leader")
    page = leader.get("/statistics/custom?dimensions=department&dimensions=channel&measures=intake").get_data(
        as_text=True)
    assert table(page)[1:] == [["西山街道", "电话", "1"], ["（无）", "电话", "1"], ["合计", "", "2"]]


def test_bad_definitions_are_refused_naming_the_field(signin):
    leader = signin("leader")
    res = leader.get("/statistics/custom?dimensions=weekday&measures=intake")
    assert res.status_code == 422 and 'data-field="dimensions">维度：不允许：weekday' in res.get_data(as_text=True)
    res = leader.get("/statistics/custom?dimensions=department&measures=connection_rate")
    assert res.status_code == 422 and 'data-field="measures">指标：话务指标' in res.get_data(as_text=True)
    assert leader.get("/statistics/custom?dimensions=day&measures=intake&start=2026-02-30").status_code == 422
    assert signin("agent").get("/statistics/custom").status_code == 403


def test_saving_reopening_and_deleting_per_role(signin, cases):
    leader = signin("leader")
    page = leader.get(REPORT).get_data(as_text=True)
    spec = re.search(r'name="spec" value="([^"]+)"', page).group(1).replace("&#34;", '"')
    token = csrf(leader, "/statistics/custom")
    res = leader.post("/statistics/custom/save", data={"csrf_token": token, "name": "每日类型", "role": "center_leader",
                                                       "spec": spec})
    assert res.status_code == 302
    opened = leader.get(res.location)
    assert opened.status_code == 200 and "每日类型" in opened.get_data(as_text=True)
    assert table(opened.get_data(as_text=True)) == table(page)                 # the same report again
    report_id = int(res.location.rsplit("/", 1)[1])
    again = leader.post("/statistics/custom/save", data={"csrf_token": token, "name": "每日类型", "role": "center_leader",
                                                         "spec": spec})
    assert again.status_code == 422 and "报表名称：该角色已有同名报表" in again.get_data(as_text=True)
    assert "每日类型" in leader.get("/statistics/custom").get_data(as_text=True)
    supervisor = signin("supervisor")
    assert "每日类型" not in supervisor.get("/statistics/custom").get_data(as_text=True)
    assert supervisor.get(f"/statistics/custom/saved/{report_id}").status_code == 403
    assert supervisor.post(f"/statistics/custom/saved/{report_id}/delete",
                           data={"csrf_token": csrf(supervisor, "/statistics/custom")}).status_code == 403
    assert leader.post(f"/statistics/custom/saved/{report_id}/delete", data={"csrf_token": token}).status_code == 302
    assert leader.get(f"/statistics/custom/saved/{report_id}").status_code == 404


def test_the_evaluation_page_and_its_excel(signin, cases, dept):
    month = f"{local_date(clock_now()):%Y-%m}"
    leader = signin("leader")
    res = leader.get(f"/statistics/evaluation?month={month}")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "分类分档考核" in page and "区县政府" in page and "职能部门" in page
    rows = {r[0]: r for r in table(page)[1:] if len(r) > 1}
    # 西山区: 西山街道 signed in time (15 points of 15) and nothing else has a value yet except 退回率 0/1
    # (10 × (1 − 0)): 100 × 25 / 25
    assert rows["西山区"][-3:] == ["100.00", "优秀", "1"] and rows["西山区"][1] == "100.0%"
    assert rows["东湖区"][-3:] == ["—", "—", "—"]
    sheet = load_workbook(io.BytesIO(leader.get(f"/statistics/evaluation.xlsx?month={month}").data)).active
    read = {r[1]: [("" if v is None else str(v)) for v in r[1:]] for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert read["西山区"] == rows["西山区"] and read["东湖区"] == rows["东湖区"]
    assert leader.get("/statistics/evaluation?month=2026-13").status_code == 422
    district = signin("xs_leader")
    assert "西山街道" in district.get(f"/statistics/evaluation?month={month}").get_data(as_text=True)
    assert district.get(f"/statistics/evaluation?month={month}&department_id={dept('dh')}").status_code == 403
    assert signin("agent").get("/statistics/evaluation").status_code == 403


def test_the_rest_endpoint_gives_the_same_table(api, cases, dept):
    today = f"{local_date(clock_now()):%Y-%m-%d}"
    body = {"dimensions": ["department"], "measures": ["intake", "sign_for_on_time"], "start": today, "end": today}
    res = api("leader").post("/api/v1/statistics/custom", json=body)
    assert res.status_code == 200, res.json
    rows = {tuple(r["keys"]): {k["code"]: (k["numerator"], k["denominator"]) for k in r["kpis"]} for r in res.json["rows"]}
    assert rows == {(dept("xs_xs"),): {"intake": (1, None), "sign_for_on_time": (1, 1)},
                    (None,): {"intake": (1, None), "sign_for_on_time": (0, 0)}}
    assert {k["code"]: k["value"] for k in res.json["totals"]} == {"intake": 2, "sign_for_on_time": 1.0}
    refused = api("leader").post("/api/v1/statistics/custom", json={**body, "measures": ["x"], "area_id": "y"})
    assert refused.status_code == 422 and set(refused.json["errors"]["json"]) == {"measures", "area_id"}
    assert api("leader").post("/api/v1/statistics/custom", json=[1]).status_code == 422
    assert api("dh_leader").post("/api/v1/statistics/custom", json={**body, "department_id": dept("xs")}).status_code == 403


def test_the_admin_edits_the_bands_as_json(signin):
    from engine.organisation import settings
    admin = signin("admin")
    token = csrf(admin, "/admin/parameters")
    bad = admin.post("/admin/parameters/evaluation.bands", data={"csrf_token": token, "value": '[[90, "甲"]]'})
    assert bad.status_code == 422 and "各档最低分不得相同，且须有一档为 0" in bad.get_data(as_text=True)
    good = admin.post("/admin/parameters/evaluation.bands", data={"csrf_token": token, "value": '[[0, "丙"], [90, "甲"]]'})
    assert good.status_code == 302 and settings.snapshot()["evaluation.bands"] == [[90, "甲"], [0, "丙"]]
