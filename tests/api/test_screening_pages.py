"""The screening pages: the console with flagged cases (words marked) and spikes, the keyword
lists (CSRF, 422 naming the field, audited), the dispute register and its form, and who sees what."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine.db import db
from engine.models import DisputeRecord, RiskType
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.engine.screening.helpers import demo_lists  # noqa: F401  (fixture)
from tests.factories import open_case, to_handling


def test_console_lists_flagged_cases_with_the_words_marked(signin, actor, dept):
    flagged = open_case(actor("agent"), title="工地欠薪", content="农民工准备集体讨薪。")
    clean = open_case(actor("agent"))
    res = signin("leader").get("/screening")
    page = res.get_data(as_text=True)
    assert res.status_code == 200 and "风险研判" in page and "异常激增" in page
    assert f'<tr data-case="{flagged.id}" data-risk="wage_arrears">' in page
    assert f'<tr data-case="{flagged.id}" data-risk="mass_incident">' in page
    assert f'data-case="{clean.id}"' not in page
    assert "<strong>工地<mark>欠薪</mark></strong>" in page
    # each row marks its own type's words
    assert "<mark>农民工</mark>准备集体<mark>讨薪</mark>。" in page and "农民工准备<mark>集体</mark>讨薪。" in page
    assert f'href="/cases/{flagged.id}"' in page and "共 2 条预警" in page
    only = signin("leader").get("/screening?risk_type=mass_incident").get_data(as_text=True)
    assert 'data-risk="mass_incident"' in only and 'data-risk="wage_arrears"' not in only
    # the case page names its risks and the words found to everyone who may open the case
    case_page = signin("agent").get(f"/cases/{flagged.id}").get_data(as_text=True)
    assert 'id="risk-flags"' in case_page and '<span class="badge red" data-risk="wage_arrears">劳资欠薪</span>' in case_page
    assert "风险提示" in case_page and 'id="risk-flags"' not in signin("agent").get(f"/cases/{clean.id}").get_data(
        as_text=True)


def test_a_department_leader_sees_the_flags_of_its_subtree_only(signin, actor, dept):
    mine = to_handling(actor, dept, lead="xs_xs", title="拆迁补偿纠纷", content="村民对征地补偿有异议。")
    other = to_handling(actor, dept, lead="dh_hb", title="拆迁补偿纠纷", content="居民对拆迁安置有异议。")
    page = signin("xs_leader").get("/screening").get_data(as_text=True)
    assert f'data-case="{mine.id}"' in page and f'data-case="{other.id}"' not in page
    assert signin("agent").get("/screening").status_code == 403
    assert signin("xs_xs_handler").get("/screening").status_code == 403
    assert signin("agent").get("/screening?start=bad").status_code == 403       # access before arguments
    bad = signin("leader").get("/screening?start=2026-02-30")
    assert bad.status_code == 422 and "开始日期" in bad.get_data(as_text=True)


def test_keyword_lists_are_edited_with_csrf_validated_and_audited(signin, actor, demo_lists):
    row = db.session.execute(select(RiskType).where(RiskType.code == "petition")).scalar_one()
    leader = signin("leader")
    page = leader.get(f"/screening/risk-types/{row.id}").get_data(as_text=True)
    assert 'name="csrf_token"' in page and "上访、进京、信访、越级、集访" in page
    fields = {"code": "petition", "name": "信访", "keywords": "上访，进京 维权", "active": "true", "sort": "10"}
    assert leader.post(f"/screening/risk-types/{row.id}", data=fields).status_code == 400        # no CSRF token
    token = csrf(leader, "/screening/risk-types")
    empty = leader.post(f"/screening/risk-types/{row.id}", data={**fields, "keywords": "、", "csrf_token": token})
    assert empty.status_code == 422 and "至少填写一个关键词" in empty.get_data(as_text=True)
    taken = leader.post("/screening/risk-types", data={**fields, "csrf_token": token})
    assert taken.status_code == 422 and "代码 petition 已被使用" in taken.get_data(as_text=True)
    saved = leader.post(f"/screening/risk-types/{row.id}", data={**fields, "csrf_token": token, "reason": "新增维权"})
    assert saved.status_code == 302
    db.session.refresh(row)
    assert row.keywords == ["上访", "进京", "维权"]
    listing = leader.get("/screening/risk-types").get_data(as_text=True)
    assert "中心领导 周建国" in listing and "新增维权" in listing     # who changed it, and why
    case = open_case(actor("agent"), title="业主维权", content="要求开发商交房。")
    assert f'data-case="{case.id}" data-risk="petition"' in leader.get("/screening").get_data(as_text=True)
    assert signin("shift_lead").get("/screening/risk-types").status_code == 403
    assert signin("xs_leader").get("/screening/risk-types").status_code == 403


def dispute_form(dept, **changes) -> dict:
    return {"found_on": "2026-11-20", "place": "西山街道松山路", "parties": "商户甲、商户乙", "risk_type_code": "mass_incident",
            "description": "商户聚集反映租金上涨", "people_count": "30", "risk_level": "major", "measures": "街道约谈",
            "department_id": str(dept("xs_xs")), "reporter": "网格员 王", **changes}


def test_dispute_form_validates_registers_and_lists(signin, dept, demo_lists):
    handler = signin("xs_xs_handler")
    form = handler.get("/screening/disputes/new").get_data(as_text=True)
    assert 'name="csrf_token"' in form and "矛盾纠纷排查表" in form and "群体事件" in form
    token = csrf(handler, "/screening/disputes/new")
    bad = handler.post("/screening/disputes/new", data={**dispute_form(dept), "people_count": "0", "place": "",
                                                        "risk_type_code": "", "csrf_token": token})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for field in ("people_count", "place", "risk_type_code"):
        assert re.search(rf'<div class="field has-error" data-field="{field}"', html), field
    assert "必填" in html and db.session.execute(select(DisputeRecord.id)).first() is None
    elsewhere = handler.post("/screening/disputes/new", data={**dispute_form(dept, department_id=str(dept("dh_hb"))),
                                                              "csrf_token": token})
    assert elsewhere.status_code == 403
    done = handler.post("/screening/disputes/new", data={**dispute_form(dept), "csrf_token": token})
    assert done.status_code == 302
    row = db.session.execute(select(DisputeRecord)).scalar_one()
    detail = handler.get(done.location).get_data(as_text=True)
    assert "商户聚集反映租金上涨" in detail and "重大" in detail and "网格员 王" in detail
    listed = signin("leader").get("/screening/disputes?risk_level=major").get_data(as_text=True)
    assert f'data-dispute="{row.id}"' in listed and "共 1 件" in listed
    assert f'data-dispute="{row.id}"' not in signin("leader").get("/screening/disputes?risk_level=general").get_data(as_text=True)
    assert f'data-dispute="{row.id}"' not in signin("dh_leader").get("/screening/disputes").get_data(as_text=True)
    assert signin("dh_leader").get(f"/screening/disputes/{row.id}").status_code == 403
    assert signin("agent").get("/screening/disputes").status_code == 403
    assert signin("leader").get("/screening/disputes?start=2026-13-01").status_code == 422


def test_rest_lists_the_flags_in_scope(api, actor, dept):
    from engine.deadlines.workdays import local_date
    mine = to_handling(actor, dept, lead="xs_xs", title="村民聚集", content="征地补偿未到位。")
    open_case(actor("agent"), title="业主上访", content="开发商逾期交房。")
    today = local_date(mine.created_at).isoformat()
    body = api("supervisor").get(f"/api/v1/screening/flags?start={today}&end={today}").json
    assert body["total"] == 3 and {(i["case_id"] == mine.id, i["risk_type_code"]) for i in body["items"]} == {
        (True, "mass_incident"), (True, "land_demolition"), (False, "petition")}
    scoped = api("xs_leader").get(f"/api/v1/screening/flags?start={today}&end={today}&risk_type=land_demolition").json
    assert [(i["case_no"], i["words"]) for i in scoped["items"]] == [(mine.case_no, ["征地"])]
    assert api("agent").get(f"/api/v1/screening/flags?start={today}&end={today}").status_code == 403
    assert api("leader").get("/api/v1/screening/flags?start=2026-12-02&end=2026-12-01").status_code == 422
