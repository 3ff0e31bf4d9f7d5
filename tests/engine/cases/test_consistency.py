"""engine.cases.consistency (`flask --app wsgi cases check`): cases written by the unit of work
agree with their blob; each kind of half-written case is named."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from engine.cases import consistency
from engine.db import db
from engine.models import Case, CaseEvent, Deadline, WorkItem
from tests.factories import open_case, to_handling


def _problems() -> list[str]:
    db.session.expire_all()
    return consistency.check_all().problems


def test_cases_written_by_their_actions_agree(actor, dept):
    open_case(actor("agent"))
    to_handling(actor, dept, co=("zjj",))
    report = consistency.check_all()
    assert report.cases == 2 and report.problems == []


def test_a_lost_work_item_or_stage_is_named(actor, dept):
    case = to_handling(actor, dept)
    db.session.execute(delete(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open"))
    db.session.commit()
    assert any("ready tasks ['handle'] but open task items []" in p for p in _problems())
    db.session.execute(update(Case).where(Case.id == case.id).values(stage="visit"))
    db.session.commit()
    assert any("stage visit, the blob says handling" in p for p in _problems())


def test_a_doubled_or_missing_event_and_a_lost_deadline_are_named(actor, dept):
    case = to_handling(actor, dept)
    done = db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case.id,
                                                        WorkItem.task_name == "sign_for")).scalar()
    event = db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                       CaseEvent.action == "sign_for")).scalar_one()
    db.session.execute(update(CaseEvent).where(CaseEvent.id == event.id).values(data={}))
    db.session.execute(update(Deadline).where(Deadline.case_id == case.id).values(state="cancelled"))
    db.session.commit()
    found = _problems()
    assert any(f"done work item {done} (sign_for) has 0 events" in p for p in found)
    assert any("but no running lead deadline is due then" in p for p in found)
