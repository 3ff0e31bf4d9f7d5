"""The worker's live view (queues for the wallboard) and the tracker's memory limits."""
from __future__ import annotations

import json

from telephony import scenarios
from telephony.classifier import CallTracker
from telephony.live import LiveCall, LiveView, parse_members

MEMBERS = ("queue|instance_id|uuid|session_uuid|cid_number|cid_name|system_epoch|joined_epoch|rejoined_epoch|"
           "bridge_epoch|abandoned_epoch|base_score|skill_score|serving_agent|serving_system|state|score\n"
           "hotline@default|single_box|m1|a1|13800000001|Caller|100|100|0|0|0|0|0||single_box|Waiting|0\n"
           "hotline@default|single_box|m2|a2|13800000002|Caller|90|90|0|0|0|0|0|1001@default|single_box|Trying|0\n"
           "+OK\n")


def test_members_output_is_parsed_by_its_header():
    rows = parse_members(MEMBERS)
    assert [(r["session_uuid"], r["state"], r["serving_agent"]) for r in rows] == [
        ("a1", "Waiting", ""), ("a2", "Trying", "1001@default")]
    assert parse_members("+OK\n") == [] and parse_members("") == []


def test_rebuild_adds_unknown_calls_drops_gone_ones_and_places_members():
    view = LiveView(clock=lambda: 130.0)
    view.calls["gone"] = LiveCall("gone")     # a call that ended while we were away
    channels = json.dumps({"rows": [{"uuid": "a1", "direction": "inbound", "created_epoch": "95", "cid_num": "13800000001"},
                                    {"uuid": "a2", "direction": "inbound", "created_epoch": "80"},
                                    {"uuid": "b9", "direction": "outbound"}]})
    assert view.rebuild(channels, {"hotline@default": MEMBERS}) == 2
    assert set(view.calls) == {"a1", "a2"}
    snap = view.snapshot(peak=True)
    assert snap["queues"] == [{"name": "hotline@default", "waiting": 1, "ringing": 1, "longest_wait": 40}]
    assert snap["peak"] is True and view.longest_queue() == 1


def test_events_move_a_call_through_the_stages_and_out():
    view = LiveView(clock=lambda: 2_000_000_000.0)
    leg, steps = scenarios.build_call("answered", 1_999_999_990.0, "core")
    seen = []
    for _, headers, _ in steps:
        view.on_event(dict(headers))
        if leg.uuid in view.calls:
            seen.append(view.calls[leg.uuid].stage)
    assert [s for i, s in enumerate(seen) if i == 0 or seen[i - 1] != s] == ["ivr", "queue", "ringing", "talking"]
    assert leg.uuid not in view.calls      # ended


def test_tracker_forgets_decided_calls_and_abandons_silent_ones():
    now = [0.0]
    tracker = CallTracker(grace=0.0, clock=lambda: now[0], remember=100.0, abandon=500.0)
    leg, steps = scenarios.build_call("agent", 1_700_000_000.0, "core")
    for _, headers, _ in steps:
        tracker.on_event(dict(headers))
    tracker.tick(force=True)
    assert leg.uuid in tracker.finished and not tracker.calls and not tracker.legs
    # late callcenter events of the decided call leave nothing behind
    tracker.on_event({"Event-Name": "CUSTOM", "Event-Subclass": "callcenter::info", "CC-Action": "member-queue-end",
                      "CC-Member-Session-UUID": leg.uuid})
    assert leg.uuid not in tracker.calls
    # a call whose end never arrives (events lost) is abandoned after `abandon`
    tracker.on_event({"Event-Name": "CHANNEL_CREATE", "Unique-ID": "silent", "Call-Direction": "inbound"})
    now[0] = 150.0
    tracker.tick()
    assert leg.uuid not in tracker.finished and "silent" in tracker.calls
    now[0] = 600.0
    tracker.tick()
    assert "silent" not in tracker.calls and "silent" not in tracker.seen
