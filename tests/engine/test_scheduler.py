"""The scheduler as real processes: one leader per database, takeover after kill -9, no reminder twice."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.db import db
from engine.models import Notification, WorkItem
from tests.engine.deadlines.test_deadlines import at, clock, signed  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parents[2]


def start_scheduler(app, tmp_path, name):
    env = {**os.environ, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "INSTANCE_PATH": str(tmp_path / "instance")}
    log = open(tmp_path / f"{name}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "scheduler", "run",
                             "--scale", "0.02", "--poll", "0.3"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    return proc, tmp_path / f"{name}.log"


def wait_for(predicate, timeout=30.0, step=0.2):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False


def count(query):
    """Read in a short transaction: see the schedulers' commits, and (SQLite) never hold the lock."""
    db.session.rollback()
    try:
        return db.session.execute(query).scalar()
    finally:
        db.session.rollback()


def reds():
    return count(select(func.count()).select_from(Notification).where(Notification.kind == "reminder_red"))


def test_one_leader_takeover_and_no_reminder_twice(app, actor, dept, clock, tmp_path, is_postgres):
    if not is_postgres:
        pytest.skip("leadership across processes is proven on PostgreSQL (SQLite: see the file-lock test)")
    first = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")
    a, a_log = start_scheduler(app, tmp_path, "a")
    assert wait_for(lambda: "leader (pid" in a_log.read_text()), a_log.read_text()
    b, b_log = start_scheduler(app, tmp_path, "b")
    try:
        assert wait_for(lambda: "waiting: another scheduler leads" in b_log.read_text()), b_log.read_text()
        # the leader recolours (the case is long overdue by the real clock) and reminds once
        assert wait_for(lambda: reds() == 1), a_log.read_text()
        a.send_signal(signal.SIGKILL)
        a.wait(10)
        assert wait_for(lambda: "leader (pid" in b_log.read_text()), b_log.read_text()
        second = signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")
        assert wait_for(lambda: reds() == 2), b_log.read_text()
        time.sleep(2)                    # several more ticks of the new leader
        db.session.rollback()
        keys = db.session.execute(select(Notification.dedupe_key).where(
            Notification.kind.in_(("reminder_red", "reminder_yellow")))).scalars().all()
        db.session.rollback()
        assert len(keys) == len(set(keys)) == 2
        assert sorted(k.split(":")[2] for k in keys) == ["red", "red"]
        escalations = count(select(func.count()).select_from(WorkItem).where(
            WorkItem.kind == "escalation", WorkItem.case_id.in_([first.id, second.id])))
        assert escalations == 2
        assert wait_for(lambda: count(select(func.count()).select_from(Notification).where(
            Notification.status == "sent", Notification.kind == "reminder_red")) == 2)
    finally:
        for proc in (a, b):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


def test_file_lock_admits_one_leader_until_it_lets_go(app, tmp_path):
    from engine.scheduler import LeaderLock

    class SqliteEngine:                 # the lock only asks the dialect's name
        class dialect:
            name = "sqlite"

    path = str(tmp_path / "scheduler.lock")
    first, second = LeaderLock(SqliteEngine, path), LeaderLock(SqliteEngine, path)
    assert first.try_acquire() and first.held()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


def test_tick_runs_every_job_once(app, actor, dept, clock):
    signed(actor, dept, clock, at(2026, 11, 2, 10), at(2026, 11, 3, 9), category="consult")
    clock.at = at(2026, 11, 11, 9)
    result = app.test_cli_runner().invoke(args=["scheduler", "tick"])
    assert result.exit_code == 0 and "tick done" in result.output
    assert reds() == 1
    assert app.test_cli_runner().invoke(args=["scheduler", "tick"]).exit_code == 0
    assert reds() == 1
