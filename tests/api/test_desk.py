"""The agent desk through the Flask client: the suggestions route, the intake panel, merge at triage."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions
from engine.db import db
from engine.models import WorkItem
from tests.api.test_pages import client, csrf, signin  # noqa: F401  (fixtures)
from tests.factories import open_case, to_handling

URL = "/desk/suggestions"


@pytest.fixture(autouse=True)
def _fresh_limits():
    from api.pages.web import limiter
    limiter.reset()
    yield
    limiter.reset()


def _triage_item(case_id: int) -> int:
    return db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case_id,
                                                        WorkItem.state == "open")).scalar_one()


def test_suggestions_and_history_as_json(app, signin, actor):
    same = open_case(actor("agent"))
    done = open_case(actor("agent"), title="上月来电")
    actions.triage(case_id=done.id, actor=actor("agent"), decision="direct_answer", answer="已答复。")
    res = signin("agent").get(URL, query_string={"phone": "13800138000", "category": "complaint",
                                                 "title": "新苑小区电梯故障", "content": "电梯坏了一个多月"})
    assert res.status_code == 200 and res.headers["Cache-Control"] == "no-store"
    [hit] = res.json["suggestions"]
    assert (hit["case_no"], hit["reasons"], hit["url"]) == (same.case_no, ["phone", "text"], f"/cases/{same.id}")
    assert hit["reason_labels"][0] == "同一来电号码" and hit["reason_labels"][1].startswith("内容相似")
    assert hit["status_label"] == "已登记" and "phone" not in hit
    assert [h["case_no"] for h in res.json["history"]] == [done.case_no, same.case_no]
    assert res.json["history"][0]["outcome_label"] == "直接答复"


def test_nothing_typed_nothing_found(app, signin):
    res = signin("dispatcher").get(URL)
    assert res.status_code == 200 and res.json == {"suggestions": [], "history": []}


def test_anonymous_gets_401_not_a_redirect(app, client):  # noqa: F811
    res = client.get(URL, query_string={"phone": "13800138000"})
    assert res.status_code == 401 and res.is_json       # a fetch cannot follow a redirect to /login


def test_only_desk_roles_may_ask(app, signin, actor, dept):
    to_handling(actor, dept, lead="dh_hb")
    res = signin("dh_hb_handler").get(URL, query_string={"phone": "13800138000"})
    assert res.status_code == 403 and res.is_json
    assert signin("supervisor").get(URL, query_string={"phone": "13800138000"}).status_code == 403
    assert signin("shift_lead").get(URL, query_string={"phone": "13800138000"}).json["suggestions"]


def test_the_intake_page_carries_the_panel_and_its_script(app, signin):
    page = signin("agent").get("/cases/new").get_data(as_text=True)
    assert 'id="desk-panel"' in page and f'data-url="{URL}"' in page and "js/desk.js" in page
    assert "疑似重复诉求" in page and "来电历史" in page


def test_merge_through_the_triage_page(app, signin, actor):
    target = open_case(actor("agent"))
    repeat = open_case(actor("agent"))
    agent = signin("agent")
    url = f"/work-items/{_triage_item(repeat.id)}"
    form = agent.get(url).get_data(as_text=True)
    assert 'value="merge"' in form and 'name="merge_into_case_no"' in form
    bad = agent.post(url, data={"csrf_token": csrf(agent, url), "decision": "merge",
                                "merge_into_case_no": repeat.case_no, "_version": "1"})
    assert bad.status_code == 422 and "工单不能并入自身" in bad.get_data(as_text=True)
    done = agent.post(url, data={"csrf_token": csrf(agent, url), "decision": "merge",
                                 "merge_into_case_no": target.case_no, "_version": "1"})
    assert done.status_code == 302
    page = agent.get(f"/cases/{target.id}").get_data(as_text=True)
    assert "merged_in" in page and repeat.case_no in page
