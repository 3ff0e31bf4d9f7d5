"""What the telephony worker writes after a pass: the screens' feed moments and the records of the
calls it decided, in one transaction (`hooks.write_pass`), or one at a time where that fails.

A pass is the events the worker took in one go (telephony.worker.PASS_EVENTS at most: as many as
were waiting). One commit per pass instead of one per moment and per call is what lets one
worker keep up with a city's peak (docs/PERFORMANCE.md); under light load a pass is one event
and nothing waits. If the pass's transaction fails (a refused row, the database away), nothing of
it was kept and everything is written again one at a time: a moment that still fails is logged and
dropped, as a single write's failure always was; a call stays in the tracker's `done` and is
retried on later passes until STORE_GIVE_UP, then set aside (logged with its data), so a refused
row cannot hold up every later call.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from telephony.classifier import Outcome

log = logging.getLogger("telephony.worker")

STORE_GIVE_UP = 600.0   # seconds a call may fail to be stored (database away) before it is set aside


@dataclass
class Outbox:
    """What the events of the current pass asked to write, in their order."""

    moments: list[dict] = field(default_factory=list)   # feed rows (engine.telephony.live.feed's fields)
    calls: list[dict] = field(default_factory=list)     # outbound calls the call controls saw end

    def take(self) -> tuple[list[dict], list[dict]]:
        moments, calls = self.moments, self.calls
        self.moments, self.calls = [], []
        return moments, calls


def write(worker) -> list[Outcome]:
    """Write the pass: its moments and every call the tracker decided; the calls stored."""
    outcomes = _hotline_outcomes(worker)
    moments, extra = worker.outbox.take()
    if not (outcomes or moments or extra):
        return []
    write_pass = getattr(worker.hooks, "write_pass", None)
    if write_pass is not None:
        calls = [worker.to_record(outcome) for outcome in outcomes]
        try:
            with worker.context():
                news = write_pass(moments, calls + extra)
        except Exception:  # noqa: BLE001 — retried below, one write at a time
            log.warning("a pass of %d moment(s) and %d call(s) could not be written together; one at a time",
                        len(moments), len(calls) + len(extra), exc_info=True)
        else:
            stored = {id(outcome) for outcome in outcomes}
            worker.tracker.done[:] = [o for o in worker.tracker.done if id(o) not in stored]
            for outcome, new in zip(outcomes, news):
                _stored(worker, outcome.uuid, new)
            return outcomes
    _moments_one_by_one(worker, moments)
    _calls_one_by_one(worker, extra)
    return _outcomes_one_by_one(worker)


def _hotline_outcomes(worker) -> list[Outcome]:
    """The decided calls to record; those that are not hotline calls are dropped (counted)."""
    kept, dropped = [], []
    for outcome in worker.tracker.done:
        (kept if worker.is_hotline(outcome.uuid) else dropped).append(outcome)
    worker.tracker.done[:] = kept      # one pass over the list: after a reconnect it holds hundreds
    for outcome in dropped:
        worker.forget(outcome.uuid)
        worker.ignored += 1
    return list(kept)


def _stored(worker, uid: str, new: bool | None) -> None:
    worker._failures.pop(uid, None)
    worker.forget(uid)
    if new:
        worker.recorded += 1
    elif new is False:
        worker.repeated += 1


def _moments_one_by_one(worker, moments: list[dict]) -> None:
    for moment in moments:
        try:
            with worker.context():
                worker.hooks.feed(**moment)
        except Exception:  # noqa: BLE001 — a screen misses this moment; the call is still recorded
            worker.errors += 1
            log.exception("feed moment not written: %s", moment)


def _calls_one_by_one(worker, calls: list[dict]) -> None:
    for call in calls:
        try:
            with worker.context():
                worker.store(call=call)
        except Exception:  # noqa: BLE001 — an outbound call's record: kept in the log
            worker.errors += 1
            worker.set_aside.append(call)
            log.exception("outbound call record not written; set aside: %s", call)


def _outcomes_one_by_one(worker) -> list[Outcome]:
    """Store each decided call in its own transaction, oldest first (the tracker's `done`)."""
    decided = []
    while worker.tracker.done:
        outcome = worker.tracker.done[0]
        call = worker.to_record(outcome)
        try:
            with worker.context():
                new = worker.store(call=call)
        except Exception:  # noqa: BLE001 — the database may be away; a row may be refused
            if not _store_failed(worker, outcome.uuid, call):
                break      # retried on the next pass, after the others
            new = None     # set aside for good
        worker.tracker.done.pop(0)
        _stored(worker, outcome.uuid, new)
        decided.append(outcome)
    return decided


def _store_failed(worker, uid: str, call: dict) -> bool:
    """After a failed store: move the call behind the others and retry it on later passes — or,
    once it has failed for STORE_GIVE_UP seconds, set it aside (logged with its data). True if set aside."""
    first = worker._failures.setdefault(uid, worker.clock())
    if worker.clock() - first >= STORE_GIVE_UP:
        log.error("call %s could not be stored for %.0f s; set aside: %s", uid, STORE_GIVE_UP, call)
        worker.set_aside.append(call)
        return True
    if first == worker.clock() or len(worker._failures) == 1:
        log.warning("call %s could not be stored (retrying)", uid, exc_info=True)
    worker.errors += 1
    worker.tracker.done.append(worker.tracker.done.pop(0))
    return False
