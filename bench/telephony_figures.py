"""The telephony benchmark's figures: what a run's records, events and screens add up to, printed.

Used by bench/telephony.py; everything here runs in the worker's (the bench's) process.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench import common
from bench.telephony_trace import PEAK_PER_MINUTE, Plan, RawBaseline, RunResult

if TYPE_CHECKING:
    from flask import Flask


def longest_call(mix: dict[str, float]) -> float:
    """The longest scenario of the mix, in scenario seconds."""
    from telephony import scenarios

    return max(scenarios.build_call(outcome, 0.0, "probe")[1][-1][0] for outcome, w in mix.items() if w > 0)


def steady_window(first: float, calls: int, rate: float, longest: float) -> tuple[float, float]:
    """(from, to) wall times of the steady state: every call length is in play (the longest call
    started at the first event has ended) and calls still start. The whole run if that is short."""
    starts_end = first + (calls - 1) / rate
    if starts_end - (first + longest) >= 5.0:
        return first + longest, starts_end
    return first, float("inf")


def rate_in(times: list[float], window: tuple[float, float]) -> float:
    """Items per second within the window (clipped to the items' own span)."""
    lo, hi = window
    inside = [t for t in times if lo <= t <= hi]
    if len(inside) < 2:
        return float("nan")
    return len(inside) / ((min(hi, max(inside)) if hi == float("inf") else hi) - lo)


def code_version() -> str:
    """The commit measured (and whether the working tree differs from it)."""
    import subprocess

    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=common.ROOT, capture_output=True,
                              text=True, timeout=5).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=common.ROOT,
                               capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return f"{head or 'unknown'}{' with local changes' if dirty else ''}"


# ---------------------------------------------------------------- figures

@dataclass
class Records:
    """The played calls' call records: lost, duplicated, wrong, by outcome."""

    lost: int
    duplicated: int
    wrong: int
    per_outcome: dict
    no_offer_time: int


def records(app: Flask, ids: list[str], outcomes: list[str]) -> Records:
    """Count the played calls' records in the database."""
    from sqlalchemy import distinct, func, select

    from engine.db import db
    from engine.models import CallRecord
    from engine.telephony import calls

    with app.app_context():
        rows, distinct_ids = db.session.execute(select(func.count(), func.count(distinct(CallRecord.call_id)))
                                                .where(CallRecord.call_id.in_(ids))).one()
        got = dict(db.session.execute(select(CallRecord.call_id, CallRecord.outcome)
                                      .where(CallRecord.call_id.in_(ids))).all())
        per_outcome = calls.summary(call_ids=ids)
        no_offer_time = db.session.execute(select(func.count()).where(
            CallRecord.call_id.in_(ids), CallRecord.outcome.in_(("answered", "agent")),
            CallRecord.offered_at.is_(None))).scalar()
    lost, duplicated = len(ids) - distinct_ids, rows - distinct_ids
    wrong = sum(1 for uid, outcome in zip(ids, outcomes) if uid in got and got[uid] != outcome)
    return Records(lost, duplicated, wrong, per_outcome, no_offer_time)


@dataclass
class Rates:
    """The events' rates and lags: offered, taken by the worker, recorded."""

    first_emit: float
    last_emit: float
    window: float
    steady: tuple[float, float]
    offered_rate: float
    worker_rate: float
    recorded_rate: float
    lags: list[float]
    capacity: float


def event_rates(plan: Plan, run: RunResult) -> Rates:
    """The rates over the steady state, the emit → worker lags, the worker's capacity."""
    ids, handled, busy = run.played["ids"], run.trace.handled, run.trace.busy
    emit_times, emitted = run.drained["emit_times"], run.drained["emitted"]
    first_emit, last_emit = emit_times[0], emit_times[-1]
    taken = [at for _, at in handled]
    window = max(taken[-1], last_emit) - first_emit
    steady = steady_window(first_emit, len(ids), plan.rate, longest_call(plan.mix) * plan.step)
    offered_rate = rate_in(emit_times, steady)
    worker_rate = rate_in(taken, steady)
    recorded_rate = rate_in(run.trace.stored_at, steady)
    lags = [at - emitted[seq] for seq, at in handled if seq in emitted]
    capacity = len(handled) / busy.busy if busy.busy else float("nan")
    return Rates(first_emit, last_emit, window, steady, offered_rate, worker_rate, recorded_rate, lags, capacity)


@dataclass
class Pops:
    """The screen pops: the first `offer` of each offered call per screen, and their latency split."""

    pops: dict[str, tuple[dict, float]]
    kinds: Counter
    repeats: int          # the same moment (kind, call) twice on one screen
    latency: list[float]
    to_worker: list[float]
    to_row: list[float]
    to_sent: list[float]
    to_client: list[float]
    offered_to_seats: int
    missed: list[str]
    missed_after_end: int


def read_screens(screens: list, offers: dict) -> tuple[dict[str, tuple[dict, float]], Counter, int]:
    """(first offer event of each offered call, events by kind, repeated events) over all screens."""
    pops: dict[str, tuple[dict, float]] = {}
    kinds = Counter()
    repeats = 0          # the same moment (kind, call) twice on one screen
    for _, _, events in screens:
        seen = set()
        for kind, data, received in events:
            kinds[kind] += 1
            repeats += (kind, data["call_id"]) in seen
            seen.add((kind, data["call_id"]))
            if kind == "offer" and data["call_id"] in offers:
                pops.setdefault(data["call_id"], (data, received))
    return pops, kinds, repeats


def screen_pops(plan: Plan, run: RunResult) -> Pops:
    """The screen pops, their latency from the simulator's offer in steps, the offers not popped."""
    seat_set = set(plan.agents)
    offers, offered_agent = run.played["offers"], run.played["offered_agent"]
    offer_taken, offer_committed = run.trace.offer_taken, run.trace.hooks.offer_committed
    pops, kinds, repeats = read_screens(run.screens, offers)
    latency = [received - offers[cid] for cid, (_, received) in pops.items()]
    to_worker = [offer_taken[c] - offers[c] for c in pops if c in offer_taken]
    to_row = [offer_committed[c] - offer_taken[c] for c in pops
              if c in offer_taken and c in offer_committed]
    to_sent = [d["sent_at"] - offer_committed[c] for c, (d, _) in pops.items() if c in offer_committed]
    to_client = [received - d["sent_at"] for d, received in pops.values()]
    offered_to_seats = sum(1 for agent in offered_agent.values() if agent in seat_set)
    missed = [c for c, agent in offered_agent.items() if agent in seat_set and c not in pops]
    missed_after_end = sum(1 for c in missed if c not in offer_committed)
    return Pops(pops, kinds, repeats, latency, to_worker, to_row, to_sent, to_client,
                offered_to_seats, missed, missed_after_end)


def pct(values: list[float]) -> str:
    """p50, p95 and max of durations in seconds, as milliseconds; n/a if there are none."""
    v = common.ms(values)
    if not v:
        return "n/a"
    return (f"p50 {common.percentile(v, 50):,.0f} ms, p95 {common.percentile(v, 95):,.0f} ms, "
            f"max {max(v):,.0f} ms")


# ---------------------------------------------------------------- the report

def print_intro(app: Flask, plan: Plan) -> None:
    """What runs: the database, the code, the mix and its rate, processes or threads."""
    args, mix, rate, step = plan.args, plan.mix, plan.rate, plan.step
    common.header(app, f"telephony benchmark: {args.calls} calls at {PEAK_PER_MINUTE}/min × speed {args.speed:g}, "
                       f"{args.agents} agent screens")
    print(f"code: {code_version()}")
    print(f"mix: {', '.join(f'{k}={v:g}' for k, v in mix.items())}; offered {rate:.1f} calls/s real "
          f"({PEAK_PER_MINUTE} per simulated minute × {args.speed:g}), scenario steps ×{step:g}, "
          f"worker grace {args.grace:g} s; switch, web and screens "
          + ("as threads of one process" if args.one_process else "in their own processes"))


def print_events(plan: Plan, run: RunResult, rates: Rates) -> None:
    """The calls played, the events' rates and lags, the worker's busy time."""
    ids, outcomes, rate, played = run.played["ids"], plan.outcomes, plan.rate, run.played
    first_emit, last_emit, steady = rates.first_emit, rates.last_emit, rates.steady
    emit_times, handled, busy = run.drained["emit_times"], run.trace.handled, run.trace.busy
    window, capacity, bgapi_waits = rates.window, rates.capacity, run.trace.bgapi_waits
    print(f"calls played: {len(ids):,} ({', '.join(f'{k} {v}' for k, v in Counter(outcomes).items())}); "
          f"first to last event {last_emit - first_emit:.1f} s real (calls started over {(len(ids) - 1) / rate:.1f} s; "
          f"play() incl. building the calls {played['t_played'] - played['t_call']:.1f} s); "
          f"all recorded and popped {run.t_settled - first_emit:.1f} s after the first event")
    span = "the whole run" if steady[1] == float("inf") else \
        f"steady state {steady[0] - first_emit:.1f}–{steady[1] - first_emit:.1f} s"
    print(f"rates below over {span} after the first event")
    print(f"events: {len(emit_times):,} sent to the worker's session ({rates.offered_rate:,.0f}/s offered), "
          f"{len(handled):,} handled by the worker ({rates.worker_rate:,.0f}/s); "
          f"emit → worker takes it {pct(rates.lags)}; worker queue backlog max {run.trace.backlog:,}")
    print(f"worker busy {busy.busy:.1f} s of {window:.1f} s ({busy.busy / window:.0%}): ≈{capacity:,.0f} events/s "
          f"if saturated (busy-time estimate); of it waiting for bgapi replies (agent-ID announcements, "
          f"commands): {len(bgapi_waits):,} × {pct(bgapi_waits)}, {sum(bgapi_waits):.1f} s")


def print_records_and_pops(plan: Plan, run: RunResult, rates: Rates, recs: Records, pops: Pops) -> None:
    """The call records written, the screen pops and their latency, the SSE events."""
    worker, rate, agents, screens = run.worker, plan.rate, plan.agents, run.screens
    offered_to_seats, offered_agent, missed = pops.offered_to_seats, run.played["offered_agent"], pops.missed
    print(f"call records: {worker.recorded:,} written, {rates.recorded_rate:,.1f} calls/s "
          f"(offered {rate:.1f}/s), {worker.repeated} repeated; by outcome: "
          + ", ".join(f"{k} {v}" for k, v in recs.per_outcome.items()))
    print(f"screen pops: {len(pops.pops):,} received of {offered_to_seats:,} offers to the {len(agents)} seats "
          f"(offers to other agents {len(offered_agent) - offered_to_seats}; not popped {len(missed)}, "
          f"{pops.missed_after_end} of them because the call was decided before its offer was handled); "
          f"latency (screen reads `offer` − simulator emits agent-offering) {pct(pops.latency)}")
    print(f"  of which: emit → worker takes it {pct(pops.to_worker)}; → feed row committed {pct(pops.to_row)}; "
          f"→ web sends it {pct(pops.to_sent)}; → screen reads it {pct(pops.to_client)}")
    print(f"  SSE events by kind: {dict(pops.kinds)}, {pops.repeats} of them repeated on the same screen; "
          f"stream connects {sum(c for _, c, _ in screens)} for {len(screens)} screens")


def print_checks(run: RunResult, recs: Records) -> None:
    """Lost, duplicated and wrong calls, the worker's counters and leftovers, the CDRs posted."""
    worker, drained = run.worker, run.drained
    print(f"lost: {recs.lost}  duplicated: {recs.duplicated}  wrong outcome: {recs.wrong}  reconciled legs (from CDRs): "
          f"{worker.reconciled}  worker errors: {worker.errors}  commands carried out: {worker.commands}  "
          f"answered/agent records without offered_at: {recs.no_offer_time}")
    print(f"worker state left after the run: {len(worker.tracker.pending)} pending, "
          f"{len(worker.tracker.calls)} undecided calls, {len(worker.live.calls)} live calls, "
          f"{len(worker._times)} call times, {len(worker._finals)} final events kept")
    print(f"CDRs: {drained['posted']:,} posted over HTTP, {drained['failed']} failed, "
          f"poster backlog max {drained['backlog']:,}")


def print_baseline(plan: Plan, rates: Rates, raw: RawBaseline) -> None:
    """The raw classifier's rate, and the worker path and the offered load against it."""
    raw_rate = raw.events / raw.seconds
    worker_rate, capacity, offered_rate = rates.worker_rate, rates.capacity, rates.offered_rate
    print(f"raw classifier (CallTracker alone, same {len(plan.outcomes):,} calls, {raw.events:,} events, in-process): "
          f"{raw_rate:,.0f} events/s ({raw.seconds * 1000:.0f} ms; {raw.decided} decided, {raw.wrong} wrong)")
    print(f"worker path ÷ raw: {worker_rate / raw_rate:.3f}× as run (rate-limited by the offered load), "
          f"{capacity / raw_rate:.3f}× at the busy-time estimate; headroom: raw classifier "
          f"{raw_rate / offered_rate:,.0f}× the offered {offered_rate:,.0f} events/s, worker path "
          f"{capacity / offered_rate:.1f}×")


def report(app: Flask, plan: Plan, run: RunResult, raw: RawBaseline) -> int:
    """Compute the figures and print them; 1 if a played call was lost or duplicated."""
    recs = records(app, run.played["ids"], plan.outcomes)
    rates = event_rates(plan, run)
    pops = screen_pops(plan, run)
    print_events(plan, run, rates)
    print_records_and_pops(plan, run, rates, recs, pops)
    print_checks(run, recs)
    print_baseline(plan, rates, raw)
    if recs.lost or recs.duplicated:
        print(f"FAILED: {recs.lost} call(s) lost, {recs.duplicated} duplicated")
        return 1
    return 0
