"""Waiting cases move to a newer version when nothing they did changed meaning; the others stay."""
from __future__ import annotations

import re

from sqlalchemy import select

from engine.cases import actions, migration
from engine.db import db
from engine.models import Case, CaseEvent, WorkItem
from engine.processes import lifecycle, versions as processes
from tests.engine.processes.test_versions import MODEL, V2, walk_to_review
from tests.factories import open_case, to_handling

RENAMED = MODEL.replace('name="回访"'.encode(), 'name="满意度回访"'.encode())
# The suspension step removed (an approved suspension goes straight back to handling): a case
# waiting there, suspended, has nowhere to wait in the new version.
NO_SUSPENDED = re.sub(rb'<bpmn:userTask id="suspended".*?</bpmn:userTask>', b"", MODEL, flags=re.S).replace(
    b'<bpmn:flowNodeRef>suspended</bpmn:flowNodeRef>', b"").replace(
    b'<bpmn:sequenceFlow id="f_resumed" name="\xe6\x81\xa2\xe5\xa4\x8d\xe5\x8a\x9e\xe7\x90\x86" '
    b'sourceRef="suspended" targetRef="handle" />', b"").replace(
    b'sourceRef="gw_suspension" targetRef="suspended"', b'sourceRef="gw_suspension" targetRef="handle"')
# and their shapes in the diagram
NO_SUSPENDED = re.sub(rb'<bpmndi:BPMNShape id="suspended_di".*?</bpmndi:BPMNShape>|'
                      rb'<bpmndi:BPMNEdge id="f_resumed_di".*?</bpmndi:BPMNEdge>', b"", NO_SUSPENDED, flags=re.S)


def published(xml: bytes, actor):
    version = processes.load_version(xml=xml, actor=actor("designer"))
    return lifecycle.publish(version_id=version.id, actor=actor("designer"))


def open_item(case_id: int) -> WorkItem:
    return db.session.execute(select(WorkItem).where(WorkItem.case_id == case_id, WorkItem.state == "open",
                                                     WorkItem.kind == "task")).scalars().first()


def test_a_case_in_handling_moves_to_v2_and_finishes_through_the_new_step(actor, dept):
    waiting = to_handling(actor, dept, lead="xs_xs")
    old_item = open_item(waiting.id)
    v2 = published(V2, actor)
    plan = migration.dry_run(actor=actor("designer"), to_version_id=v2.id)
    assert [(m.case_no, m.movable, m.reasons) for m in plan] == [(waiting.case_no, True, [])]
    assert db.session.get(Case, waiting.id).process_version_id != v2.id          # a dry run moves nothing
    [moved] = migration.migrate(actor=actor("designer"), to_version_id=v2.id)
    assert moved.moved
    case = db.session.get(Case, waiting.id, populate_existing=True)
    assert case.process_version_id == v2.id and case.stage == "handling"
    # The waiting task kept its id on the new spec: the handler's item (and claim) stays the same.
    assert open_item(case.id).id == old_item.id and open_item(case.id).task_name == "handle"
    [event] = db.session.execute(select(CaseEvent.data).where(CaseEvent.case_id == case.id,
                                                              CaseEvent.action == "migrated")).scalars()
    assert (event["from_version"], event["to_version"]) == (1, 2)
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="ok")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    assert open_item(case.id).task_name == "quality_check"                      # the new version's step


def test_a_case_past_the_changed_gateway_stays_and_says_why(actor, dept):
    at_visit = walk_to_review(actor, dept, open_case(actor("agent")))
    v2 = published(V2, actor)
    [plan] = migration.dry_run(actor=actor("designer"), to_version_id=v2.id)
    assert not plan.movable and "gw_review" in str(plan.reasons[0])
    [result] = migration.migrate(actor=actor("designer"), to_version_id=v2.id)
    assert not result.moved
    assert db.session.get(Case, at_visit.id, populate_existing=True).process_version_id != v2.id


def test_a_renamed_step_does_not_block_cases_that_did_it(actor, dept):
    at_visit = walk_to_review(actor, dept, open_case(actor("agent")))
    renamed = published(RENAMED, actor)
    [plan] = migration.dry_run(actor=actor("designer"), to_version_id=renamed.id)
    assert plan.movable, plan.reasons
    migration.migrate(actor=actor("designer"), to_version_id=renamed.id)
    assert db.session.get(Case, at_visit.id, populate_existing=True).process_version_id == renamed.id


def test_a_case_waiting_at_a_removed_step_cannot_move(actor, dept):
    assert b'id="suspended"' not in NO_SUSPENDED and b"f_resumed" not in NO_SUSPENDED
    waiting = to_handling(actor, dept, lead="xs_xs")
    actions._act("handle", waiting.id, actor("xs_xs_handler"), {"action": "suspension",
                                                                "suspension_reason": "等待司法鉴定"})
    suspended = actions._act("decide_suspension", waiting.id, actor("leader"), {"suspension_approved": True})
    assert suspended.stage == "suspended"
    moved_on = published(NO_SUSPENDED, actor)
    [plan] = migration.dry_run(actor=actor("designer"), to_version_id=moved_on.id)
    assert not plan.movable and any("suspended" in str(r) for r in plan.reasons), plan.reasons
    assert migration.migrate(actor=actor("designer"), to_version_id=moved_on.id)[0].moved is False
    assert db.session.get(Case, waiting.id, populate_existing=True).process_version_id != moved_on.id
