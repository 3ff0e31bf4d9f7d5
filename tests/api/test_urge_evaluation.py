"""督办评价: the supervisor evaluates how a department answered an urge."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import urges, work_items
from engine.db import db
from engine.errors import PermissionDenied, ValidationFailed, WrongState
from engine.models import WorkItem
from tests.api.test_pages import csrf, page_client, signin  # noqa: F401  (fixture)
from tests.factories import to_handling


def urged_and_answered(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    urge = urges.urge(case_id=case.id, actor=actor("supervisor"), data={"opinion": "请加快"})
    item = db.session.execute(select(WorkItem.id).where(WorkItem.urge_id == urge.id)).scalar_one()
    return case, urge, item


def test_only_answered_urges_are_evaluated_once(actor, dept):
    case, urge, item = urged_and_answered(actor, dept)
    with pytest.raises(WrongState, match="not answered"):
        urges.evaluate(urge_id=urge.id, actor=actor("supervisor"), data={"evaluation": "good"})
    work_items.complete(item_id=item, actor=actor("xs_xs_handler"), data={"response": "已安排专人处理"})
    assert [u.id for u in urges.awaiting_evaluation(actor=actor("supervisor"))] == [urge.id]
    with pytest.raises(ValidationFailed) as err:
        urges.evaluate(urge_id=urge.id, actor=actor("supervisor"), data={"evaluation": "poor"})
    assert "note" in err.value.errors
    with pytest.raises(PermissionDenied):
        urges.evaluate(urge_id=urge.id, actor=actor("xs_xs_handler"), data={"evaluation": "good"})
    done = urges.evaluate(urge_id=urge.id, actor=actor("supervisor"), data={"evaluation": "good"})
    assert done.evaluation == "good" and done.evaluated_by_id == actor("supervisor").user_id
    with pytest.raises(WrongState, match="already"):
        urges.evaluate(urge_id=urge.id, actor=actor("supervisor"), data={"evaluation": "poor", "note": "x"})
    assert urges.awaiting_evaluation(actor=actor("supervisor")) == []


def test_supervision_console_evaluates_through_the_page(app, signin, actor, dept):
    case, urge, item = urged_and_answered(actor, dept)
    work_items.complete(item_id=item, actor=actor("xs_xs_handler"), data={"response": "已处理"})
    supervisor = signin("supervisor")
    page = supervisor.get("/supervision").get_data(as_text=True)
    assert "待评价的督办反馈" in page and case.case_no in page
    res = supervisor.post(f"/urges/{urge.id}/evaluate?next=/supervision",
                          data={"csrf_token": csrf(supervisor, "/supervision"), "evaluation": "acceptable"})
    assert res.status_code == 302 and res.location.endswith("/supervision")
    assert "待评价的督办反馈" not in supervisor.get("/supervision").get_data(as_text=True)
    assert "一般" in supervisor.get(f"/cases/{case.id}").get_data(as_text=True)
