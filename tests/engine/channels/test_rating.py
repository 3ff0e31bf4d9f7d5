"""The citizen's online rating: it completes a waiting visit when satisfied, is left to the visitor
when dissatisfied, is recorded only on a closed case, and is given once."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.cases import actions
from engine.channels import rating
from engine.db import db
from engine.errors import ValidationFailed, WrongState
from engine.models import CaseEvent, CitizenRating, WorkItem
from engine.statistics import cases as stats_cases
from engine.statistics.window import Window
from tests.factories import to_handling


def to_visit(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已修复。")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    return case


def events(case_id, action):
    return list(db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                           CaseEvent.action == action)).scalars())


def visit_item(case_id):
    return db.session.execute(select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.form_key == "visit")
                              .order_by(WorkItem.id.desc())).scalars().first()


def test_a_satisfied_rating_completes_the_visit_and_counts_in_the_satisfaction_rate(actor, dept):
    case = to_visit(actor, dept)
    done = rating.rate(case_id=case.id, satisfaction="basically_satisfied", comment="修得挺快")
    assert done.completed_visit
    db.session.refresh(case)
    assert case.status == "closed" and case.outcome == "archived"
    visit = events(case.id, "visit")
    assert len(visit) == 1 and visit[0].actor_id is None and visit[0].data["satisfaction"] == "basically_satisfied"
    assert "修得挺快" in visit[0].data["note"]
    assert visit_item(case.id).state == "done"
    assert db.session.execute(select(CitizenRating.completed_visit)).scalar() is True
    at = visit[0].created_at
    figures = stats_cases.satisfaction(Window(lo=at - timedelta(hours=1), hi=at + timedelta(hours=1)))
    kpi = figures[0][1]
    assert (kpi.numerator, kpi.denominator) == (1, 1)


def test_a_dissatisfied_rating_is_recorded_and_the_visit_left_to_the_visitor(actor, dept):
    case = to_visit(actor, dept)
    done = rating.rate(case_id=case.id, satisfaction="dissatisfied", comment="路灯还是不亮")
    assert not done.completed_visit
    db.session.refresh(case)
    assert case.stage == "visit" and visit_item(case.id).state == "open"
    recorded = events(case.id, "citizen_rating")
    assert len(recorded) == 1 and recorded[0].data == {"satisfaction": "dissatisfied", "note": "路灯还是不亮",
                                                       "channel": "web"}
    with pytest.raises(ValidationFailed) as refused:          # the visitor must still decide
        actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="dissatisfied", resolved=False,
                      note="市民网上评价不满意")
    assert "decision" in refused.value.errors


def test_a_claimed_visit_is_left_to_its_visitor(actor, dept):
    case = to_visit(actor, dept)
    from engine.cases import work_items
    work_items.claim(item_id=visit_item(case.id).id, actor=actor("visitor"))
    assert not rating.rate(case_id=case.id, satisfaction="satisfied").completed_visit
    assert visit_item(case.id).state == "open" and len(events(case.id, "citizen_rating")) == 1


def test_a_closed_and_visited_case_records_the_rating_only(actor, dept):
    case = to_visit(actor, dept)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    assert not rating.rate(case_id=case.id, satisfaction="dissatisfied").completed_visit
    assert len(events(case.id, "visit")) == 1 and len(events(case.id, "citizen_rating")) == 1


def test_once_only_and_not_before_the_answer(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    with pytest.raises(WrongState):                             # not answered yet: 409
        rating.rate(case_id=case.id, satisfaction="satisfied")
    case = to_visit(actor, dept)
    rating.rate(case_id=case.id, satisfaction="dissatisfied")
    with pytest.raises(WrongState) as twice:
        rating.rate(case_id=case.id, satisfaction="satisfied")
    assert twice.value.code == "rated_already"
    assert len(events(case.id, "citizen_rating")) == 1


def test_the_rating_is_checked(actor, dept):
    case = to_visit(actor, dept)
    with pytest.raises(ValidationFailed) as bad:
        rating.rate(case_id=case.id, satisfaction="great", comment="x" * 1001)
    assert set(bad.value.errors) == {"satisfaction", "comment"}
    assert rating.rating_of(case.id) is None
