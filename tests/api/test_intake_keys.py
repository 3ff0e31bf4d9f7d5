"""POST /api/v1/cases with an Idempotency-Key: a client's repeat never opens a second case."""
from __future__ import annotations

import threading

from sqlalchemy import func, select

from engine.cases import open_case_once
from engine.db import db
from engine.models import Case, IntakeKey
from tests.factories import INTAKE


def cases_now() -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(Case)).scalar()


def post(api, login, key=None, **overrides):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return api(login).post("/api/v1/cases", json={**INTAKE, **overrides}, headers=headers)


def test_a_repeat_with_the_same_key_answers_the_case_it_opened(api):
    first = post(api, "agent", "intake-7f3a-0001")
    again = post(api, "agent", "intake-7f3a-0001", title="重发时改了标题也不另开工单")
    assert first.status_code == again.status_code == 201, (first.json, again.json)
    assert again.json == first.json      # the case and its open triage item, as first answered
    assert [i["form_key"] for i in first.json["open_work_items"]] == ["triage"]
    assert "Idempotent-Replayed" not in first.headers and again.headers["Idempotent-Replayed"] == "true"
    assert cases_now() == 1


def test_a_repeat_after_the_case_moved_on_answers_what_is_open_now(api):
    first = post(api, "agent", "intake-7f3a-0002").json
    [triage] = first["open_work_items"]
    done = api("agent").post(f"/api/v1/work-items/{triage['id']}/complete", json={"data": {"decision": "dispatch"}})
    assert done.status_code == 200, done.json
    again = post(api, "agent", "intake-7f3a-0002")
    assert again.status_code == 201 and again.json["id"] == first["id"]
    assert again.json["open_work_items"] == done.json["open_work_items"]
    assert [i["form_key"] for i in again.json["open_work_items"]] == ["dispatch"]


def test_keys_are_each_users_own_and_no_key_means_a_new_case_each_time(api):
    mine = post(api, "agent", "same-key")
    theirs = post(api, "dispatcher", "same-key")
    assert mine.json["id"] != theirs.json["id"]
    post(api, "agent")
    post(api, "agent")
    assert cases_now() == 4


def test_a_malformed_key_is_a_422_naming_the_header_and_opens_nothing(api):
    for bad in ("x" * 65, "has space", "中文键"):
        res = api("agent").post("/api/v1/cases", json=INTAKE, headers={"Idempotency-Key": bad.encode().decode("latin-1")})
        assert res.status_code == 422, (bad, res.json)
        assert "Idempotency-Key" in res.json["errors"]["headers"], res.json
    assert cases_now() == 0


def test_a_refused_intake_keeps_no_key(api):
    refused = post(api, "agent", "retry-after-fixing", title="")
    assert refused.status_code == 422
    fixed = post(api, "agent", "retry-after-fixing")
    assert fixed.status_code == 201 and "Idempotent-Replayed" not in fixed.headers
    assert cases_now() == 1


def test_two_copies_racing_open_one_case(app, actor):
    """Both copies pass the first look (no key yet); the unique key makes the loser answer the winner's case."""
    agent, answers, start = actor("agent"), [], threading.Barrier(2)

    def send():
        with app.app_context():
            start.wait()
            case, _, opened = open_case_once(actor=agent, data=dict(INTAKE), key="raced-key")
            answers.append((case.id, opened))
            db.session.remove()

    db.session.rollback()          # SQLite: the test's own read must not hold the file while they write
    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(answers) == 2 and answers[0][0] == answers[1][0], answers
    assert sorted(opened for _, opened in answers) == [False, True]
    assert cases_now() == 1
    assert db.session.execute(select(func.count()).select_from(IntakeKey)).scalar() == 1
