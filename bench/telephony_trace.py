"""What the telephony benchmark measures and hands from phase to phase: the worker's
instrumentation, the raw baseline, the plan played and what the run left.

Used by bench/telephony.py; everything here runs in the worker's (the bench's) process.
"""
from __future__ import annotations

import argparse
import gc
import heapq
import time
from dataclasses import dataclass, field
from typing import Any

PEAK_PER_MINUTE = 785          # the seed's busiest minute


# ---------------------------------------------------------------- instrumentation (bench side only)

class BusyTimer:
    """Wall time spent inside the wrapped worker methods (outermost call only)."""

    def __init__(self) -> None:
        self.busy, self.depth = 0.0, 0

    def wrap(self, fn, on_call=None):
        def wrapper(*args, **kwargs):
            if on_call is not None:
                on_call(*args)
            if self.depth:
                return fn(*args, **kwargs)
            self.depth += 1
            t0 = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.busy += time.perf_counter() - t0
                self.depth -= 1
        return wrapper


class TimedHooks:
    """engine.telephony.live for the worker, noting when each offer's feed row was committed."""

    def __init__(self) -> None:
        from engine.telephony import live as call_live
        self._live = call_live
        self.offer_committed: dict[str, float] = {}
        self.stored_at: list[float] = []       # calls committed by a pass (WorkerTrace.store: one at a time)

    def __getattr__(self, name):
        return getattr(self._live, name)

    def feed(self, **kwargs):
        row = self._live.feed(**kwargs)
        if kwargs.get("kind") == "offer":
            self.offer_committed.setdefault(kwargs["call_id"], time.time())
        return row

    def write_pass(self, moments: list, records: list) -> list:
        """A pass's moments and records (telephony.writes), noting when its offers and calls were committed."""
        from engine.telephony import passes

        new = passes.write_pass(moments, records)
        now = time.time()
        for moment in moments:
            if moment.get("kind") == "offer":
                self.offer_committed.setdefault(moment["call_id"], now)
        self.stored_at += [now] * len(records)
        return new


class WorkerTrace:
    """What the worker did when: events taken, calls stored, bgapi waits, busy time, queue backlog."""

    def __init__(self) -> None:
        from engine.telephony import calls

        self._record = calls.record
        self.hooks = TimedHooks()
        self.busy = BusyTimer()
        self.bgapi_waits: list[float] = []         # the worker thread waiting for a bgapi's command/reply
        self.handled: list[tuple[str, float]] = []   # (Event-Sequence, wall time the worker took it)
        self.offer_taken: dict[str, float] = {}
        self.backlog = 0                           # the worker's event queue, max while sampling

    def store(self, *, call: Any) -> Any:
        """The worker's store (a pass written one at a time): write the call record, noting when."""
        new = self._record(call=call)
        self.hooks.stored_at.append(time.time())
        return new

    @property
    def stored_at(self) -> list[float]:
        return self.hooks.stored_at

    def on_event(self, headers: dict) -> None:
        """Note when the worker took each event, and each call's offer."""
        now = time.time()
        self.handled.append((headers.get("Event-Sequence") or "", now))
        if headers.get("CC-Action") == "agent-offering":
            self.offer_taken.setdefault(headers.get("CC-Member-Session-UUID", ""), now)

    def instrument(self, worker: Any) -> None:
        """Time the worker's busy methods and note every event it handles."""
        worker.take = self.busy.wrap(worker.take, on_call=self.on_event)
        worker.maintain = self.busy.wrap(worker.maintain)
        worker._write_new = self.busy.wrap(worker._write_new)

    def time_bgapi(self, client: Any) -> None:
        """Time each of the client's bgapi calls (command sent until its reply)."""
        real_bgapi = client.bgapi

        def bgapi(line, timeout=None):
            t0 = time.perf_counter()
            try:
                return real_bgapi(line, timeout)
            finally:
                self.bgapi_waits.append(time.perf_counter() - t0)
        client.bgapi = bgapi

    def reset(self) -> None:
        """Forget what the worker did before the play."""
        self.busy.busy = 0.0
        self.handled.clear()
        self.bgapi_waits.clear()


# ---------------------------------------------------------------- what was played, what came back

@dataclass
class Plan:
    """What the bench plays: the mix at its rate, the calls' outcomes in play order, the seats."""

    args: argparse.Namespace
    mix: dict[str, float]
    rate: float
    step: float
    outcomes: list[str] = field(default_factory=list)
    seats: list[tuple[str, str]] = field(default_factory=list)
    agents: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    """What the real path left for the figures."""

    played: dict                 # the switch's answer to `play`
    drained: dict                # the switch's answer to `drain`
    screens: list                # (agent, stream connects, events) per screen
    t_settled: float
    trace: WorkerTrace
    worker: Any
    controls: Any = None         # bench/telephony_controls.Controls when --controls


@dataclass
class RawBaseline:
    """The classifier alone: elapsed seconds, events, outcomes decided, wrong outcomes."""

    seconds: float
    events: int
    decided: int
    wrong: int




# ---------------------------------------------------------------- raw baseline

def raw_classifier(outcomes: list[str], agents: list[str], rate: float, step: float,
                   grace: float) -> RawBaseline:
    """(elapsed s, events, outcomes decided, wrong outcomes): CallTracker fed every event of the
    calls in play order, its clock at each event's play time and ticked as often as the worker
    ticks it (so its calls in grace are the worker's)."""
    from telephony import scenarios, worker as worker_module
    from telephony.classifier import CallTracker

    heap, origin, expected = [], time.time(), {}
    for i, outcome in enumerate(outcomes):
        leg, steps = scenarios.build_call(outcome, origin, "raw-core", agent=agents[i % len(agents)])
        expected[leg.uuid] = outcome
        for offset, headers, _ in steps:
            heap.append((i / rate + offset * step, len(heap), dict(headers)))
    heapq.heapify(heap)
    events = [heapq.heappop(heap) for _ in range(len(heap))]
    now = [0.0]
    tracker = CallTracker(grace=grace, clock=lambda: now[0])
    every = getattr(worker_module, "TICK_SECONDS", 0.0)   # the worker ticks the tracker this often
    next_tick = 0.0
    gc.collect()
    gc.freeze()      # the worker never holds a whole run's events: keep them out of the collector's scans
    t0 = time.perf_counter()
    for at, _, headers in events:
        now[0] = at
        tracker.on_event(headers)
        if at >= next_tick:
            next_tick = at + every
            tracker.tick()
    decided = tracker.flush()
    elapsed = time.perf_counter() - t0
    gc.unfreeze()
    wrong = sum(1 for o in decided if expected.get(o.uuid) != o.outcome)
    return RawBaseline(elapsed, len(events), len(decided), wrong)
