"""A case's process diagram: the XML of the case's own version and where the case stands on it
(the path taken, the tasks waiting now with their department and due colour), behind the case
page's scope check."""
from __future__ import annotations

import hashlib
from datetime import timedelta

from sqlalchemy import update

from engine.cases import actions
from engine.db import db
from engine.models import ProcessVersion, WorkItem
from engine.ports import now as clock_now
from tests.api.test_pages import _fresh_limits, page_client, signin  # noqa: F401  (fixtures)
from tests.factories import open_case, to_handling

THE_WAY_TO_HANDLING = ["intake", "triage", "dispatch", "sign_for"]


def _state(client, case_id: int) -> dict:
    res = client.get(f"/cases/{case_id}/diagram.json")
    assert res.status_code == 200, res.data
    assert res.headers["Cache-Control"] == "no-store"
    return res.get_json()


def test_the_xml_is_the_version_the_case_runs_on_not_the_newest(signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    own = db.session.get(ProcessVersion, case.process_version_id)
    newer_xml = own.xml.replace("12345 工单办理", "12345 工单办理（新版）")
    db.session.add(ProcessVersion(process_id=own.process_id, version=own.version + 1, name="newer", xml=newer_xml,
                                  sha256=hashlib.sha256(newer_xml.encode()).hexdigest()))
    db.session.commit()
    res = signin("dispatcher").get(f"/cases/{case.id}/diagram.bpmn")
    assert res.status_code == 200 and res.mimetype == "application/xml"
    assert res.get_data(as_text=True) == own.xml
    assert "<bpmndi:BPMNDiagram" in own.xml        # the bundled process carries its diagram


def test_a_case_in_handling_shows_the_way_so_far_and_the_lead_departments_task(signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    state = _state(signin("dispatcher"), case.id)
    done = state["completed"]
    assert [i for i in done if i in THE_WAY_TO_HANDLING] == THE_WAY_TO_HANDLING     # in the order done
    assert {"start", "gw_triage", "gw_sign", "merge_handling", "split_handling"} <= set(done)
    assert "handle" not in done and "review" not in done and "decide_return" not in done
    assert {"f_start", "f_triage", "f_to_dispatch", "f_dispatch", "f_sign", "f_signed", "f_split_lead"} <= set(state["flows"])
    assert not {"f_direct", "f_not_accepted", "f_merge", "f_returned", "f_handle"} & set(state["flows"])
    [step] = state["active"]
    assert (step["id"], step["task"], step["department"]) == ("handle", "办理", "湖滨街道")
    assert (step["colour"], step["colour_label"]) == ("green", "正常")
    assert step["due"] and step["due"][:2] == "20" and step["work_item_id"]
    assert state["closed"] is False


def test_each_co_department_is_a_task_waiting_in_the_co_handling_subprocess(signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb", co=("zjj",))
    state = _state(signin("dispatcher"), case.id)
    by_id = {step["id"]: step for step in state["active"]}
    assert set(by_id) == {"handle", "co_opinion"}
    assert by_id["co_opinion"]["task"] == "协办意见" and by_id["co_opinion"]["department"]
    assert "f_split_co" in state["flows"] and "f_co_start" in state["flows"]
    assert "co_handling" not in state["completed"]              # it runs: not done


def test_the_colour_follows_the_time_limit(signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    now = clock_now()
    db.session.execute(update(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open")
                       .values(due_at=now - timedelta(hours=1), warn_at=now - timedelta(days=1)))
    db.session.commit()
    [step] = _state(signin("dispatcher"), case.id)["active"]
    assert (step["colour"], step["colour_label"]) == ("red", "超期")


def test_a_center_task_has_no_department_and_no_time_limit(signin, actor):
    case = open_case(actor("agent"))
    [step] = _state(signin("dispatcher"), case.id)["active"]
    assert (step["id"], step["department"], step["colour"], step["due"]) == ("triage", None, None, None)


def test_a_closed_case_shows_its_whole_way_and_nothing_waiting(signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    actions.reply(case_id=case.id, actor=actor("dh_hb_handler"), result="resolved", reply_text="已修复电梯。")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    state = _state(signin("dispatcher"), case.id)
    assert state["closed"] is True and state["active"] == []
    assert {"handle", "review", "visit", "gw_visit", "end_archived", "join_handling"} <= set(state["completed"])
    assert {"f_replied", "f_join", "f_review_passed", "f_archive"} <= set(state["flows"])
    assert "f_reopen" not in state["flows"] and "confirm_close" not in state["completed"]


def test_a_direct_answer_ends_at_triage(signin, actor):
    case = open_case(actor("agent"))
    actions.triage(case_id=case.id, actor=actor("agent"), decision="direct_answer", answer="办理时间为工作日。")
    state = _state(signin("agent"), case.id)
    assert state["completed"][-2:] == ["gw_triage", "end_direct_answer"] and state["active"] == []
    assert "f_direct" in state["flows"] and "f_to_dispatch" not in state["flows"]


def test_only_who_may_see_the_case_gets_its_diagram(app, signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    other = signin("xs_xs_handler")                       # another district's handler
    for path in (f"/cases/{case.id}/diagram.bpmn", f"/cases/{case.id}/diagram.json"):
        assert other.get(path).status_code in (403, 404)
        assert page_client(app).get(path).status_code == 302        # signed out: to the sign-in page
    own = signin("dh_hb_handler")
    assert own.get(f"/cases/{case.id}/diagram.json").status_code == 200
    assert other.get("/cases/999999/diagram.json").status_code == 404


def test_the_case_page_has_the_diagram_card_with_the_viewer_once(signin, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    page = signin("dh_hb_handler").get(f"/cases/{case.id}").get_data(as_text=True)
    assert 'id="diagram"' in page and "流程图" in page
    assert f'data-xml-url="/cases/{case.id}/diagram.bpmn"' in page
    assert f'data-state-url="/cases/{case.id}/diagram.json"' in page
    assert page.count("vendor/bpmn-js/bpmn-navigated-viewer.production.min.js") == 1
    assert page.count("js/diagram.js") == 1
    assert "话务员" in page and "当前待办：" in page and "超期" in page      # lane names, legend in Chinese
