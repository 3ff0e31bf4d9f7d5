"""并单: triage merges a repeat request into an open case (engine/cases/merge.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.cases import actions, merge
from engine.cases.unit import CaseAction
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Case, CaseEvent, WorkItem
from engine.ports import now as clock_now
from tests.factories import open_case, to_handling


def timeline(case_id: int) -> list[CaseEvent]:
    return list(db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id)
                                   .order_by(CaseEvent.id)).scalars())


def refused(actor, case, number) -> list[str]:
    with pytest.raises(ValidationFailed) as err:
        actions.triage(case_id=case.id, actor=actor("agent"), decision="merge", merge_into_case_no=number)
    assert list(err.value.errors) == ["merge_into_case_no"]
    return err.value.errors["merge_into_case_no"]


def test_merge_closes_the_repeat_and_marks_both_timelines(actor, dept):
    target = to_handling(actor, dept, lead="xs_xs")
    version, stage = target.version, target.stage
    repeat = open_case(actor("agent"), content="电梯还是坏的，再次反映。")
    closed = actions.triage(case_id=repeat.id, actor=actor("agent"), decision="merge",
                            merge_into_case_no=f" {target.case_no.lower()} ", note="同一电梯故障")
    assert (closed.status, closed.stage, closed.outcome) == ("closed", "closed", "merged")
    assert closed.merged_into_id == target.id and closed.closed_at is not None
    assert db.session.execute(select(WorkItem.id).where(WorkItem.case_id == repeat.id,
                                                        WorkItem.state == "open")).first() is None
    mine = timeline(repeat.id)
    assert [e.action for e in mine] == ["intake", "triage", "merged"]
    assert mine[-1].data == {"merged_into_id": target.id, "merged_into_case_no": target.case_no}
    assert (mine[-1].from_stage, mine[-1].to_stage) == ("triage", "closed")
    theirs = timeline(target.id)[-1]
    assert (theirs.action, theirs.from_stage, theirs.to_stage) == ("merged_in", stage, stage)
    assert theirs.data["merged_case_id"] == repeat.id and repeat.case_no in theirs.data["reason"]
    target = db.session.get(Case, target.id, populate_existing=True)
    assert (target.version, target.stage, target.merged_into_id) == (version, stage, None)   # untouched


def test_merge_needs_the_target_number(actor):
    case = open_case(actor("agent"))
    with pytest.raises(ValidationFailed) as err:
        actions.triage(case_id=case.id, actor=actor("agent"), decision="merge")
    assert err.value.errors == {"merge_into_case_no": ["required"]}


def test_unknown_self_and_closed_targets_are_refused(actor):
    case = open_case(actor("agent"))
    assert refused(actor, case, "GD20000101000001") == ["no case GD20000101000001 in your scope"]
    assert refused(actor, case, case.case_no) == ["a case cannot be merged into itself"]
    done = open_case(actor("agent"))
    actions.triage(case_id=done.id, actor=actor("agent"), decision="direct_answer", answer="已答复。")
    assert "closed" in refused(actor, case, done.case_no)[0]
    case = db.session.get(Case, case.id, populate_existing=True)
    assert (case.stage, case.merged_into_id) == ("triage", None)     # nothing half-done
    assert [e.action for e in timeline(case.id)] == ["intake"]
    assert [e.action for e in timeline(done.id)] == ["intake", "triage", "citizen_notified"]


def test_a_merged_case_cannot_take_further_merges(actor):
    target, first, second = (open_case(actor("agent")) for _ in range(3))
    actions.triage(case_id=first.id, actor=actor("agent"), decision="merge", merge_into_case_no=target.case_no)
    assert "closed" in refused(actor, second, first.case_no)[0]      # merge into the open case instead
    actions.triage(case_id=second.id, actor=actor("agent"), decision="merge", merge_into_case_no=target.case_no)
    merged_in = [e for e in timeline(target.id) if e.action == "merged_in"]
    assert [e.data["merged_case_no"] for e in merged_in] == [first.case_no, second.case_no]


def test_a_target_outside_the_actors_scope_reads_as_unknown(actor, dept):
    inside = to_handling(actor, dept, lead="xs_xs")
    outside = to_handling(actor, dept, lead="dh_hb")
    repeat = open_case(actor("agent"))
    action = CaseAction(case=db.session.get(Case, repeat.id), now=clock_now())
    handler = actor("xs_xs_handler")
    assert merge.check_target(action, handler, inside.case_no).id == inside.id
    with pytest.raises(ValidationFailed) as err:
        merge.check_target(action, handler, outside.case_no)
    assert err.value.errors == {"merge_into_case_no": [f"no case {outside.case_no} in your scope"]}
    db.session.rollback()


def test_the_rest_api_answers_422_naming_the_field(api, actor):
    case = open_case(actor("agent"))
    item = db.session.execute(select(WorkItem.id).where(WorkItem.case_id == case.id)).scalar_one()
    res = api("agent").post(f"/api/v1/work-items/{item}/complete",
                            json={"data": {"decision": "merge", "merge_into_case_no": case.case_no}})
    assert res.status_code == 422 and list(res.json["errors"]["json"]) == ["merge_into_case_no"]
