"""The wallboard (监控大屏): its figures from call records, agent states and the worker's live
snapshot; who may see it; the JSON and event-stream feeds; the smart-dissuasion switch."""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select

from api.pages.telephony import wallboard as page
from engine.db import db
from engine.deadlines.workdays import TZ
from engine.models import AgentStatus, ConfigChange, Parameter
from engine.organisation import directory as org, settings
from engine.ports import FixedClock, set_clock
from engine.telephony import calls, live as call_live
from tests.api.test_pages import _fresh_limits, csrf, signin  # noqa: F401  (fixtures)

PEAK = ("telephony.peak_mode", "telephony.peak_queue_length")


def at(y, m, d, hh=10, mm=0, ss=0) -> datetime:
    """A Shanghai wall-clock moment as stored (naive UTC)."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


NOW = at(2026, 11, 2, 10, 0)


@pytest.fixture
def clock():
    fixed = FixedClock(NOW)
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


@pytest.fixture(autouse=True)
def _peak_defaults(app):
    """The peak parameters are not reset between tests by the shared fixture: these tests put
    them back to their defaults (the audit rows they wrote stay, as in real life)."""
    yield
    db.session.rollback()
    db.session.execute(delete(Parameter).where(Parameter.name.in_(PEAK)))
    db.session.commit()


def call(call_id: str, outcome: str, arrived: datetime, *, queued_after: int | None = None,
         answered_after: int | None = None, **extra) -> None:
    """One call record as the telephony worker writes it; offsets in seconds after arrival / queueing."""
    queued = arrived + timedelta(seconds=queued_after) if queued_after is not None else None
    answered = queued + timedelta(seconds=answered_after) if queued and answered_after is not None else None
    assert calls.record(call={"call_id": call_id, "outcome": outcome, "arrived_at": arrived,
                              "ivr_at": arrived + timedelta(seconds=1) if outcome != "trunk" else None,
                              "queued_at": queued, "answered_at": answered, **extra})


def seat(login: str, extension: str, state: str) -> None:
    db.session.add(AgentStatus(user_id=org.get_user(login).id, extension=extension, state=state, state_since=NOW))
    db.session.commit()


SNAPSHOT = {"queues": [{"name": "hotline@default", "waiting": 3, "ringing": 1, "longest_wait": 42},
                       {"name": "vip@default", "waiting": 2, "ringing": 0, "longest_wait": 75}],
            "stages": {"ivr": 4, "queue": 5}, "calls": 9, "peak": True}


@pytest.fixture
def busy_day(clock):
    """Today (2 Nov 2026, 10:00 in Shanghai): 11 calls, 7 of them queued and 3 of those answered
    within 15 seconds; yesterday: 2 calls that must not count; 5 agents at a phone; a snapshot."""
    morning = at(2026, 11, 2, 9, 0)
    call("a-quick", "answered", morning, queued_after=20, answered_after=10)
    call("a-on-15s", "answered", morning + timedelta(minutes=1), queued_after=20, answered_after=15)
    call("a-slow", "answered", morning + timedelta(minutes=2), queued_after=20, answered_after=40)
    call("a-direct", "answered", morning + timedelta(minutes=3))               # never queued: not in the rate
    # 00:10 in Shanghai is still the previous day in UTC: it belongs to today all the same
    call("a-after-midnight", "answered", at(2026, 11, 2, 0, 10), queued_after=5, answered_after=3)
    call("l-trunk", "trunk", morning + timedelta(minutes=4))
    call("l-ivr", "ivr", morning + timedelta(minutes=5))
    call("l-queue", "queue", morning + timedelta(minutes=6), queued_after=20)
    call("l-agent", "agent", morning + timedelta(minutes=7), queued_after=20)
    call("overflow", "overflow", morning + timedelta(minutes=8), queued_after=20)
    call("dissuaded", "dissuaded", morning + timedelta(minutes=9), callback_requested=True, caller="13800138000",
         callback_number="13800138000")
    # yesterday, 23:50 in Shanghai (the same UTC date as today's 00:10 call)
    call("y-answered", "answered", at(2026, 11, 1, 23, 50), queued_after=5, answered_after=2)
    call("y-dissuaded", "dissuaded", at(2026, 11, 1, 23, 55), callback_requested=True, caller="13900139000",
         callback_number="13900139000")
    for login, ext, state in (("agent", "8001", "ready"), ("visitor", "8002", "ready"), ("dispatcher", "8003", "talking"),
                              ("supervisor", "8004", "ringing"), ("shift_lead", "8005", "break"),
                              ("leader", "8006", "logged_out")):
        seat(login, ext, state)
    call_live.write_state("live", SNAPSHOT)
    db.session.rollback()


def figures(client) -> dict:
    res = client.get("/wallboard/data")
    assert res.status_code == 200, res.data
    assert res.headers["Cache-Control"] == "no-store" and res.mimetype == "application/json"
    return res.get_json()


def test_the_figures_come_from_todays_calls_the_agents_and_the_snapshot(busy_day, signin):
    board = figures(signin("shift_lead"))
    assert board["offered"] == 11 and board["answered"] == 5
    assert {x["stage"]: x["count"] for x in board["loss"]} == {"trunk": 1, "ivr": 1, "queue": 1, "agent": 1}
    assert board["loss_total"] == 4 and board["overflow"] == 1 and board["dissuaded"] == 1
    # 7 calls reached a queue today; 3 were answered within 15 s of joining it (15 s itself counts)
    assert board["answer_rate_15s"] == round(3 / 7, 3) and board["answer_rate_text"] == "42.9%"
    assert board["answer_rate_alarm"] is True
    # the callback list is not a day's figure: yesterday's open callback is still to be made
    assert board["callbacks_open"] == 2
    assert [(a["state"], a["count"], a["label"]) for a in board["agents"]] == [
        ("ready", 2, "示闲"), ("ringing", 1, "振铃"), ("talking", 1, "通话中"), ("break", 1, "小休")]
    assert board["queues"] == [
        {"name": "hotline@default", "label": "12345 热线队列", "waiting": 3, "ringing": 1, "longest_wait": 42,
         "longest_wait_text": "00:42", "alarm": False},
        {"name": "vip@default", "label": "队列 vip", "waiting": 2, "ringing": 0, "longest_wait": 75,
         "longest_wait_text": "01:15", "alarm": True}]
    assert board["waiting"] == 5 and board["longest_wait_text"] == "01:15" and board["longest_wait_alarm"] is True
    assert board["live_stale"] is False and board["stale_label"] == "" and board["live_at"] == "10:00:00"
    assert board["clock"] == "10:00:00"
    assert board["peak"] == {"on": True, "mode": 2, "queue_length": 30, "state_label": "劝阻已开启",
                             "mode_label": "自动(排队≥30人)",
                             "mode_labels": {"0": "关闭", "1": "开启", "2": "自动(排队≥30人)"}}


def test_the_day_starts_at_midnight_in_shanghai(clock):
    assert page.day_start() == datetime(2026, 11, 1, 16, 0)          # 2 Nov 00:00 +08:00
    clock.at = at(2026, 11, 2, 7, 59)                                # 1 Nov 23:59 UTC: still 2 Nov here
    assert page.day_start() == datetime(2026, 11, 1, 16, 0)


def test_yesterdays_calls_drop_off_at_midnight(busy_day, clock, signin):
    lead = signin("shift_lead")
    clock.at = at(2026, 11, 3, 0, 1)             # a minute into the next day: nothing yet
    board = figures(lead)
    assert (board["offered"], board["answered"], board["answer_rate_15s"], board["answer_rate_text"]) == (0, 0, None, "—")
    assert board["answer_rate_alarm"] is False and board["callbacks_open"] == 2


def test_a_snapshot_older_than_ten_seconds_is_flagged_stale(busy_day, clock, signin):
    lead = signin("shift_lead")
    clock.at = NOW + timedelta(seconds=11)
    board = figures(lead)
    assert board["live_stale"] is True
    assert board["stale_label"] == "实时数据已过时：话务程序最后一次上报于 10:00:00。"
    page_html = lead.get("/wallboard").get_data(as_text=True)
    assert 'id="wallboard-stale" class="wb-stale" role="alert" >' in page_html      # shown (not hidden)
    assert "话务程序最后一次上报于 10:00:00" in page_html


def test_an_empty_board_before_the_worker_ever_reported(clock, signin):
    lead = signin("shift_lead")
    board = figures(lead)
    assert board["live_stale"] is True and board["live_at"] is None and board["queues"] == []
    assert board["stale_label"] == "实时数据已过时：尚未收到话务程序的上报。"
    assert (board["waiting"], board["longest_wait_text"], board["offered"], board["answer_rate_text"]) == (0, "00:00", 0, "—")
    assert [a["count"] for a in board["agents"]] == [0, 0, 0, 0]
    assert "交换机未上报任何队列。" in lead.get("/wallboard").get_data(as_text=True)


def test_the_page_shows_the_figures_in_large_format(busy_day, signin):
    res = signin("shift_lead").get("/wallboard")
    assert res.status_code == 200
    html = res.get_data(as_text=True)
    assert "<h1>监控大屏</h1>" in html
    assert 'data-field="offered">11<' in html and 'data-field="answered">5<' in html
    assert 'data-field="answer_rate_text">42.9%<' in html and 'data-field="callbacks_open">2<' in html
    assert 'id="wb-rate" data-alarm="answer_rate_alarm"' in html and 'class="wb-tile alarm" id="wb-rate"' in html
    assert 'class="wb-tile alarm" id="wb-longest"' in html and 'data-field="longest_wait_text">01:15<' in html
    assert "<td>队列 vip</td>" in html and '<td class="alarm">01:15</td>' in html and '<td class="">00:42</td>' in html
    assert '<div data-agent="ready" class="state-ready"><dt>示闲</dt><dd>2</dd></div>' in html
    assert '<div data-loss="trunk"><dt>中继呼损</dt><dd>1</dd></div>' in html
    assert 'id="wallboard-stale" class="wb-stale" role="alert" hidden' in html
    assert re.search(r'value="2" data-mode="2"\s+aria-pressed="true"\s+class="active">自动\(排队≥30人\)</button>', html)
    assert "低于 80% 标红" in html and "超过 60 秒标红" in html
    assert "js/wallboard.js" in html and "css/wallboard.css" in html
    assert html.count('name="csrf_token"') >= 1 and 'action="/wallboard/peak"' in html


def test_the_board_speaks_english_when_chosen(busy_day, signin):
    lead = signin("shift_lead")
    lead.post("/lang/en", data={"csrf_token": csrf(lead, "/wallboard")})
    board = figures(lead)
    assert [a["label"] for a in board["agents"]] == ["Agents ready", "Agents ringing", "Agents talking",
                                                    "Agents on break"]
    assert board["peak"]["mode_label"] == "Auto at 30 waiting"
    assert "<h1>Wallboard</h1>" in lead.get("/wallboard").get_data(as_text=True)


def test_the_assets_are_served(client):
    assert client.get("/static/js/wallboard.js").status_code == 200
    assert client.get("/static/css/wallboard.css").status_code == 200


def test_center_leaders_see_it_too(busy_day, signin):
    leader = signin("leader")
    assert leader.get("/wallboard").status_code == 200
    assert figures(leader)["offered"] == 11


@pytest.mark.parametrize("login", ["agent", "xs_xs_handler", "dispatcher", "supervisor"])
def test_other_roles_get_403(login, signin):
    user = signin(login)
    assert user.get("/wallboard").status_code == 403
    assert user.get("/wallboard/data").status_code == 403
    assert user.get("/wallboard/stream").status_code == 403
    res = user.post("/wallboard/peak", data={"mode": "1", "csrf_token": csrf(user, "/inbox")})
    assert res.status_code == 403
    assert settings.snapshot()["telephony.peak_mode"] == 2


def test_anonymous_visitors_are_asked_to_sign_in(client):
    assert "/login" in client.get("/wallboard").location
    assert client.get("/wallboard/data").status_code == 401
    assert client.get("/wallboard/stream").status_code == 401


def read_events(res, wanted: int) -> list[dict]:
    """The first `wanted` board events of a streamed response (then the stream is closed)."""
    found, text, chunks = [], "", iter(res.response)
    try:
        while len(found) < wanted:
            text += next(chunks).decode()
            while "\n\n" in text:
                block, text = text.split("\n\n", 1)
                lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
                if lines.get("event") == "board":
                    found.append(json.loads(lines["data"]))
    finally:
        res.close()
    return found


def test_the_stream_sends_a_board_event_at_once(busy_day, signin):
    res = signin("shift_lead").get("/wallboard/stream", buffered=False)
    assert res.status_code == 200 and res.mimetype == "text/event-stream"
    assert res.headers["Cache-Control"] == "no-store"
    first = next(iter(res.response)).decode()
    assert first.startswith("retry: ")
    [board] = read_events(res, 1)
    assert (board["offered"], board["waiting"], board["callbacks_open"]) == (11, 5, 2)
    assert board["agents"][0] == {"state": "ready", "label": "示闲", "count": 2}


def test_the_stream_follows_the_worker_and_ends_after_a_while(busy_day, signin, monkeypatch):
    monkeypatch.setattr(page, "STREAM_INTERVAL", 0.05)
    monkeypatch.setattr(page, "STREAM_SECONDS", 0.5)
    res = signin("shift_lead").get("/wallboard/stream", buffered=False)
    chunks = iter(res.response)
    text = ""
    while "event: board" not in text:
        text += next(chunks).decode()
    assert json.loads(text.split("data: ", 1)[1])["waiting"] == 5
    # the worker writes a new snapshot and a call ends: the next event has them
    call_live.write_state("live", {**SNAPSHOT, "queues": [{"name": "hotline@default", "waiting": 9, "ringing": 0,
                                                           "longest_wait": 12}]})
    call("late", "queue", NOW - timedelta(minutes=1), queued_after=5)
    db.session.rollback()
    rest = b"".join(chunks).decode()               # runs to the end: the stream stops by itself
    res.close()
    events = [json.loads(part.split("data: ", 1)[1]) for part in rest.split("\n\n") if part.startswith("event: board")]
    assert 2 <= len(events) <= 12
    assert (events[-1]["waiting"], events[-1]["offered"], events[-1]["loss"][2]["count"]) == (9, 12, 2)
    assert events[-1]["longest_wait_alarm"] is False


def peak_changes() -> list[ConfigChange]:
    return list(db.session.execute(select(ConfigChange).where(
        ConfigChange.area == "parameter", ConfigChange.key == "telephony.peak_mode").order_by(ConfigChange.id)).scalars())


def test_the_peak_switch_sets_the_mode_with_an_audit_row(signin):
    lead = signin("shift_lead")
    before = len(peak_changes())
    res = lead.post("/wallboard/peak", data={"mode": "1", "csrf_token": csrf(lead, "/wallboard")})
    assert res.status_code == 302 and res.location.endswith("/wallboard")
    assert settings.snapshot()["telephony.peak_mode"] == 1
    changes = peak_changes()
    assert len(changes) == before + 1
    last = changes[-1]
    assert (last.old, last.new, last.actor_id, last.reason) == (2, 1, org.get_user("shift_lead").id, "wallboard")
    html = lead.get("/wallboard").get_data(as_text=True)
    assert "智能劝阻：开启。" in html
    assert re.search(r'value="1" data-mode="1"\s+aria-pressed="true"', html)
    assert figures(lead)["peak"]["mode"] == 1

    res = lead.post("/wallboard/peak", data={"mode": "0", "csrf_token": csrf(lead, "/wallboard")})
    assert res.status_code == 302 and settings.snapshot()["telephony.peak_mode"] == 0
    leader = signin("leader")
    res = leader.post("/wallboard/peak", data={"mode": "2", "csrf_token": csrf(leader, "/wallboard")})
    assert res.status_code == 302 and settings.snapshot()["telephony.peak_mode"] == 2
    assert [c.new for c in peak_changes()[-3:]] == [1, 0, 2]
    assert peak_changes()[-1].actor_id == org.get_user("leader").id


@pytest.mark.parametrize("mode", ["5", "", "-1", "1.0", "on"])
def test_the_peak_switch_rejects_other_modes(mode, signin):
    lead = signin("shift_lead")
    before = len(peak_changes())
    res = lead.post("/wallboard/peak", data={"mode": mode, "csrf_token": csrf(lead, "/wallboard")})
    assert res.status_code == 422
    assert "请为智能劝阻选择关闭、开启或自动。" in res.get_data(as_text=True)
    assert settings.snapshot()["telephony.peak_mode"] == 2 and len(peak_changes()) == before


def test_the_peak_switch_needs_the_csrf_token(signin):
    lead = signin("shift_lead")
    before = len(peak_changes())
    res = lead.post("/wallboard/peak", data={"mode": "1"})
    assert res.status_code == 400
    assert settings.snapshot()["telephony.peak_mode"] == 2 and len(peak_changes()) == before


def test_todays_calls_per_queue_with_their_answered_share(clock, signin):
    morning = at(2026, 11, 2, 9, 0)
    call("c-answered", "answered", morning, queued_after=5, answered_after=5, queue="complaint@default")
    call("c-lost", "queue", morning + timedelta(minutes=1), queued_after=5, queue="complaint@default")
    call("h-answered", "answered", morning + timedelta(minutes=2), queued_after=5, answered_after=3,
         queue="hotline@default")
    call("h-yesterday", "answered", at(2026, 11, 1, 23, 50), queued_after=5, answered_after=2,
         queue="hotline@default")
    lead = signin("shift_lead")
    rows = {q["name"]: q for q in figures(lead)["queues_today"]}
    assert set(rows) == {"complaint@default", "hotline@default"}
    assert (rows["complaint@default"]["calls"], rows["complaint@default"]["answered"],
            rows["complaint@default"]["answered_text"]) == (2, 1, "50.0%")
    assert (rows["hotline@default"]["calls"], rows["hotline@default"]["answered"],
            rows["hotline@default"]["answered_text"]) == (1, 1, "100.0%")
    assert rows["complaint@default"]["label"] == "投诉"
    html = lead.get("/wallboard").get_data(as_text=True)
    assert re.search(r'<tr data-queue="complaint@default"><td>投诉</td><td>2</td><td>1</td><td>50.0%</td></tr>', html)
    assert "今日各队列" in html


def test_no_call_to_a_queue_yet_says_so(clock, signin):
    lead = signin("shift_lead")
    assert figures(lead)["queues_today"] == []
    assert "今日尚无进入队列的来电。" in lead.get("/wallboard").get_data(as_text=True)
