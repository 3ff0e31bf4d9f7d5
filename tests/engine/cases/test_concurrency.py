"""Concurrent actions on one case, on PostgreSQL (row locks): nothing lost, nothing doubled."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from engine.db import db
from engine.models import Case, CaseEvent, Urge, WorkItem
from tests.factories import to_handling


@pytest.fixture(autouse=True)
def _postgres_only(is_postgres):
    if not is_postgres:
        pytest.skip("row-lock concurrency is a PostgreSQL test")


def run_together(calls):
    """Start every call at the same moment (one thread each); return their results in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def worker(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def handle_item(case_id):
    return db.session.execute(select(WorkItem.id).where(
        WorkItem.case_id == case_id, WorkItem.task_name == "handle", WorkItem.state == "open")).scalar_one()


def test_two_handlers_complete_the_same_item_exactly_one_wins(app, api, actor, dept):
    case = to_handling(actor, dept, lead="dh_hb")
    item_id = handle_item(case.id)
    body = {"data": {"action": "reply", "result": "resolved", "reply_text": "已处理"}}
    first, second = api("dh_hb_handler"), api("dh_handler")    # street handler and district handler

    def complete(who):
        def call():
            with app.test_client() as c:
                return c.post(f"/api/v1/work-items/{item_id}/complete", json=body, headers=who.headers).status_code
        return call

    codes = run_together([complete(first), complete(second)])
    assert sorted(codes) == [200, 409]
    db.session.expire_all()
    assert db.session.execute(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "handle")).scalar() == 1
    assert db.session.get(Case, case.id).stage == "review"


def test_fifty_concurrent_urges_and_a_completion_are_all_recorded(app, api, actor, dept):
    case = to_handling(actor, dept, lead="xs_xs")
    item_id = handle_item(case.id)
    start_version = case.version
    supervisor, handler = api("supervisor"), api("xs_xs_handler")

    def urge(n):
        def call():
            with app.test_client() as c:
                return c.post(f"/api/v1/cases/{case.id}/urge", json={"opinion": f"督办 {n}"},
                              headers=supervisor.headers).status_code
        return call

    def complete():
        with app.test_client() as c:
            return c.post(f"/api/v1/work-items/{item_id}/complete", headers=handler.headers, json={
                "data": {"action": "extension", "extension_days": 3, "extension_reason": "需勘查"}}).status_code

    calls = [urge(n) for n in range(25)] + [complete] + [urge(n) for n in range(25, 50)]
    codes = run_together(calls)
    urge_codes = codes[:25] + codes[26:]
    # An urge that queued behind the completion lands in stage extension_review: still urgeable.
    assert urge_codes == [201] * 50 and codes[25] == 200
    db.session.expire_all()
    fresh = db.session.get(Case, case.id)
    assert fresh.urge_count == 50 and fresh.stage == "extension_review"
    seqs = db.session.execute(select(Urge.seq).where(Urge.case_id == case.id).order_by(Urge.seq)).scalars().all()
    assert seqs == list(range(1, 51))
    assert db.session.execute(select(func.count()).select_from(WorkItem).where(
        WorkItem.case_id == case.id, WorkItem.kind == "urge")).scalar() == 50
    assert fresh.version == start_version + 51


def test_two_agents_register_the_same_call_at_once_one_case(app):
    """The unique (call_id, call_seq) pair decides: the second gets 409 naming the first case."""
    from engine.cases import service as cases
    from engine.organisation import actor_from_user, directory
    from tests.factories import INTAKE

    def register(login):
        def call():
            with app.app_context():
                who = actor_from_user(directory.get_user(login))
                try:
                    return cases.open_case(actor=who, data=INTAKE, call_id="same-call").case_no
                except cases.CallAlreadyRegistered as exc:
                    return f"409:{exc.case.case_no}"
                finally:
                    db.session.remove()
        return call

    results = run_together([register("agent"), register("shift_lead")])
    won = [r for r in results if not r.startswith("409:")]
    assert len(won) == 1 and results.count(f"409:{won[0]}") == 1
    assert db.session.execute(select(func.count()).select_from(Case).where(Case.call_id == "same-call")).scalar() == 1


def test_a_migration_and_a_completion_at_once_give_one_consistent_result(app, api, actor, dept):
    # Long because it checks both orders the race can take in one story.
    """The migration locks the case row like any action: the reply lands on v1 before the case
    moves (then the case, in review, moves or stays by its own rules), or after it, on v2; either
    way exactly one reply and one consistent blob, version and work items."""
    from engine.processes import lifecycle, versions as processes
    from tests.engine.processes.test_versions import V2

    case = to_handling(actor, dept, lead="dh_hb")
    item_id = handle_item(case.id)
    v2 = processes.load_version(xml=V2, actor=actor("designer"))
    lifecycle.publish(version_id=v2.id, actor=actor("designer"))
    v2_id = v2.id
    body = {"data": {"action": "reply", "result": "resolved", "reply_text": "已处理"}}
    handler, designer = api("dh_hb_handler"), api("designer")

    def call(who, url, payload):
        def run():
            with app.test_client() as c:
                res = c.post(url, json=payload, headers=who.headers)
                return res.status_code, res.get_json()
        return run

    (done, _), (migrated, moves) = run_together([
        call(handler, f"/api/v1/work-items/{item_id}/complete", body),
        call(designer, f"/api/v1/process-versions/{v2_id}/migrate", {"dry_run": False})])
    assert migrated == 200 and done in (200, 409)
    db.session.expire_all()
    row = db.session.get(Case, case.id)
    replies = db.session.execute(select(func.count()).select_from(CaseEvent).where(
        CaseEvent.case_id == case.id, CaseEvent.action == "handle")).scalar()
    if done == 409:                    # the item moved under the handler: it is open again on v2
        assert replies == 0 and row.process_version_id == v2_id and row.stage == "handling"
        res = handler.post(f"/api/v1/work-items/{handle_item(case.id)}/complete", json=body)
        assert res.status_code == 200
        replies = 1
    assert replies == 1
    db.session.expire_all()
    row = db.session.get(Case, case.id)
    assert row.stage == "review" and row.process_version_id in (case.process_version_id, v2_id)
    open_items = db.session.execute(select(WorkItem.task_name).where(
        WorkItem.case_id == case.id, WorkItem.state == "open")).scalars().all()
    assert open_items == ["review"]
    moved = [m for m in moves if m["case_id"] == case.id]
    assert (row.process_version_id == v2_id) == bool(moved and moved[0]["moved"])


def test_concurrent_intakes_take_consecutive_numbers_each_with_its_receipt(app):
    """The number is taken last (numbering.assign_case_no): eight agents at once, five cases each,
    get 40 distinct numbers with no gap after the day's earlier ones, and each receipt names its own."""
    from engine.cases import service as cases
    from engine.models import Notification
    from engine.organisation import actor_from_user, directory
    from tests.factories import INTAKE

    def register(k):
        def call():
            with app.app_context():
                who = actor_from_user(directory.get_user("agent"))
                try:
                    return [cases.open_case(actor=who, data={**INTAKE, "title": f"并发受理{k}-{i}"}).id
                            for i in range(5)]
                finally:
                    db.session.remove()
        return call

    ids = [case_id for batch in run_together([register(k) for k in range(8)]) for case_id in batch]
    rows = db.session.execute(select(Case.id, Case.case_no).where(Case.id.in_(ids))).all()
    numbers = sorted(no for _, no in rows)
    assert len(set(numbers)) == 40 and all(no.startswith("GD") and len(no) == 16 for no in numbers)
    day_prefix, seqs = numbers[0][:10], [int(no[10:]) for no in numbers]
    assert seqs == list(range(seqs[0], seqs[0] + 40))
    earlier = db.session.execute(select(func.count()).select_from(Case).where(
        Case.case_no.like(f"{day_prefix}%"), Case.id.not_in(ids))).scalar()
    assert seqs[0] == earlier + 1                                 # no gap after the day's earlier cases
    receipts = dict(db.session.execute(select(Notification.case_id, Notification.body).where(
        Notification.kind == "receipt", Notification.case_id.in_(ids))).all())
    assert all(no in receipts[case_id] for case_id, no in rows)
