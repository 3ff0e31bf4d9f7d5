"""The audit's hash chains (docs/AUDIT.md): every case event, config change and anchor is linked
to its predecessor; verify finds the row that was altered or the link where one went missing."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select, text, update

from engine import cases as cases_domain
from engine.cases import actions
from engine.db import db, utcnow
from engine.models import Case, CaseEvent, ConfigChange
from engine.models.audit_chain import event_hash
from engine.models.audit_verify import verify_anchors, verify_changes, verify_events, write_anchors
from engine.organisation import settings
from tests.engine.audit_support import backfill, forget_anchors
from tests.factories import open_case, to_handling


@pytest.fixture(autouse=True)
def _no_anchors(app):
    forget_anchors()
    yield
    forget_anchors()


def events_of(case_id: int) -> list[CaseEvent]:
    return db.session.execute(select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
                              .execution_options(populate_existing=True)).scalars().all()


def closed_case(actor, dept):
    """Open, triage, dispatch, sign for, reply, review, visit: the whole lifecycle."""
    case = to_handling(actor, dept, lead="xs_xs")
    actions.reply(case_id=case.id, actor=actor("xs_xs_handler"), result="resolved", reply_text="已修复。")
    actions.review(case_id=case.id, actor=actor("dispatcher"), passed=True)
    actions.visit(case_id=case.id, actor=actor("visitor"), satisfaction="satisfied", resolved=True)
    return case


def test_a_lifecycle_is_one_unbroken_chain(actor, dept):
    case = closed_case(actor, dept)
    events = events_of(case.id)
    assert {"intake", "dispatch", "sign_for", "visit"} <= {e.action for e in events}
    assert events[0].prev_hash is None
    for before, after in zip(events, events[1:]):
        assert after.prev_hash == before.hash
    for event in events:
        assert event.hash == event_hash(event.__dict__, event.prev_hash)
    report = verify_events()
    assert (report.chains, report.rows, report.breaks) == (1, len(events), [])


def test_interleaved_cases_each_keep_their_own_chain(actor, dept):
    first, second = open_case(actor("agent")), open_case(actor("agent"), phone="13900139000")
    for case in (first, second, first, second):       # alternate the two cases' actions
        if len(events_of(case.id)) == 1:
            actions.triage(case_id=case.id, actor=actor("agent"), decision="dispatch")
        else:
            actions.dispatch(case_id=case.id, actor=actor("dispatcher"), mode="transfer",
                             lead_department_id=dept("dh_hb"), co_department_ids=[])
    ids = [e.id for e in events_of(first.id) + events_of(second.id)]
    assert sorted(ids) != ids                         # the ids of the two cases do interleave
    for case in (first, second):
        events = events_of(case.id)
        assert [e.prev_hash for e in events] == [None] + [e.hash for e in events[:-1]]
    report = verify_events()
    assert (report.chains, report.breaks) == (2, [])


def test_a_tampered_row_is_found_and_only_it(actor, dept):
    case = closed_case(actor, dept)
    other = closed_case(actor, dept)
    victim = events_of(case.id)[3]
    db.session.execute(text("UPDATE case_event SET data = :data WHERE id = :id"),
                       {"data": '{"reply_text": "forged"}', "id": victim.id})
    db.session.execute(text("UPDATE case_event SET actor_id = NULL WHERE id = :id"), {"id": events_of(other.id)[-1].id})
    db.session.commit()
    breaks = verify_events().breaks
    assert [(b.row_id, b.case_id, b.problem) for b in breaks] == [
        (victim.id, case.id, "altered"), (events_of(other.id)[-1].id, other.id, "altered")]
    assert breaks[0].stored == victim.hash and breaks[0].expected != victim.hash


def test_a_deleted_row_breaks_the_next_link(actor, dept):
    case = closed_case(actor, dept)
    events = events_of(case.id)
    db.session.execute(delete(CaseEvent).where(CaseEvent.id == events[2].id))
    db.session.commit()
    (found,) = verify_events().breaks
    assert (found.row_id, found.problem, found.expected, found.stored) == (
        events[3].id, "link", events[1].hash, events[2].hash)


def test_a_row_written_around_the_chain_is_unsealed(actor, dept):
    case = open_case(actor("agent"))
    db.session.execute(text("INSERT INTO case_event (case_id, action, data, created_at) "
                            "VALUES (:case, 'note', '{}', :at)"), {"case": case.id, "at": utcnow()})
    db.session.commit()
    (found,) = verify_events().breaks
    assert (found.case_id, found.problem, found.stored) == (case.id, "unsealed", None)


def test_events_added_through_the_orm_and_outside_actions_are_chained(actor, dept):
    """The SMS append (ORM add), a print (record_events without a case action), a claim."""
    case = to_handling(actor, dept, lead="xs_xs")
    db.session.add(CaseEvent(case_id=case.id, actor_id=None, action="sms_appended", from_stage=case.stage,
                             to_stage=case.stage, data={"text": "还没修好", "score": 1.0}))
    db.session.add(CaseEvent(case_id=case.id, actor_id=None, action="sms_appended", from_stage=case.stage,
                             to_stage=case.stage, data={"text": "第二条"}))
    db.session.commit()
    cases_domain.record_events([dict(case_id=case.id, actor_id=actor("dispatcher").user_id, action="printed",
                                     from_stage=case.stage, to_stage=case.stage, data={"kind": "transfer-slip"},
                                     created_at=utcnow())])
    db.session.commit()
    actions_seen = [e.action for e in events_of(case.id)]
    assert actions_seen[-3:] == ["sms_appended", "sms_appended", "printed"]
    assert verify_events().breaks == []


def test_config_changes_are_one_chain_and_a_changed_row_is_found(actor):
    backfill()
    start = db.session.execute(select(func.max(ConfigChange.id))).scalar()
    admin = actor("admin")
    before = settings.snapshot()["statistics.rollup_days"]
    for days in (30, 31, before):
        settings.set_parameter(actor=admin, name="statistics.rollup_days", value=days, reason="测试")
    rows = db.session.execute(select(ConfigChange).where(ConfigChange.id > start)
                              .order_by(ConfigChange.id)).scalars().all()
    assert len(rows) == 3 and [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert verify_changes().breaks == [] and verify_changes(after_id=start).rows == 3
    db.session.execute(text("UPDATE config_change SET reason = 'nothing to see' WHERE id = :id"), {"id": rows[1].id})
    db.session.commit()
    (found,) = verify_changes().breaks
    assert (found.table, found.row_id, found.problem) == ("config_change", rows[1].id, "altered")


def test_anchors_find_a_case_whose_every_event_was_deleted(actor, dept):
    kept, erased = closed_case(actor, dept), closed_case(actor, dept)
    backfill()
    anchors = write_anchors(utcnow() + timedelta(hours=1))
    assert [a.chain for a in anchors] == ["case_event", "config_change"]
    assert verify_anchors().breaks == []
    assert write_anchors(utcnow() + timedelta(hours=1)) == []        # nothing new since
    db.session.execute(delete(CaseEvent).where(CaseEvent.case_id == erased.id))
    db.session.commit()
    (lost,) = verify_events().breaks                  # the case row still names the head it lost
    assert (lost.case_id, lost.problem, lost.stored) == (erased.id, "head", None)
    db.session.execute(update(Case).where(Case.id == erased.id).values(event_head=None))   # a case from before
    db.session.commit()                                                                     # the column
    assert verify_events().breaks == []               # the remaining chain is whole...
    (found,) = verify_anchors().breaks                # ...but its anchor's range is not
    assert (found.row_id, found.problem) == (anchors[0].id, "range of case_event")
    assert verify_events().chains == 1 and events_of(kept.id)


def test_anchors_are_chained_and_cover_only_rows_past_the_margin(actor, dept):
    case = open_case(actor("agent"))
    assert [a.chain for a in write_anchors(utcnow() - timedelta(hours=1))] in ([], ["config_change"])
    later = write_anchors(utcnow() + timedelta(hours=1))
    assert any(a.chain == "case_event" and a.last_id == events_of(case.id)[-1].id for a in later)
    db.session.execute(text("UPDATE audit_anchor SET row_count = row_count + 1 WHERE id = :id"), {"id": later[0].id})
    db.session.commit()
    assert [b.problem for b in verify_anchors().breaks][0] == "altered"


def test_the_migration_chains_a_database_that_has_events(actor, dept):
    closed_case(actor, dept)
    open_case(actor("agent"))
    db.session.execute(text("UPDATE case_event SET prev_hash = NULL, hash = NULL"))
    db.session.execute(text("UPDATE config_change SET prev_hash = NULL, hash = NULL"))
    db.session.commit()
    assert verify_events().breaks                     # before: unsealed
    backfill()
    events, changes = verify_events(), verify_changes()
    assert (events.chains, events.breaks, changes.breaks) == (2, [], [])
    assert changes.rows > 0
