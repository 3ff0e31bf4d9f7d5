"""The call pages through the Flask client: the call list and its filters, one call, recordings
(range requests, path confinement, access), the callback list, and the calls on the case page."""
from __future__ import annotations

import io
import re
import uuid
import wave
from datetime import datetime, timedelta, timezone

import pytest

from engine.db import db
from engine.deadlines.workdays import TZ
from engine.models import CallRecord
from engine.organisation.directory import get_user
from engine.telephony import call_center, calls
from tests.api.test_consoles import table
from tests.api.test_pages import _fresh_limits, client, csrf, page_client, signin  # noqa: F401  (fixtures)
from tests.engine.deadlines.test_deadlines import clock  # noqa: F401  (fixture)
from tests.factories import open_case, to_handling

SWITCH = "/var/lib/freeswitch"


def local(y, m, d, hh=10, mm=0, ss=0) -> datetime:
    """A Shanghai wall-clock moment as stored (naive UTC)."""
    return datetime(y, m, d, hh, mm, ss, tzinfo=TZ).astimezone(timezone.utc).replace(tzinfo=None)


def record(arrived: datetime, outcome: str = "answered", *, caller: str = "13800138000",
           agent: str | None = "1001@default", queue_wait: int | None = 10, talk: int | None = 300,
           **extra) -> CallRecord:
    """One call written as the telephony worker writes it; times relative to its arrival."""
    call_id = str(uuid.uuid4())
    queued = arrived + timedelta(seconds=5) if queue_wait is not None else None
    answered = queued + timedelta(seconds=queue_wait) if outcome == "answered" and queued else None
    ended = (answered + timedelta(seconds=talk or 0) if answered
             else (queued + timedelta(seconds=queue_wait or 0) if queued else arrived + timedelta(seconds=30)))
    data = {"call_id": call_id, "outcome": outcome, "caller": caller, "queue": "12345@default",
            "agent": agent if outcome == "answered" else None, "arrived_at": arrived,
            "ivr_at": arrived + timedelta(seconds=1), "queued_at": queued, "answered_at": answered,
            "ended_at": ended, **extra}
    assert calls.record(call=data)
    return calls.get(call_id)


def rows_of(page: str, table_id: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-call="(\d+)"', table(page, table_id))]


def text(client, path: str, status: int = 200) -> str:
    res = client.get(path)
    assert res.status_code == status, (path, res.status_code)
    return res.get_data(as_text=True)


def wav_bytes(frames: int = 4000) -> bytes:
    """A real (tiny) WAV file: 8 kHz mono 16-bit, a ramp so that every range differs."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"".join((i % 65536).to_bytes(2, "little") for i in range(frames)))
    return buffer.getvalue()


@pytest.fixture
def recordings(app, tmp_path, monkeypatch):
    """A local mount of the switch's files; the config is restored after the test."""
    mount = tmp_path / "mount"
    mount.mkdir()
    monkeypatch.setitem(app.config, "TELEPHONY_SWITCH_DIR", SWITCH)
    monkeypatch.setitem(app.config, "TELEPHONY_RECORDINGS_DIR", str(mount))

    def put(relative: str, content: bytes) -> str:
        """Write a file under the mount; its path as the switch names it."""
        target = mount / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
        return f"{SWITCH}/{relative}"
    put.mount = mount
    return put


# --- the call list ---------------------------------------------------------------------------------
def test_the_list_is_newest_first_and_filters_by_outcome_local_day_caller_and_agent(app, signin):
    morning = record(local(2026, 11, 2, 9, 0), caller="13800138000", agent="1001@default", queue_wait=12, talk=300)
    late = record(local(2026, 11, 2, 23, 30), "queue", caller="13900139000", queue_wait=40)
    # 00:10 in Shanghai on the 3rd is still the 2nd in UTC: the day filter must use the local day
    after_midnight = record(local(2026, 11, 3, 0, 10), caller="13700137000", agent="1002@default")
    earlier = record(local(2026, 11, 1, 12, 0), "dissuaded", caller="13600136000", queue_wait=None,
                     callback_requested=True)
    supervisor = signin("supervisor")

    page = text(supervisor, "/calls")
    assert rows_of(page, "calls") == [after_midnight.id, late.id, morning.id, earlier.id]
    assert "共 4 个来电" in page
    row = re.search(rf'<tr data-call="{morning.id}">.*?</tr>', page, re.S).group(0)
    assert "2026-11-02 09:00:00" in row and "已接听" in row and "0:12" in row and "5:00" in row
    assert "13800138000" in row and "坐席 1001" in row and "@default" not in row
    late_row = re.search(rf'<tr data-call="{late.id}">.*?</tr>', page, re.S).group(0)
    assert "排队损失" in late_row and "0:40" in late_row

    assert rows_of(text(supervisor, "/calls?outcome=queue"), "calls") == [late.id]
    assert rows_of(text(supervisor, "/calls?outcome=dissuaded"), "calls") == [earlier.id]
    assert "劝阻回拨" in text(supervisor, "/calls?outcome=dissuaded")
    assert rows_of(text(supervisor, "/calls?date=2026-11-03"), "calls") == [after_midnight.id]
    assert rows_of(text(supervisor, "/calls?date=2026-11-02"), "calls") == [late.id, morning.id]
    assert rows_of(text(supervisor, "/calls?caller=139-0013"), "calls") == [late.id]      # digits only
    assert rows_of(text(supervisor, "/calls?agent=1002"), "calls") == [after_midnight.id]
    assert rows_of(text(supervisor, "/calls?agent=1001@default&date=2026-11-02"), "calls") == [morning.id]
    assert rows_of(text(supervisor, "/calls?agent=100"), "calls") == []                   # not a prefix search
    assert rows_of(text(supervisor, "/calls?outcome=answered&caller=13900139000"), "calls") == []
    bad = text(supervisor, "/calls?date=2026-13-40")
    assert "格式 YYYY-MM-DD" in bad and len(rows_of(bad, "calls")) == 4     # said so, and not filtered


def test_the_list_shows_thirty_calls_a_page(app, signin):
    first = local(2026, 11, 2, 8, 0)
    made = [record(first + timedelta(minutes=i)) for i in range(31)]
    agent = signin("agent")
    page1 = text(agent, "/calls")
    assert rows_of(page1, "calls") == [c.id for c in reversed(made[1:])]
    assert 'rel="next"' in page1 and 'rel="prev"' not in page1 and "共 31 个来电" in page1
    page2 = text(agent, "/calls?page=2")
    assert rows_of(page2, "calls") == [made[0].id] and 'rel="prev"' in page2 and 'rel="next"' not in page2


def test_only_center_roles_that_work_calls_see_the_list(app, signin):
    record(local(2026, 11, 2, 9, 0))
    for login in ("agent", "dispatcher", "shift_lead", "supervisor", "leader"):
        assert signin(login).get("/calls").status_code == 200, login
    for login in ("dh_hb_handler", "zjj_leader", "admin", "designer", "visitor"):
        assert signin(login).get("/calls").status_code == 403, login


# --- one call: masking, access, timings ---------------------------------------------------------------
def test_the_number_is_masked_for_roles_without_personal_data_rights(app, signin, actor):
    case = open_case(actor("agent"))
    call = record(local(2026, 11, 2, 9, 0), caller="13800138000", case_id=case.id)

    as_agent = text(signin("agent"), f"/calls/{call.id}")
    facts = re.search(r'<dl class="facts" id="call-facts">.*?</dl>', as_agent, re.S).group(0)
    assert "13800138000" in facts and f'data-dial-call="{call.id}"' in facts

    # the administrator sees every case (so this call) but may not see citizens' numbers
    as_admin = text(signin("admin"), f"/calls/{call.id}")
    assert "138****8000" in as_admin and "13800138000" not in as_admin
    assert "data-dial-call" not in as_admin                      # and has no phone to dial from
    case_page = text(signin("admin"), f"/cases/{case.id}")
    calls_block = re.search(r'<section class="card" id="calls">.*?</section>', case_page, re.S).group(0)
    assert "138****8000" in calls_block and "13800138000" not in case_page

    # a supervisor may see the number but sits at no phone: no dial button
    as_supervisor = text(signin("supervisor"), "/calls")
    assert "13800138000" in as_supervisor and "data-dial-call" not in as_supervisor
    assert f'data-dial-call="{call.id}"' in text(signin("agent"), "/calls")


def test_departments_see_a_call_only_through_a_case_they_may_see(app, signin, actor, dept):
    ours = to_handling(actor, dept, lead="dh_hb")
    secret = to_handling(actor, dept, lead="dh_hb", confidential=True)
    theirs = to_handling(actor, dept, lead="xs_xs")
    linked = record(local(2026, 11, 2, 9, 0), case_id=ours.id)
    linked_secret = record(local(2026, 11, 2, 9, 5), case_id=secret.id)
    elsewhere = record(local(2026, 11, 2, 9, 10), case_id=theirs.id)
    unlinked = record(local(2026, 11, 2, 9, 20))
    handler = signin("dh_hb_handler")

    assert handler.get("/calls").status_code == 403
    assert handler.get("/callbacks").status_code == 403
    page = text(handler, f"/calls/{linked.id}")
    assert ours.case_no in page and "13800138000" in page      # not confidential: the handler sees the phone
    assert "data-dial-call" not in page
    assert "138****8000" in text(handler, f"/calls/{linked_secret.id}")   # confidential: masked for departments
    assert "13800138000" not in text(handler, f"/calls/{linked_secret.id}")
    assert text(handler, f"/calls/{elsewhere.id}", 403)
    assert text(handler, f"/calls/{unlinked.id}", 403)
    assert signin("xs_xs_handler").get(f"/calls/{elsewhere.id}").status_code == 200
    assert signin("agent").get(f"/calls/{unlinked.id}").status_code == 200
    assert signin("agent").get("/calls/999999").status_code == 404


def test_the_call_page_shows_local_times_and_the_time_per_stage(app, signin, actor):
    case = open_case(actor("agent"))
    arrived = local(2026, 11, 2, 9, 0, 0)
    call_id = str(uuid.uuid4())
    calls.record(call={"call_id": call_id, "outcome": "answered", "caller": "13800138000", "queue": "12345@default",
                       "agent": "1001@default", "arrived_at": arrived, "ivr_at": arrived + timedelta(seconds=1),
                       "queued_at": arrived + timedelta(seconds=20), "offered_at": arrived + timedelta(seconds=30),
                       "answered_at": arrived + timedelta(seconds=35), "ended_at": arrived + timedelta(seconds=335),
                       "case_id": case.id})
    call = calls.get(call_id)
    page = text(signin("shift_lead"), f"/calls/{call.id}")
    moments = table(page, "call-moments")
    assert "2026-11-02 09:00:00" in moments and "2026-11-02 09:00:35" in moments and "2026-11-02 09:05:35" in moments
    stages = re.findall(r"<tr><th>(.*?)</th><td>(?:<strong>)?([0-9:]+)", table(page, "call-stages"))
    assert stages == [("IVR 应答前", "0:01"), ("IVR 中", "0:19"), ("排队等待", "0:10"), ("坐席振铃", "0:05"),
                      ("通话时长", "5:00"), ("合计", "5:35")]
    assert "已接听" in page and "队列 12345" in page and "坐席 1001" in page
    assert f'href="/cases/{case.id}"' in page and case.case_no in page


# --- recordings --------------------------------------------------------------------------------------
def test_a_recording_streams_with_range_requests_for_seeking(app, signin, actor, recordings):
    content = wav_bytes()
    case = open_case(actor("agent"))
    call = record(local(2026, 11, 2, 9, 0), case_id=case.id,
                  recording_path=recordings("recordings/2026-11-02/a.wav", content))
    agent = signin("agent")

    page = text(agent, f"/calls/{call.id}")
    assert f'<audio controls preload="none" src="/calls/{call.id}/recording">' in page
    assert f'href="/calls/{call.id}/recording?download=1"' in page

    part = agent.get(f"/calls/{call.id}/recording", headers={"Range": "bytes=100-499"})
    assert part.status_code == 206 and part.data == content[100:500]
    assert part.headers["Content-Range"] == f"bytes 100-499/{len(content)}"
    assert part.mimetype == "audio/wav" and part.headers["Accept-Ranges"] == "bytes"
    assert "no-store" in part.headers["Cache-Control"] and "private" in part.headers["Cache-Control"]

    whole = agent.get(f"/calls/{call.id}/recording")
    assert whole.status_code == 200 and whole.data == content
    assert whole.data[:4] == b"RIFF" and wave.open(io.BytesIO(whole.data)).getnframes() == 4000
    saved = agent.get(f"/calls/{call.id}/recording?download=1")
    assert saved.headers["Content-Disposition"].startswith("attachment")
    assert f"{case.case_no}-recording.wav" in saved.headers["Content-Disposition"]


def test_voicemail_of_an_unlinked_call_is_named_by_its_call_id(app, signin, actor, recordings):
    content = wav_bytes(800)
    case = open_case(actor("agent"))
    # linked here so that no voicemail case is opened for it; the name test uses an unlinked recording
    left = record(local(2026, 11, 2, 9, 0), "overflow", case_id=case.id,
                  voicemail_path=recordings("voicemail/default/12345/msg.wav", content))
    res = signin("agent").get(f"/calls/{left.id}/voicemail")
    assert res.status_code == 200 and res.data == content
    page = text(signin("agent"), f"/calls/{left.id}")
    assert f'src="/calls/{left.id}/voicemail"' in page and f'src="/calls/{left.id}/recording"' not in page

    unlinked = record(local(2026, 11, 2, 9, 5), recording_path=recordings("recordings/b.wav", content))
    saved = signin("agent").get(f"/calls/{unlinked.id}/recording?download=1")
    assert f"{unlinked.call_id}-recording.wav" in saved.headers["Content-Disposition"]
    assert signin("agent").get(f"/calls/{unlinked.id}/voicemail").status_code == 404   # it has none


def test_recordings_are_access_checked_like_the_call(app, signin, actor, dept, recordings):
    content = wav_bytes(400)
    case = to_handling(actor, dept, lead="dh_hb")
    call = record(local(2026, 11, 2, 9, 0), case_id=case.id, recording_path=recordings("r/c.wav", content))
    alone = record(local(2026, 11, 2, 9, 5), recording_path=recordings("r/d.wav", content))
    assert signin("dh_hb_handler").get(f"/calls/{call.id}/recording").data == content
    assert signin("xs_xs_handler").get(f"/calls/{call.id}/recording").status_code == 403
    assert signin("dh_hb_handler").get(f"/calls/{alone.id}/recording").status_code == 403
    anonymous = page_client(app).get(f"/calls/{call.id}/recording")
    assert anonymous.status_code == 302 and "/login" in anonymous.location


def test_a_path_outside_the_recordings_directory_is_never_served(app, signin, recordings):
    # a real file next to the mount: reachable with "..", it must still not be served
    (recordings.mount.parent / "secret.wav").write_bytes(wav_bytes(100))
    inside = recordings("r/ok.wav", wav_bytes(100))
    agent = signin("agent")
    for path in (f"{SWITCH}/../secret.wav", f"{SWITCH}/r/../../secret.wav", "/etc/passwd",
                 "/var/lib/freeswitch-other/r/ok.wav", f"{SWITCH}/r/missing.wav"):
        call = record(local(2026, 11, 2, 9, 0), recording_path=path)
        assert agent.get(f"/calls/{call.id}/recording").status_code == 404, path
    good = record(local(2026, 11, 2, 9, 1), recording_path=inside)
    assert agent.get(f"/calls/{good.id}/recording").status_code == 200


def test_without_a_recordings_mount_there_is_no_playback(app, signin, monkeypatch, recordings):
    call = record(local(2026, 11, 2, 9, 0), recording_path=recordings("r/e.wav", wav_bytes(100)))
    monkeypatch.setitem(app.config, "TELEPHONY_RECORDINGS_DIR", "")
    agent = signin("agent")
    assert agent.get(f"/calls/{call.id}/recording").status_code == 404
    page = text(agent, f"/calls/{call.id}")
    assert "<audio" not in page and "本服务器未配置录音播放" in page


# --- callbacks ---------------------------------------------------------------------------------------
def dissuaded(arrived: datetime, caller: str, number: str | None = None) -> CallRecord:
    return record(arrived, "dissuaded", caller=caller, queue_wait=None, callback_requested=True,
                  callback_number=number or caller)


def test_the_callback_list_is_oldest_first_with_a_dial_button_each(app, signin, clock):
    clock.at = local(2026, 11, 2, 12, 0)
    newer = dissuaded(local(2026, 11, 2, 11, 50), "13900139000")
    older = dissuaded(local(2026, 11, 2, 9, 45), "13800138000", number="13800138999")
    record(local(2026, 11, 2, 9, 0))                               # answered: no callback
    page = text(signin("agent"), "/callbacks")
    assert rows_of(page, "callbacks-open") == [older.id, newer.id]
    assert 'id="open-count">2<' in page
    older_row = re.search(rf'<tr data-call="{older.id}">.*?</tr>', page, re.S).group(0)
    assert "2 小时 15 分钟" in older_row and "13800138999" in older_row
    assert f'data-dial-call="{older.id}"' in older_row and older_row.count('name="result"') == 2
    assert "10 分钟" in re.search(rf'<tr data-call="{newer.id}">.*?</tr>', page, re.S).group(0)
    for login in ("supervisor", "leader", "visitor"):
        assert signin(login).get("/callbacks").status_code == 403, login


def test_closing_callbacks_reached_gave_up_and_closed_meanwhile(app, signin, clock):
    clock.at = local(2026, 11, 2, 12, 0)
    first = dissuaded(local(2026, 11, 2, 9, 0), "13800138000")
    second = dissuaded(local(2026, 11, 2, 9, 30), "13900139000")
    agent = signin("agent")

    res = agent.post(f"/callbacks/{first.id}", data={"result": "done", "csrf_token": csrf(agent, "/callbacks")})
    assert res.status_code == 302 and res.location.endswith("/callbacks")
    assert "回拨已完成：已联系上来电人。" in text(agent, "/callbacks")
    row = db.session.get(CallRecord, first.id, populate_existing=True)
    assert (row.callback_status, row.callback_by_id, row.callback_at) == ("done", get_user("agent").id, clock.at)

    res = agent.post(f"/callbacks/{second.id}", data={"result": "failed", "csrf_token": csrf(agent, "/callbacks")})
    assert res.status_code == 302 and "回拨已结束" in text(agent, "/callbacks")
    assert db.session.get(CallRecord, second.id, populate_existing=True).callback_status == "failed"

    # a colleague had the page open and closes the first one too: told who did it, nothing changes
    dispatcher = signin("dispatcher")
    clock.at = local(2026, 11, 2, 12, 5)
    token = csrf(dispatcher, "/callbacks")
    res = dispatcher.post(f"/callbacks/{first.id}", data={"result": "failed", "csrf_token": token},
                          follow_redirects=True)
    page = res.get_data(as_text=True)
    assert res.status_code == 200
    assert "该回拨已由 话务员 王芳 于 2026-11-02 12:00 处理（已联系上），本次操作未作更改。" in page
    row = db.session.get(CallRecord, first.id, populate_existing=True)
    assert (row.callback_status, row.callback_by_id) == ("done", get_user("agent").id)

    closed = text(agent, "/callbacks?tab=closed")
    assert set(rows_of(closed, "callbacks-closed")) == {first.id, second.id}
    assert "话务员 王芳" in closed and "已联系上" in closed and "未联系上" in closed
    assert rows_of(text(agent, "/callbacks"), "callbacks-open") == []


def test_closing_a_callback_needs_the_csrf_token_a_phone_role_and_a_valid_result(app, signin, clock):
    clock.at = local(2026, 11, 2, 12, 0)
    entry = dissuaded(local(2026, 11, 2, 9, 0), "13800138000")
    answered = record(local(2026, 11, 2, 9, 10))
    agent = signin("agent")
    assert agent.post(f"/callbacks/{entry.id}", data={"result": "done"}).status_code == 400
    res = agent.post(f"/callbacks/{entry.id}", data={"result": "maybe", "csrf_token": csrf(agent, "/callbacks")},
                     follow_redirects=True)
    assert "请选择“已联系上”或“放弃回拨”。" in res.get_data(as_text=True)
    res = agent.post(f"/callbacks/{answered.id}", data={"result": "done", "csrf_token": csrf(agent, "/callbacks")},
                     follow_redirects=True)
    assert "该来电不在回拨列表中。" in res.get_data(as_text=True)
    supervisor = signin("supervisor")
    res = supervisor.post(f"/callbacks/{entry.id}", data={"result": "done", "csrf_token": csrf(supervisor, "/calls")})
    assert res.status_code == 403
    token = csrf(agent, "/callbacks")
    assert agent.post("/callbacks/999999", data={"result": "done", "csrf_token": token}).status_code == 404
    assert db.session.get(CallRecord, entry.id, populate_existing=True).callback_status == "open"


def test_only_callbacks_closed_today_are_listed_as_closed(app, signin, clock, actor):
    clock.at = local(2026, 11, 1, 18, 0)
    yesterday = dissuaded(local(2026, 11, 1, 17, 0), "13800138000")
    call_center.finish_callback(actor=actor("agent"), call_record_id=yesterday.id, result="done")
    clock.at = local(2026, 11, 2, 0, 5)         # just after local midnight: 16:05 UTC the day before
    today = dissuaded(local(2026, 11, 1, 23, 0), "13900139000")
    call_center.finish_callback(actor=actor("shift_lead"), call_record_id=today.id, result="failed")
    page = text(signin("shift_lead"), "/callbacks?tab=closed")
    assert rows_of(page, "callbacks-closed") == [today.id] and 'id="closed-count">1<' in page


def test_a_callback_can_be_closed_from_the_call_page(app, signin, clock):
    clock.at = local(2026, 11, 2, 12, 0)
    entry = dissuaded(local(2026, 11, 2, 9, 0), "13800138000")
    agent = signin("agent")
    page = text(agent, f"/calls/{entry.id}")
    assert f'action="/callbacks/{entry.id}?next=/calls/{entry.id}"' in page and "待回拨" in page
    res = agent.post(f"/callbacks/{entry.id}?next=/calls/{entry.id}",
                     data={"result": "done", "csrf_token": csrf(agent, f"/calls/{entry.id}")})
    assert res.status_code == 302 and res.location.endswith(f"/calls/{entry.id}")
    page = text(agent, f"/calls/{entry.id}")
    callback = re.search(r'<section class="card" id="callback">.*?</section>', page, re.S).group(0)
    assert "已联系上" in callback and "话务员 王芳" in callback and 'name="result"' not in page


# --- the case page -----------------------------------------------------------------------------------
def test_the_case_page_lists_its_calls_with_a_player(app, signin, actor, recordings):
    case = open_case(actor("agent"))
    other = open_case(actor("agent"), phone="13900139000")
    call = record(local(2026, 11, 2, 9, 0), case_id=case.id, recording_path=recordings("r/f.wav", wav_bytes(100)))
    record(local(2026, 11, 2, 9, 30), case_id=other.id)
    page = text(signin("dispatcher"), f"/cases/{case.id}")
    block = re.search(r'<section class="card" id="calls">.*?</section>', page, re.S).group(0)
    assert re.findall(r'<tr data-call="(\d+)"', block) == [str(call.id)]
    assert f'href="/calls/{call.id}"' in block and "2026-11-02 09:00" in block and "已接听" in block
    assert f'<audio controls preload="none" src="/calls/{call.id}/recording"' in block
    quiet = open_case(actor("agent"))
    assert 'id="calls"' not in text(signin("dispatcher"), f"/cases/{quiet.id}")      # no calls, no block
