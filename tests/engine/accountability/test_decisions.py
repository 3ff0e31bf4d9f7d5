"""The leader's decision on an accountability record: from the admin's list, with a reason, once,
by a center leader or the leader of the person's department (subtree)."""
from __future__ import annotations

import pytest

from engine import accountability
from engine.accountability import records
from engine.errors import PermissionDenied, ValidationFailed, WrongState
from engine.organisation import settings
from tests.engine.deadlines.test_deadlines import at, clock  # noqa: F401  (fixture)
from tests.engine.deadlines.test_time_limit_rules import consult


@pytest.fixture
def record(actor, dept, clock):
    consult(actor, dept, clock)                     # xs_xs's handler misses 10/8 17:30
    clock.at = at(2026, 10, 9, 9)
    accountability.detection.find()
    [row] = records.listing(actor("leader"), records.Filters()).items
    return row["id"]


def test_the_default_decisions_are_the_seeds(app):
    assert accountability.decisions() == ["批评教育", "诫勉谈话", "书面检查", "通报批评", "不予追究"]


def test_a_reason_and_a_listed_decision_are_required(actor, record):
    with pytest.raises(ValidationFailed) as refused:
        accountability.decide(actor=actor("leader"), record_id=record, decision="批评教育", reason="  ")
    assert set(refused.value.errors) == {"reason"}
    with pytest.raises(ValidationFailed) as refused:
        accountability.decide(actor=actor("leader"), record_id=record, decision="开除", reason="x")
    assert set(refused.value.errors) == {"decision"}


def test_the_department_leader_of_the_subtree_decides_once(actor, record, clock):
    with pytest.raises(PermissionDenied):                      # another department's leader
        accountability.decide(actor=actor("jtj_leader"), record_id=record, decision="批评教育", reason="x")
    with pytest.raises(PermissionDenied):                      # sees all, decides nothing
        accountability.decide(actor=actor("supervisor"), record_id=record, decision="批评教育", reason="x")
    clock.at = at(2026, 10, 10, 9)
    done = accountability.decide(actor=actor("xs_leader"), record_id=record, decision="诫勉谈话", reason="首次超期")
    assert (done.decision, done.decision_reason, done.decided_at) == ("诫勉谈话", "首次超期", at(2026, 10, 10, 9))
    assert done.decided_by_id == actor("xs_leader").user_id
    with pytest.raises(WrongState):
        accountability.decide(actor=actor("leader"), record_id=record, decision="通报批评", reason="再议")
    assert records.get(actor("leader"), record).decision == "诫勉谈话"


def test_the_list_is_the_admins(actor, record):
    settings.set_parameter(actor=actor("admin"), name="accountability.decisions", value="提醒，约谈、 提醒")
    assert accountability.decisions() == ["提醒", "约谈"]
    with pytest.raises(ValidationFailed):
        settings.set_parameter(actor=actor("admin"), name="accountability.decisions", value=" 、 ")
    with pytest.raises(ValidationFailed):
        accountability.decide(actor=actor("leader"), record_id=record, decision="批评教育", reason="x")
    assert accountability.decide(actor=actor("leader"), record_id=record, decision="约谈", reason="x").decision == "约谈"


def test_a_department_leader_sees_only_their_subtree(actor, record):
    assert records.listing(actor("xs_leader"), records.Filters()).total == 1
    assert records.listing(actor("jtj_leader"), records.Filters()).total == 0
    with pytest.raises(PermissionDenied):
        records.get(actor("jtj_leader"), record)
    with pytest.raises(PermissionDenied):
        records.listing(actor("agent"), records.Filters())
