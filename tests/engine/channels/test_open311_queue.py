"""The Open311 intake queue: a POST is stored validated and answered with a token; the scheduler's
round opens each request's case exactly once; a refused request is kept failed and can be put back;
a database error inside the case's transaction leaves the request queued and no case."""
import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from engine.channels import open311_clients, open311_queue, open311_requests, open311_status
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Case, CaseEvent, Open311Request

PARAMS = {"service_code": "ldzm", "lat": "28.68", "long": "115.89", "phone": "13912345678",
          "first_name": "三", "last_name": "张", "description": "湖滨路 12 号门前路灯一周不亮，夜里很黑。",
          "media_url": "https://img.example.org/lamp.jpg"}


@pytest.fixture
def client(app, actor):
    row, key = open311_clients.create_client(actor=actor("admin"), data={"name": "市民通 APP", "channel": "app",
                                                                         "rate_limit": "600/minute"})
    return open311_clients.authenticate(key)


def _cases() -> int:
    return db.session.scalar(select(func.count()).select_from(Case))


def test_a_post_is_queued_and_opened_once(client):
    before = _cases()
    done = [open311_requests.submit(client, {**PARAMS, "description": f"路灯不亮 第{i}处"}, {}) for i in range(3)]
    assert all(d.service_request_id == "" and d.token for d in done) and _cases() == before
    assert open311_status.by_token(done[0].token) == (done[0].token, "")
    assert open311_queue.state().queued == 3
    assert open311_queue.open_queued() == 3
    assert open311_queue.open_queued() == 0                          # a second round opens nothing twice
    assert _cases() == before + 3 and open311_queue.state().queued == 0
    rows = db.session.scalars(select(Open311Request).where(Open311Request.token.in_([d.token for d in done]))).all()
    assert {r.state for r in rows} == {"opened"} and all(r.case_id and r.intake is None for r in rows)
    number = open311_status.by_token(done[0].token)[1]
    case = db.session.scalar(select(Case).where(Case.case_no == number))
    assert (case.channel, case.stage, case.citizen_name) == ("app", "triage", "张三")
    event = db.session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                      CaseEvent.action == "open311_received"))
    assert event.data["token"] == done[0].token and event.data["media_url"] == PARAMS["media_url"]


def test_an_invalid_request_is_refused_at_the_post_and_never_queued(client):
    with pytest.raises(ValidationFailed) as refused:
        open311_requests.submit(client, {**PARAMS, "phone": "12"}, {})
    assert "phone" in refused.value.errors
    assert open311_queue.state().queued == 0


def test_a_request_refused_at_opening_is_kept_failed_and_can_be_put_back(client):
    done = open311_requests.submit(client, PARAMS, {})
    row = db.session.scalar(select(Open311Request).where(Open311Request.token == done.token))
    good = dict(row.intake)
    row.intake = {**good, "fields": {**good["fields"], "category": "no-such-category"}}   # changed under it
    db.session.commit()
    before = _cases()
    assert open311_queue.open_queued() == 0
    assert open311_queue.state().failed == 1 and _cases() == before
    [failed] = open311_queue.failed()
    assert failed.token == done.token and "category" in failed.error
    failed.intake = good
    db.session.commit()
    assert open311_queue.requeue(failed.id) and not open311_queue.requeue(failed.id)
    assert open311_queue.open_queued() == 1 and _cases() == before + 1
    assert open311_status.by_token(done.token)[1].startswith("GD")


def test_a_database_error_in_the_cases_transaction_leaves_the_request_queued(client, monkeypatch):
    done = open311_requests.submit(client, PARAMS, {})
    before = _cases()

    def broken(*_a, **_k):
        raise OperationalError("INSERT", {}, Exception("connection lost"))
    monkeypatch.setattr(open311_queue, "_link", broken)
    with pytest.raises(OperationalError):
        open311_queue.open_queued()
    assert _cases() == before and open311_queue.state().queued == 1
    monkeypatch.undo()
    assert open311_queue.open_queued() == 1 and _cases() == before + 1
    assert open311_status.by_token(done.token)[1].startswith("GD")


def test_the_open311_worker_opens_the_queue_and_stops_between_rounds(app, client):
    from api.cli_open311 import work
    open311_queue.open_queued()     # what earlier tests left queued is not this test's to count
    done = [open311_requests.submit(client, {**PARAMS, "description": f"路灯不亮 第{i}处"}, {}) for i in range(3)]
    before = _cases()
    db.session.rollback()   # SQLite: the test's reads must not hold the database while the worker writes
    rounds = []

    def stop():             # a round that opens the three, an empty round (it rests), then the signal
        rounds.append(1)
        return len(rounds) > 2
    assert work(app, idle=0.05, stop=stop) == 3
    assert _cases() == before + 3 and open311_queue.state().queued == 0
    assert {open311_status.by_token(d.token)[1] != "" for d in done} == {True}


def test_open311_work_once_from_the_command_line(app, client, caplog):
    open311_queue.open_queued()     # what earlier tests left queued is not this test's to count
    open311_requests.submit(client, PARAMS, {})
    db.session.rollback()   # SQLite: nothing of the test's may hold the database while the command writes
    result = app.test_cli_runner().invoke(args=["open311", "work", "--once"])
    assert result.exit_code == 0 and "opened 1 case(s)" in result.output, result.output
    assert open311_queue.state().queued == 0
    db.session.rollback()
    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="open311"):
        again = app.test_cli_runner().invoke(args=["open311", "work", "--once"])
    assert again.exit_code == 0 and "opened 0 case(s)" in again.output
    failed = [r for r in caplog.records if r.name == "open311" and r.levelno >= logging.ERROR]
    assert failed == []                              # an empty round, not a failed one
