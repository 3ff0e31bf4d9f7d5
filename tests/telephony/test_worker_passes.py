"""The worker writes a pass at once (issue 16): the feed moments and call records of every event it
took in one go share one transaction; a pass that cannot be written together is written one at
a time, so a refused row costs neither the moments nor the other calls."""
from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from engine.db import db
from engine.models import AgentStatus, CallFeed, CallRecord, TelephonyCommand
from engine.telephony import call_center, calls, live as call_live, passes
from engine.telephony.switch_hooks import SwitchHooks
from telephony import scenarios
from telephony.worker import HEARTBEAT, Worker
from tests.telephony.test_live_features import read

pytestmark = pytest.mark.timeout(60)


def events_of(outcome: str, agent: str = "1001@default") -> list[dict[str, str]]:
    return [dict(h) for _, h, _ in scenarios.build_call(outcome, 1_700_000_000.0, "core", agent=agent)[1]]


def feed_kinds(call_id: str) -> list[str]:
    return read(lambda: list(db.session.execute(
        select(CallFeed.kind).where(CallFeed.call_id == call_id).order_by(CallFeed.id)).scalars()))


def commits_during(app, fn) -> int:
    counted = []
    with app.app_context():
        engine = db.engine
    listener = lambda conn: counted.append(1)  # noqa: E731
    event.listen(engine, "commit", listener)
    try:
        fn()
    finally:
        event.remove(engine, "commit", listener)
    return len(counted)


def test_a_pass_of_three_answered_calls_is_one_commit_with_every_moment_and_record(app, actor):
    call_center.set_state(actor=actor("agent"), state="ready", extension="1001")
    db.session.commit()
    worker = Worker(lambda: None, calls.record, context=app.app_context, grace=0.0, hooks=SwitchHooks("sw-a"),
                    announce=False)
    played = [events_of("answered") for _ in range(3)]
    for steps in played:
        for h in steps:
            worker.take(h)
    worker.tracker.tick(force=True)
    assert commits_during(app, worker._write_new) == 1
    assert worker.recorded == 3 and worker.errors == 0
    for steps in played:
        uid = steps[0]["Unique-ID"]
        assert feed_kinds(uid) == ["offer", "answer", "end"]
        row = read(lambda: calls.get(uid))
        assert (row.outcome, row.agent, row.switch_id) == ("answered", "1001@default", "sw-a")
    # the seat went ringing → talking → ready three times, in order, and its switch was learnt
    status = read(lambda: db.session.get(AgentStatus, actor("agent").user_id))
    assert (status.state, status.call_id, status.switch_id) == ("ready", None, "sw-a")


def test_record_many_tells_new_from_known_calls_and_a_call_twice_in_a_pass_is_new_once(app):
    assert calls.record(call={"call_id": "known", "outcome": "ivr"})
    new = calls.record_many([{"call_id": "known", "outcome": "answered"}, {"call_id": "fresh", "outcome": "trunk"},
                             {"call_id": "fresh", "outcome": "ivr"}])
    db.session.commit()
    assert new == [False, True, False]
    assert calls.get("known").outcome == "ivr" and calls.get("fresh").outcome == "trunk"
    with pytest.raises(ValueError):     # refused before anything is written
        calls.record_many([{"call_id": "ok", "outcome": "ivr"}, {"call_id": "", "outcome": "ivr"}])
    db.session.rollback()
    assert calls.get("ok") is None


class RefusingHooks:
    """engine.telephony.live, whose store refuses one call (e.g. a row the database will not take)."""

    def __init__(self, bad_id: str) -> None:
        self.bad_id = bad_id

    def __getattr__(self, name):
        return getattr(call_live, name)

    def store(self, *, call: dict) -> bool:
        if call["call_id"] == self.bad_id:
            raise ValueError("refused")
        return calls.record(call=call)

    def write_pass(self, moments: list[dict], records: list[dict]) -> list[bool]:
        if any(r["call_id"] == self.bad_id for r in records):
            db.session.execute(CallFeed.__table__.insert(), [dict(kind="offer", call_id="half", agent=None)])
            raise ValueError("refused")      # after a write: the pass's transaction must leave nothing
        return passes.write_pass(moments, records)


def test_a_pass_that_cannot_be_written_together_is_written_one_at_a_time(app, actor):
    call_center.set_state(actor=actor("agent"), state="ready", extension="1001")
    db.session.commit()
    refused, good = events_of("ivr"), events_of("answered")
    hooks = RefusingHooks(refused[0]["Unique-ID"])
    now = [0.0]
    worker = Worker(lambda: None, hooks.store, context=app.app_context, grace=0.0, hooks=hooks, clock=lambda: now[0],
                    announce=False)
    for h in refused + good:
        worker.take(h)
    worker.tracker.tick(force=True)
    worker._write_new()
    uid = good[0]["Unique-ID"]
    assert feed_kinds(uid) == ["offer", "answer", "end"] and feed_kinds("half") == []
    # one by one, the refused call goes behind the others and the pass stops there (the database
    # may be away: no hammering); the next pass stores the good call first
    worker._write_new()
    assert read(lambda: calls.get(uid).outcome) == "answered" and worker.recorded == 1
    assert [o.uuid for o in worker.tracker.done] == [hooks.bad_id]     # retried on later passes
    now[0] = 601.0
    worker._write_new()
    assert [c["call_id"] for c in worker.set_aside] == [hooks.bad_id] and worker.tracker.done == []
    assert read(lambda: db.session.execute(select(func.count()).select_from(CallRecord)).scalar()) == 1


def test_a_hold_moment_in_a_pass_confirms_the_newest_hold_of_its_call_only(app):
    for call_id in ("held", "other"):
        call_live.queue_command(kind="hold", command=f"uuid_hold {call_id}", call_id=call_id, switch_id="sw")
    newest = call_live.queue_command(kind="hold", command="uuid_hold held", call_id="held", switch_id="sw")
    passes.write_pass([dict(kind="hold", call_id="held", agent="1001@default")], [])
    results = dict(read(lambda: db.session.execute(
        select(TelephonyCommand.id, TelephonyCommand.result).where(TelephonyCommand.kind == "hold")).all()))
    assert results.pop(newest.id).startswith("[confirmed: CHANNEL_HOLD]")
    assert list(results.values()) == [None, None]


class CountingHooks:
    def __init__(self) -> None:
        self.written: list[dict] = []

    def __getattr__(self, name):
        return getattr(call_live, name)

    def peak_settings(self) -> tuple[int, int]:
        return 0, 10

    def write_state(self, name: str, value: dict) -> None:
        self.written.append(value)


def test_an_unchanged_snapshot_is_written_only_as_a_heartbeat(app):
    hooks, now = CountingHooks(), [100.0]
    worker = Worker(lambda: None, calls.record, context=app.app_context, hooks=hooks, clock=lambda: now[0])
    worker.publish()
    now[0] += 1.0
    worker.publish()                       # nothing moved: not written again
    assert len(hooks.written) == 1
    for h in events_of("queue")[:6]:       # a caller enters the queue: the snapshot changes
        worker.take(h)
    worker.publish()
    assert len(hooks.written) == 2 and hooks.written[-1]["calls"] == 1
    now[0] += HEARTBEAT
    worker.publish()                       # unchanged, but the web must see the worker is alive
    assert len(hooks.written) == 3
