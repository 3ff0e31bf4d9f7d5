"""The scheduler process: deadline colours, reminders, digests, SMS delivery — one leader per database.

Run it as its own process (`flask --app wsgi scheduler run`), never inside web workers: measured,
an APScheduler in each of 3 gunicorn workers ran every tick 3 times. On PostgreSQL the leader
holds an advisory lock on a dedicated connection; a second scheduler polls and takes over within
seconds when the leader dies (the server drops the lock with the connection). On SQLite a file
lock plays that part. Jobs are idempotent anyway (dedupe keys, row locks), so even two leaders
would not send a reminder twice.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
from contextlib import AbstractContextManager
from typing import Callable

from apscheduler.schedulers.blocking import BlockingScheduler

from engine.deadlines import TZ

log = logging.getLogger("scheduler")
LOCK_KEY = 12345_0001   # pg advisory lock id of the scheduler leader

ContextFactory = Callable[[], AbstractContextManager]


class LeaderLock:
    """Leadership: a PostgreSQL advisory lock on its own connection, or a file lock."""

    def __init__(self, engine, lock_path: str):
        self.engine, self.lock_path = engine, lock_path
        self._conn = self._fd = None

    def try_acquire(self) -> bool:
        if self.engine.dialect.name == "postgresql":
            self._conn = self._conn or self.engine.raw_connection()
            cur = self._conn.cursor()
            cur.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,))
            got = bool(cur.fetchone()[0])
            self._conn.commit()
            return got
        self._fd = self._fd or os.open(self.lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def held(self) -> bool:
        """Still leader? (On PostgreSQL: is the lock's connection alive?)"""
        if self._conn is None:
            return self._fd is not None
        try:
            cur = self._conn.cursor()
            cur.execute("SELECT 1")
            self._conn.commit()
            return True
        except Exception:
            return False

    def release(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._fd is not None:
            os.close(self._fd)
        self._conn = self._fd = None


def job_table(deliver: Callable[[], object], seconds: dict[str, float]) -> list[tuple[str, Callable, float]]:
    """(id, function, interval seconds) of every job."""
    from engine import accountability, campaigns, contacts, statistics
    from engine.cases import reminders
    from engine.channels import mailbox_imap, open311_queue
    from engine.deadlines import colours
    from engine.models import audit_verify
    from engine.telephony import live as call_live, seats
    return [
        ("recolour", colours.recolour, seconds.get("recolour", 60)),
        ("reminders", reminders.send_reminders, seconds.get("reminders", 30)),
        ("digests", reminders.send_digests, seconds.get("digests", 60)),
        ("deliver", deliver, seconds.get("deliver", 10)),
        ("telephony_trim", call_live.trim, seconds.get("telephony_trim", 3600)),
        ("seat_presence", seats.sign_out_absent, seconds.get("seat_presence", 30)),
        # 责任追究: violations of the time-limit rules, each recorded once (idempotent).
        ("accountability", accountability.detection.find, seconds.get("accountability", 600)),
        # The statistics' daily rollup: yesterday once it is over, the last N days each night.
        ("statistics_rollup", statistics.rollup.upkeep, seconds.get("statistics_rollup", 600)),
        # 市长信箱: new mails of the IMAP mailbox (when MAILBOX_IMAP_HOST is set) become cases.
        ("mailbox", mailbox_imap.poll_configured, seconds.get("mailbox", 60)),
        # 外呼任务: due calls of away agents move to colleagues; campaigns with every call decided finish.
        ("campaigns", campaigns.jobs.upkeep, seconds.get("campaigns", 60)),
        # Open311 posts answered with a token: their cases are opened from the queue (exactly once).
        ("open311_intake", open311_queue.open_queued, seconds.get("open311_intake", 1)),
        # Contacts learn the numbers of new cases, calls and SMS; Excel imports run here, never in a request.
        ("contacts_learn", contacts.learn.learn, seconds.get("contacts_learn", 30)),
        ("imports", run_imports, seconds.get("imports", 3)),
        # The audit's hash chains: each hour, a digest of the rows since the last anchor (docs/AUDIT.md).
        ("audit_anchor", audit_verify.write_anchors, seconds.get("audit_anchor", 3600)),
    ]


def register_import_targets() -> None:
    """The Excel import targets the domains bring (engine.imports) and the contact page's outbound
    attempts (campaigns build on contacts, so contacts cannot read them); the web registers them too."""
    from engine import campaigns, contacts, imports
    imports.register(contacts.import_target.TARGET)
    imports.register(campaigns.list_import.TARGET)
    campaigns.contact_history.register()


def run_imports():
    """Claim and run queued (or abandoned) import jobs until none waits."""
    from engine import imports
    register_import_targets()
    done = []
    while (result := imports.runner.run_pending()) is not None:
        done.append(result)
    return done


def _in_context(context: ContextFactory, name: str, fn: Callable) -> Callable[[], None]:
    def run() -> None:
        with context():
            try:
                result = fn()
                if result and (not isinstance(result, dict) or any(result.values())):
                    log.info("%s: %s", name, result)   # only when the job did something
            except Exception:
                log.exception("job %s failed; it runs again at its next tick", name)
    return run


def tick(context: ContextFactory, jobs) -> None:
    """Run every job once (cron, tests)."""
    for name, fn, _seconds in jobs:
        _in_context(context, name, fn)()


def run(context: ContextFactory, engine, jobs, *, lock_path: str, poll: float = 2.0,
        stop: threading.Event | None = None) -> None:
    """Wait for leadership, then run the jobs until leadership is lost or `stop` is set."""
    stop = stop or threading.Event()
    lock = LeaderLock(engine, lock_path)
    announced = False
    while not stop.is_set() and not lock.try_acquire():
        if not announced:
            log.info("waiting: another scheduler leads (pid %s)", os.getpid())
            announced = True
        stop.wait(poll)
    if stop.is_set():
        return
    log.info("leader (pid %s)", os.getpid())
    scheduler = BlockingScheduler(timezone=TZ)
    for name, fn, seconds in jobs:
        scheduler.add_job(_in_context(context, name, fn), "interval", seconds=seconds, id=name,
                          replace_existing=True, coalesce=True, max_instances=1, next_run_time=_now_local())

    def watch() -> None:
        if stop.is_set() or not lock.held():
            log.warning("leadership lost or stop requested: shutting down")
            scheduler.shutdown(wait=False)

    scheduler.add_job(watch, "interval", seconds=max(poll, 1.0), id="leadership", replace_existing=True)
    try:
        scheduler.start()
    finally:
        lock.release()


def _now_local():
    from datetime import datetime
    return datetime.now(TZ)
