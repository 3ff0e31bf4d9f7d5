"""The worker: one call record per call, from simulated scenarios, idempotent, across a dropped connection."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from api.cli_telephony import selftest_run
from engine.db import db
from engine.models import CallRecord
from engine.models.call import OUTCOMES
from engine.telephony import calls
from engine.telephony.switch_hooks import SwitchHooks
from telephony import esl, scenarios
from telephony.records import cdr_headers
from telephony.simulator import Simulator
from telephony.worker import DEFAULT_MIX, Worker

pytestmark = pytest.mark.timeout(60)


def play_through_worker(app, outcomes: list[str]):
    sim = Simulator().start()
    factory = lambda: esl.EslClient(esl.Settings(port=sim.port, backoff=(0.05, 0.2), connect_timeout=1.0))  # noqa: E731
    worker = Worker(factory, calls.record, context=app.app_context, grace=0.3, hooks=SwitchHooks(None)).start()
    try:
        worker.client.wait_connected(5)
        sim.wait_for_clients()
        legs = sim.play(outcomes, rate=200, step=0.0005)
        deadline = time.monotonic() + 10
        while worker.recorded < len(legs) and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop()
        sim.close()
    return legs, worker


def count_rows() -> int:
    db.session.rollback()
    n = db.session.execute(select(func.count()).select_from(CallRecord)).scalar()
    db.session.rollback()  # SQLite begins IMMEDIATE: release the lock for the worker's own session
    return n


@pytest.mark.parametrize("outcome", scenarios.OUTCOMES)
def test_each_outcome_is_recorded_once(app, outcome):
    legs, worker = play_through_worker(app, [outcome])
    assert worker.recorded == 1 and worker.repeated == 0 and worker.errors == 0
    db.session.rollback()
    row = calls.get(legs[0].uuid)
    assert row.outcome == outcome and row.caller == legs[0].number and count_rows() == 1
    assert row.arrived_at and row.ended_at and row.arrived_at <= row.ended_at
    if outcome != "trunk":
        assert row.ivr_at
    if outcome in ("answered", "queue", "agent", "overflow"):
        assert row.queue == scenarios.QUEUE and row.queued_at
    if outcome == "answered":
        assert row.agent and row.offered_at and row.answered_at
        assert row.arrived_at <= row.queued_at <= row.offered_at <= row.answered_at <= row.ended_at
        assert row.recording_path == f"/var/lib/freeswitch/recordings/{legs[0].uuid}.wav"
    if outcome == "agent":
        assert row.offered_at and not row.answered_at
    assert row.callback_requested == (outcome == "dissuaded")
    assert row.callback_number == (legs[0].number if outcome == "dissuaded" else None)


def steps_of(outcome: str) -> list[dict[str, str]]:
    return [dict(h) for _, h, _ in scenarios.build_call(outcome, 1_700_000_000.0, "core")[1]]


def test_the_same_events_twice_record_nothing_twice(app):
    events = [h for outcome in OUTCOMES for h in steps_of(outcome)]
    first = Worker(lambda: None, calls.record, grace=0.0)
    for h in events:
        first.handle(h)
    first.tracker.tick(force=True)
    first._write_new()
    assert first.recorded == 7 and count_rows() == 7
    # a replay to the same worker (after a reconnect) and to a fresh worker (a restart)
    second = Worker(lambda: None, calls.record, grace=0.0)
    for h in events:
        first.handle(h)
        second.handle(h)
    for worker in (first, second):
        worker.tracker.tick(force=True)
        worker._write_new()
    assert first.recorded == 7 and first.repeated == 0  # the tracker already knew them
    assert second.recorded == 0 and second.repeated == 7  # the unique call id caught them
    assert count_rows() == 7
    assert calls.summary() == dict.fromkeys(OUTCOMES, 1)


def test_record_is_idempotent_by_call_id(app):
    call = {"call_id": "c-1", "outcome": "ivr", "caller": "13800000000"}
    assert calls.record(call=call) is True
    assert calls.record(call={**call, "outcome": "answered"}) is False
    assert calls.get("c-1").outcome == "ivr" and count_rows() == 1
    with pytest.raises(ValueError):
        calls.record(call={"call_id": "c-2", "outcome": "lost"})


def test_cdr_documents_classify_like_events():
    sim = Simulator()
    try:
        a, steps = scenarios.build_call("agent", 1_700_000_000.0, sim.core_uuid)
        for _, headers, _ in steps:
            sim._track(headers)
    finally:
        sim.server.close()
    assert [cdr_headers(cdr)["Call-Direction"] for cdr in sim.cdrs] == ["inbound", "outbound"]
    worker = Worker(lambda: None, lambda **kw: True, grace=0.0)
    assert worker.feed_cdrs(sim.cdrs) == 2
    assert [(o.uuid, o.outcome) for o in worker._write_new()] == [(a.uuid, "agent")]


def test_selftest_command_prints_the_summary_last(app):
    result = app.test_cli_runner().invoke(args=["telephony", "selftest", "--calls", "35"])
    assert result.exit_code == 0, result.output
    expected = {k: 0 for k in OUTCOMES}
    for outcome in scenarios.pick_outcomes(DEFAULT_MIX, 35, seed=35):
        expected[outcome] += 1
    assert all(expected.values())
    line = "calls=35 " + " ".join(f"{k}={v}" for k, v in expected.items()) + " lost=0 duplicated=0"
    assert result.output.strip().splitlines()[-1] == line


def test_a_drop_in_the_middle_of_100_live_calls_keeps_one_record_per_call(app):
    result = selftest_run(app, 100, rate=200, step=0.002, drop_after=0.25)
    assert result["reconnects"] >= 1 and result["reconciled"] > 0
    assert (result["lost"], result["duplicated"], result["wrong"]) == (0, 0, 0)
    assert sum(result[k] for k in OUTCOMES) == 100


def test_only_hotline_calls_are_recorded_when_asked(app):
    hotline = steps_of("answered")
    internal = [{k: v for k, v in h.items() if k != "variable_hotline_call"}
                for h in steps_of("ivr")]   # a seat-to-seat call: an inbound leg without the mark
    worker = Worker(lambda: None, calls.record, grace=0.0, hotline_variable="hotline_call")
    for h in hotline + internal:
        worker.handle(h)
    worker.tracker.tick(force=True)
    worker._write_new()
    assert (worker.recorded, worker.ignored) == (1, 1) and count_rows() == 1
    assert calls.summary()["answered"] == 1 and calls.summary()["ivr"] == 0


def test_a_call_the_store_refuses_does_not_hold_up_the_others(app):
    now = [0.0]
    refused = steps_of("ivr")
    bad_id = refused[0]["Unique-ID"]

    def store(call):
        if call["call_id"] == bad_id:
            raise ValueError("refused")
        return calls.record(call=call)

    worker = Worker(lambda: None, store, grace=0.0, clock=lambda: now[0])
    for h in refused + steps_of("answered") + steps_of("trunk"):
        worker.handle(h)
    for _ in range(3):
        worker.tracker.tick(force=True)
        worker._write_new()
    assert worker.recorded == 2 and count_rows() == 2 and worker.set_aside == []
    assert [o.uuid for o in worker.tracker.done] == [bad_id]          # still retried
    now[0] = 601.0
    worker._write_new()
    assert [c["call_id"] for c in worker.set_aside] == [bad_id] and worker.tracker.done == []


def test_strings_from_the_switch_are_fitted_to_their_columns(app):
    assert calls.record(call={"call_id": "long", "outcome": "ivr", "caller": "1" * 100, "queue": "q" * 80})
    row = calls.get("long")
    assert (row.caller, row.queue) == ("1" * 64, "q" * 64)


def test_late_events_of_a_decided_call_leave_nothing_behind(app):
    steps = steps_of("answered")
    worker = Worker(lambda: None, calls.record, grace=0.0)
    offer = next(h for h in steps if h.get("CC-Action") == "agent-offering")
    for h in steps:
        if h is not offer:
            worker.handle(h)
    worker.tracker.tick(force=True)
    worker._write_new()
    assert worker.recorded == 1
    worker.handle(offer)            # arrives after the call was decided (e.g. from its CDR)
    assert worker._times == {} and worker._finals == {}
