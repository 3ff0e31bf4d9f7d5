"""The role consoles and the catalogue admin page, through the Flask test client."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from engine.cases import actions, work_items
from engine.db import db
from engine.models import Case, ConfigChange, DispatchRule, WorkItem
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)
from tests.engine.cases.test_reminders import overdue_with_escalation
from tests.engine.deadlines.test_deadlines import at, clock, signed  # noqa: F401  (fixture)
from tests.engine.organisation.test_catalogue import empty_catalogue, rule  # noqa: F401  (fixtures)
from tests.factories import open_case, to_handling

CONSOLES = {"/dispatch": {"dispatcher"}, "/approvals": {"leader", "zjj_leader"},
            "/supervision": {"supervisor", "leader"}, "/visits": {"visitor"}, "/admin/catalogue": {"admin"}}


def item_of(case_id: int, form_key: str) -> int:
    return db.session.execute(select(WorkItem.id).where(
        WorkItem.case_id == case_id, WorkItem.form_key == form_key, WorkItem.state == "open")).scalar_one()


def triaged(actor, **intake) -> Case:
    """A case waiting for the dispatcher."""
    case = open_case(actor("agent"), **intake)
    return actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")


def returned(actor, dept, lead: str, reason: str) -> Case:
    case = triaged(actor)
    actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer", lead_department_id=dept(lead))
    return actions.return_case(case_id=case.id, actor=actor(f"{lead}_handler"), reason=reason)


def replied(actor, dept, lead: str, text: str, **intake) -> Case:
    case = to_handling(actor, dept, lead=lead, **intake)
    return actions.reply(case_id=case.id, actor=actor(f"{lead}_handler"), result="resolved", reply_text=text)


def table(page: str, table_id: str) -> str:
    """The HTML of one table of a page ('' when the page has none)."""
    found = re.search(rf'<table[^>]*id="{table_id}".*?</table>', page, re.S)
    return found.group(0) if found else ""


def text_of(client, path: str) -> str:
    res = client.get(path)
    assert res.status_code == 200, (path, res.status_code)
    return res.get_data(as_text=True)


def test_the_dispatch_form_comes_with_the_catalogues_proposal(empty_catalogue, rule, actor, dept, signin):
    rule("complaint", "", "dh")
    rule("complaint", "电梯", "zjj", co=["dh_hb", "xs_xs"])
    case = triaged(actor, title="电梯停运一个月")
    dispatcher = signin("dispatcher")
    url = f"/work-items/{item_of(case.id, 'dispatch')}"
    page = text_of(dispatcher, url)
    assert "派单目录建议" in page and "市住房和城乡建设局" in page
    assert re.search(rf'<option value="{dept("zjj")}" data-depth="\d+" selected>', page)
    checked = set(re.findall(r'name="co_department_ids" value="(\d+)" checked', page))
    assert checked == {str(dept("dh_hb")), str(dept("xs_xs"))}
    # what the dispatcher submits is what counts: here the proposal as it stands
    res = dispatcher.post(url, data={"csrf_token": csrf(dispatcher, url), "mode": "transfer", "_version": case.version,
                                     "lead_department_id": dept("zjj"), "co_department_ids": sorted(checked)})
    assert res.status_code == 302
    assert db.session.get(Case, case.id, populate_existing=True).lead_department_id == dept("zjj")


def test_no_matching_rule_means_no_proposal(empty_catalogue, rule, actor, signin):
    rule("complaint", "电梯", "zjj")
    case = triaged(actor, category="report", title="电梯")
    page = text_of(signin("dispatcher"), f"/work-items/{item_of(case.id, 'dispatch')}")
    assert "派单目录建议" not in page and " selected>" not in page.split('id="f-lead_department_id"')[1].split("</select>")[0]


def test_the_dispatch_console_lists_each_queue(actor, dept, signin):
    waiting = triaged(actor, title="小区电梯故障")                   # the demo catalogue: 住建局
    back = returned(actor, dept, "xs_xs", "不属于本单位职责，应由住建部门办理")
    review = replied(actor, dept, "dh_hb", "已协调物业于三日内修复电梯")    # street: no leader approval
    elsewhere = to_handling(actor, dept, lead="xs_qs")
    page = text_of(signin("dispatcher"), "/dispatch")
    queue = table(page, "dispatch-queue")
    assert waiting.case_no in queue and "市住房和城乡建设局" in queue
    assert f"/work-items/{item_of(waiting.id, 'dispatch')}" in queue
    returns = table(page, "return-queue")
    assert back.case_no in returns and "不属于本单位职责" in returns and "西山街道" in returns
    reviews = table(page, "review-queue")
    assert review.case_no in reviews and "已协调物业于三日内修复电梯" in reviews and "已解决" in reviews
    assert elsewhere.case_no not in page and back.case_no not in queue + reviews


def test_consoles_refuse_and_hide_from_other_roles(signin):
    for login in ("agent", "dispatcher", "leader", "zjj_leader", "supervisor", "visitor", "admin", "dh_hb_handler"):
        client = signin(login)
        nav = text_of(client, "/inbox").split("<nav>")[1].split("</nav>")[0]
        for path, allowed in CONSOLES.items():
            assert (client.get(path).status_code == 200) == (login in allowed), (login, path)
            assert (f'href="{path}"' in nav) == (login in allowed), (login, path)


def test_leaders_see_only_what_they_may_decide(actor, dept, signin):
    extension = to_handling(actor, dept, lead="xs_xs")
    actions.request_extension(case_id=extension.id, actor=actor("xs_xs_handler"), days=7, reason="需现场勘查")
    suspension = to_handling(actor, dept, lead="xs_qs")
    work_items.complete(item_id=item_of(suspension.id, "handle"), actor=actor("xs_qs_handler"),
                        data={"action": "suspension", "suspension_reason": "等待市民补充材料"})
    housing = replied(actor, dept, "zjj", "已责令物业限期维修")
    transport = replied(actor, dept, "jtj", "已研究增开夜班线路")

    page = text_of(signin("leader"), "/approvals")
    assert extension.case_no in table(page, "extension-queue") and "需现场勘查" in page
    assert re.search(r'class="days">7<', table(page, "extension-queue"))
    assert suspension.case_no in table(page, "suspension-queue") and "等待市民补充材料" in page
    assert housing.case_no not in page and not table(page, "reply-queue")

    page = text_of(signin("zjj_leader"), "/approvals")
    replies = table(page, "reply-queue")
    assert housing.case_no in replies and "已责令物业限期维修" in replies
    assert transport.case_no not in page and extension.case_no not in page and not table(page, "extension-queue")
    page = text_of(signin("jtj_leader"), "/approvals")
    assert transport.case_no in page and housing.case_no not in page
    assert housing.case_no not in text_of(signin("dh_leader"), "/approvals")


def test_center_leaders_see_overdue_escalations(actor, dept, clock, signin):
    case, item = overdue_with_escalation(actor, dept, clock)
    queue = table(text_of(signin("leader"), "/approvals"), "escalation-queue")
    assert case.case_no in queue and "超期" in queue and f"/work-items/{item.id}" in queue
    assert case.case_no not in text_of(signin("xs_xs_leader"), "/approvals")


def test_supervision_sorts_filters_and_urges(actor, dept, clock, signin):
    late = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), lead="xs_xs", category="consult")
    fresh = signed(actor, dept, clock, at(2026, 11, 9, 10), at(2026, 11, 9, 11), lead="dh_hb", category="consult")
    waiting = triaged(actor)
    clock.at = at(2026, 11, 11, 9)                      # late is overdue, fresh is not
    supervisor = signin("supervisor")
    page = text_of(supervisor, "/supervision")
    assert page.index(late.case_no) < page.index(fresh.case_no) and waiting.case_no not in page
    red = text_of(supervisor, "/supervision?colour=red")
    assert late.case_no in red and fresh.case_no not in red
    in_dh = text_of(supervisor, f"/supervision?department={dept('dh')}")   # the district and its streets
    assert fresh.case_no in in_dh and late.case_no not in in_dh

    res = supervisor.post(f"/cases/{fresh.id}/urge", data={"csrf_token": csrf(supervisor, "/supervision"),
                                                         "opinion": "请三日内反馈进展"})
    assert res.status_code == 302
    assert db.session.get(Case, fresh.id, populate_existing=True).urge_count == 1
    row = re.search(rf'<tr data-case="{fresh.id}">.*?</tr>', text_of(supervisor, "/supervision"), re.S).group(0)
    assert 'class="urge-count">1<' in row and "请三日内反馈进展" in row and "尚未反馈" in row
    assert supervisor.post(f"/cases/{late.id}/urge", data={"opinion": "无令牌"}).status_code == 400


def test_the_visitor_calls_back_replied_cases(actor, dept, signin):
    case = replied(actor, dept, "dh_hb", "电梯已修复并通过检验", phone="13912345678")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    not_yet = replied(actor, dept, "xs_xs", "已答复")
    page = text_of(signin("visitor"), "/visits")
    queue = table(page, "visit-queue")
    assert case.case_no in queue and "13912345678" in queue and "电梯已修复并通过检验" in queue
    assert f"/work-items/{item_of(case.id, 'visit')}" in queue and not_yet.case_no not in page


def test_admin_edits_the_catalogue_through_the_page(empty_catalogue, dept, signin):
    dispatcher = signin("dispatcher")
    token = csrf(dispatcher, "/inbox")
    assert dispatcher.post("/admin/catalogue", data={"csrf_token": token, "category": "help"}).status_code == 403
    admin = signin("admin")
    token = csrf(admin, "/admin/catalogue")
    fields = {"csrf_token": token, "category": "complaint", "keyword": "电梯", "lead_department_id": dept("zjj"),
              "co_department_ids": [dept("dh_hb")], "priority": "5", "active": "true", "reason": "电梯归住建"}
    bad = admin.post("/admin/catalogue", data={**fields, "lead_department_id": dept("center")})
    assert bad.status_code == 422 and "不承办工单" in bad.get_data(as_text=True)
    assert admin.post("/admin/catalogue", data=fields).status_code == 302
    [created] = db.session.execute(select(DispatchRule).where(DispatchRule.active.is_(True))).scalars().all()
    assert (created.keyword, created.co_department_ids) == ("电梯", [dept("dh_hb")])

    edit = text_of(admin, f"/admin/catalogue/{created.id}")
    assert re.search(rf'<option value="{dept("zjj")}" data-depth="\d+" selected>', edit)
    assert admin.post(f"/admin/catalogue/{created.id}",
                      data={**fields, "lead_department_id": dept("scj"), "co_department_ids": []}).status_code == 302
    tried = text_of(admin, "/admin/catalogue?try_category=complaint&try_text=电梯困人")
    assert "市市场监督管理局" in re.search(r'<p id="tried">.*?</p>', tried, re.S).group(0)
    assert admin.post(f"/admin/catalogue/{created.id}/deactivate", data={"csrf_token": token}).status_code == 302
    row = db.session.get(DispatchRule, created.id, populate_existing=True)
    assert (row.active, row.lead_department_id, row.co_department_ids) == (False, dept("scj"), [])
    trail = db.session.execute(select(ConfigChange).where(ConfigChange.key == f"rule:{created.id}",
                                                          ConfigChange.area == "catalogue")
                               .order_by(ConfigChange.id)).scalars().all()
    assert len(trail) == 3 and trail[0].reason == "电梯归住建" and trail[-1].new["active"] is False


@pytest.mark.parametrize("path", ["/dispatch", "/approvals", "/supervision", "/visits", "/admin/catalogue"])
def test_consoles_need_a_signed_in_user(app, path):
    from tests.api.test_pages import page_client
    res = page_client(app).get(path)
    assert res.status_code == 302 and "/login" in res.location
