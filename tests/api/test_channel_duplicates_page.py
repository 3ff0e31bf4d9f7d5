"""A channel's probable duplicates on the case page: the center sees them with links and reasons,
a department's user does not learn other cases' numbers from them."""
from __future__ import annotations

from engine.cases import actions
from engine.channels import open_from_channel
from tests.api.test_pages import signin  # noqa: F401  (fixture)
from tests.factories import INTAKE, open_case


def test_the_center_sees_the_probable_duplicates_of_a_channel_case(app, actor, dept, signin):  # noqa: F811
    earlier = open_case(actor("agent"))
    case = open_from_channel("web", {k: v for k, v in INTAKE.items() if k != "channel"})
    page = signin("agent").get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="suspected-duplicates"' in page and earlier.case_no in page
    assert "同一来电号码" in page and "疑似重复工单" in page
    assert f"/cases/{earlier.id}" in page


def test_a_department_user_does_not_see_them(app, actor, dept, signin):  # noqa: F811
    earlier = open_case(actor("agent"))
    case = open_from_channel("web", {k: v for k, v in INTAKE.items() if k != "channel"})
    actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
    actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer",
                     lead_department_id=dept("dh_hb"), co_department_ids=[])
    page = signin("dh_hb_handler").get(f"/cases/{case.id}").get_data(as_text=True)
    assert page and 'id="suspected-duplicates"' not in page and earlier.case_no not in page


def test_a_citizen_sees_the_hotline_not_the_workbench(client):
    for path in ("/submit", "/lookup"):
        page = client.get(path).get_data(as_text=True)
        assert "政务服务便民热线" in page and "工单工作台" not in page, path
        assert 'href="/submit"' in page and 'href="/lookup"' in page
