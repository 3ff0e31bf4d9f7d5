"""The head of a case's chain rides on the case row (`case.event_head`): a case action chains
its events without reading the trail, every other writer keeps the head, and a trail whose newest
rows were deleted is found by the next append instead of being silently extended."""
from __future__ import annotations

from sqlalchemy import delete, select, update

from engine.cases import actions, work_items
from engine.db import db
from engine.models import Case, CaseEvent, WorkItem
from engine.models.audit_verify import verify_events
from tests.factories import open_case, to_handling
from tests.sql_statements import recorded


def events_of(case_id: int) -> list[CaseEvent]:
    return db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
                              .execution_options(populate_existing=True)).scalars().all()


def head_of(case_id: int) -> str | None:
    return db.session.execute(select(Case.event_head).where(Case.id == case_id)).scalar()


def trail_reads(fn) -> int:
    """How many statements read the case_event table while fn runs."""
    with recorded() as seen:
        fn()
    return sum(s.lstrip().upper().startswith("SELECT") and "FROM case_event" in s for s in seen)


def test_intake_leaves_the_head_unknown_and_the_first_action_reads_it_once(actor):
    case = open_case(actor("agent"))
    assert head_of(case.id) is None          # kept off the intake: an UPDATE more per intake
    assert trail_reads(lambda: actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")) == 1
    assert head_of(case.id) == events_of(case.id)[-1].hash


def test_later_actions_chain_without_reading_the_trail(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    reply = lambda: actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved",  # noqa: E731
                                  reply_text="已修复。")
    assert trail_reads(reply) == 0
    events = events_of(case.id)
    assert head_of(case.id) == events[-1].hash and events[-1].prev_hash == events[-2].hash
    assert verify_events().breaks == []


def test_writers_outside_case_actions_keep_the_head(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    item = db.session.execute(select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.state == "open")).scalar()
    work_items.claim(item_id=item.id, actor=actor("xs_xs_handler"))             # record() beside a lock
    assert events_of(case.id)[-1].action == "claim" and head_of(case.id) == events_of(case.id)[-1].hash
    db.session.add(CaseEvent(case_id=case.id, actor_id=None, action="sms_appended", from_stage=case.stage,
                             to_stage=case.stage, data={"text": "还没修好"}))   # an ORM add
    db.session.commit()
    assert head_of(case.id) == events_of(case.id)[-1].hash
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已修复。")
    assert verify_events().breaks == []


def test_a_case_whose_head_is_unknown_reads_the_trail(actor, dept):
    """A case from before the column (or one a tool wrote around it): the trail decides."""
    case = to_handling(actor, dept, lead="xs_xs")
    db.session.execute(update(Case).where(Case.id == case.id).values(event_head=None))
    db.session.commit()
    assert trail_reads(lambda: actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved",
                                             reply_text="已修复。")) == 1
    assert head_of(case.id) == events_of(case.id)[-1].hash and verify_events().breaks == []


def test_deleting_the_newest_events_is_found_by_verify_and_by_the_next_append(actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    events = events_of(case.id)
    db.session.execute(delete(CaseEvent).where(CaseEvent.id == events[-1].id))
    db.session.commit()
    # the chain that is left holds, but it ends before the head the case row keeps
    (cut,) = verify_events().breaks
    assert (cut.row_id, cut.case_id, cut.problem, cut.expected, cut.stored) == (
        events[-2].id, case.id, "head", events[-1].hash, events[-2].hash)
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已修复。")
    (found,) = verify_events().breaks        # the next event links to the deleted one
    appended = events_of(case.id)[-1]
    assert (found.row_id, found.problem, found.expected, found.stored) == (
        appended.id, "link", events[-2].hash, events[-1].hash)


def test_verify_finds_a_head_without_its_trail_or_a_head_rewritten(actor, dept):
    first, rewritten, intact, last = (to_handling(actor, dept, lead="xs_xs") for _ in range(4))
    db.session.execute(delete(CaseEvent).where(CaseEvent.case_id.in_([first.id, last.id])))  # before and after
    db.session.execute(update(Case).where(Case.id == rewritten.id).values(event_head="0" * 64))   # every chain
    db.session.commit()
    found = {b.case_id: b for b in verify_events().breaks}
    assert set(found) == {first.id, rewritten.id, last.id}
    for emptied in (first, last):
        assert (found[emptied.id].problem, found[emptied.id].row_id, found[emptied.id].stored) == ("head", 0, None)
    assert (found[rewritten.id].expected, found[rewritten.id].stored) == ("0" * 64, events_of(rewritten.id)[-1].hash)
    assert head_of(intact.id) == events_of(intact.id)[-1].hash
