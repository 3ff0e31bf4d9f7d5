"""Loss classification: one outcome per call, from simulated scenarios over TCP and from rules."""
from __future__ import annotations

import time

import pytest

from telephony import esl, scenarios
from telephony.classifier import CallTracker, classify
from tests.telephony.helpers import running

pytestmark = pytest.mark.timeout(30)


def track_over_tcp(outcomes: list[str], grace: float = 0.3) -> tuple[list, CallTracker]:
    """Play the calls through the simulator, receive them with the client, classify them."""
    tracker = CallTracker(grace=grace)
    with running() as (sim, client):
        client.wait_connected(5)
        sim.wait_for_clients()
        legs = sim.play(outcomes, rate=200, step=0.0005)
        deadline = time.monotonic() + 10
        while len(tracker.done) < len(legs) and time.monotonic() < deadline:
            try:
                tracker.on_event(client.events.get(timeout=0.05).headers)
            except Exception:  # queue.Empty: let the grace period run out
                tracker.tick()
    return legs, tracker


@pytest.mark.parametrize("outcome", scenarios.OUTCOMES)
def test_each_simulated_outcome_is_classified(outcome):
    legs, tracker = track_over_tcp([outcome])
    assert [(o.uuid, o.outcome) for o in tracker.done] == [(legs[0].uuid, outcome)]


def test_answered_call_carries_agent_queue_and_recording():
    legs, tracker = track_over_tcp(["answered"])
    result = tracker.done[0]
    assert result.agent and result.queue == scenarios.QUEUE
    assert result.recording == f"/var/lib/freeswitch/recordings/{legs[0].uuid}.wav"
    assert result.caller == legs[0].number


def test_a_mix_gives_exactly_one_outcome_per_call():
    outcomes = list(scenarios.pick_outcomes({k: 1 for k in scenarios.OUTCOMES}, 35, seed=7))
    legs, tracker = track_over_tcp(outcomes)
    got = {o.uuid: o.outcome for o in tracker.done}
    assert len(tracker.done) == len(got) == len(legs)
    assert got == {leg.uuid: outcome for leg, outcome in zip(legs, outcomes)}


def steps_of(outcome: str) -> list[dict[str, str]]:
    return [dict(h) for _, h, _ in scenarios.build_call(outcome, 1_700_000_000.0, "core")[1]]


def test_agent_loss_waits_for_the_late_agent_leg():
    now = [0.0]
    tracker = CallTracker(grace=3.0, clock=lambda: now[0])
    events = steps_of("agent")
    a_done = next(i for i, h in enumerate(events) if h["Event-Name"] == "CHANNEL_HANGUP_COMPLETE")
    for h in events[:a_done + 1]:
        tracker.on_event(h)
    assert tracker.done == []  # B still ringing: no decision yet
    for h in events[a_done + 1:]:
        tracker.on_event(h)
    assert [o.outcome for o in tracker.done] == ["agent"]


def test_queue_loss_is_decided_when_the_grace_period_ends():
    now = [0.0]
    tracker = CallTracker(grace=3.0, clock=lambda: now[0])
    for h in steps_of("queue"):
        tracker.on_event(h)
    assert tracker.done == []
    now[0] = 3.1
    assert [o.outcome for o in tracker.tick()] == ["queue"]


def test_a_replayed_hangup_complete_does_not_count_twice():
    tracker = CallTracker(grace=0.0)
    events = steps_of("ivr")
    for h in events + events[-1:]:
        tracker.on_event(h)
    assert [o.outcome for o in tracker.flush()] == ["ivr"]


@pytest.mark.parametrize("variables, expected", [
    ({"cc_cause": "answered"}, "answered"),
    ({"answer_epoch": "0"}, "trunk"),
    ({"answer_epoch": "5"}, "ivr"),
    ({"answer_epoch": "5", "callback_requested": "true"}, "dissuaded"),
    ({"answer_epoch": "5", "cc_queue_joined_epoch": "6", "cc_cancel_reason": "NO_AGENT_TIMEOUT"}, "overflow"),
    ({"answer_epoch": "5", "cc_queue_joined_epoch": "6", "cc_cancel_reason": "BREAK_OUT"}, "queue"),
])
def test_rules_work_on_cdr_variables(variables, expected):
    assert classify({f"variable_{k}": v for k, v in variables.items()}) == expected


def test_break_out_with_a_cancelled_agent_leg_is_agent_loss():
    a = {"variable_answer_epoch": "5", "variable_cc_queue_joined_epoch": "6", "variable_cc_cancel_reason": "BREAK_OUT"}
    assert classify(a, fail_causes=["ORIGINATOR_CANCEL"]) == "agent"
    assert classify(a, legs=[{"Hangup-Cause": "ORIGINATOR_CANCEL", "variable_answer_epoch": "0"}]) == "agent"
    assert classify(a, fail_causes=["NO_ANSWER"]) == "queue"


def test_connection_events_are_ignored():
    tracker = CallTracker(grace=0.0)
    tracker.on_event({"Event-Name": esl.CONNECTED})
    assert tracker.flush() == []
