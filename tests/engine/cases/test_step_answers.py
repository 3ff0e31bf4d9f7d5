"""A completion answers the case's open work items after it (`work_items.complete_step`) from what
the action read under its lock and what it opened, without reading them again: every answer must
equal what the database holds once the step committed."""
from __future__ import annotations

from sqlalchemy import select

from engine.cases import open_case_step, work_items
from engine.db import db
from engine.models import WorkItem
from tests.engine.cases.test_reminders import overdue_with_escalation
from tests.engine.deadlines.test_deadlines import clock  # noqa: F401  (fixture)
from tests.factories import INTAKE, open_case

COLUMNS = (WorkItem.id, WorkItem.kind, WorkItem.form_key, WorkItem.department_id, WorkItem.state,
           WorkItem.claimed_by_id, WorkItem.due_at, WorkItem.warn_at, WorkItem.due_provisional)


def stored(case_id: int) -> list[tuple]:
    """The case's open items as the database has them (columns, not the session's objects)."""
    return [tuple(row) for row in db.session.execute(
        select(*COLUMNS).where(WorkItem.case_id == case_id, WorkItem.state == "open").order_by(WorkItem.id))]


def answered(items: list[WorkItem]) -> list[tuple]:
    return [tuple(getattr(item, column.key) for column in COLUMNS) for item in items]


def step(actor, items, login: str, form_key: str, data: dict, department: int | None = None):
    item = next(i for i in items if i.form_key == form_key and (department is None or i.department_id == department))
    case, after = work_items.complete_step(item_id=item.id, actor=actor(login), data=data)
    assert answered(after) == stored(case.id), form_key
    return after


def test_intake_answers_the_items_it_opened_as_stored(actor):
    case, items = open_case_step(actor=actor("agent"), data=dict(INTAKE))
    assert [item.form_key for item in items] == ["triage"]
    assert answered(items) == stored(case.id)


def test_every_step_of_a_co_handled_case_answers_what_is_open(actor, dept):
    case = open_case(actor("agent"))
    items = db.session.execute(select(WorkItem).where(WorkItem.case_id == case.id)).scalars().all()
    items = step(actor, items, "agent", "triage", {"decision": "dispatch"})
    items = step(actor, items, "dispatcher", "dispatch", {
        "mode": "transfer", "lead_department_id": dept("dh"), "co_department_ids": [dept("zjj"), dept("scj")]})
    items = step(actor, items, "dh_handler", "sign_for", {"decision": "sign"})
    assert {i.form_key for i in items} == {"handle", "co_opinion"} and len(items) == 3
    items = step(actor, items, "zjj_handler", "co_opinion", {"opinion": "已配合核查"}, dept("zjj"))
    items = step(actor, items, "scj_handler", "co_opinion", {"opinion": "已约谈物业"}, dept("scj"))
    items = step(actor, items, "dh_handler", "handle", {"action": "reply", "result": "resolved", "reply_text": "已修复。"})
    items = step(actor, items, "dh_leader", "approve_reply", {"reply_approved": True, "opinion": ""})
    items = step(actor, items, "dispatcher", "review", {"review_passed": True, "opinion": ""})
    assert step(actor, items, "visitor", "visit", {"satisfaction": "satisfied", "resolved": True}) == []


def test_an_escalation_decision_answers_the_urge_it_added(actor, dept, clock):
    case, item = overdue_with_escalation(actor, dept, clock)
    _, after = work_items.complete_step(item_id=item.id, actor=actor("leader"),
                                        data={"decision": "urge", "opinion": "立即办结"})
    assert "urge" in {i.kind for i in after} and "escalation" not in {i.kind for i in after}
    assert answered(after) == stored(case.id)


def test_a_reassignment_answers_the_items_it_moved(actor, dept, clock):
    case, item = overdue_with_escalation(actor, dept, clock)
    _, after = work_items.complete_step(item_id=item.id, actor=actor("leader"), data={
        "decision": "reassign", "lead_department_id": dept("cgj"), "opinion": "改由城管局主办"})
    assert [i.department_id for i in after if i.form_key == "handle"] == [dept("cgj")]
    assert answered(after) == stored(case.id)
