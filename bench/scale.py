"""A city's scale: the same measurements at 100,000 and at 1,000,000 cases (3,000,000 calls).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline .venv/bin/python bench/scale.py
    .venv/bin/python bench/scale.py --baseline 20000 --cases 200000 --calls-per-case 3   # a quick look

Fills the benchmark database set-based (bench/inbox.py's loader: cases with departments,
deadlines and work items spread over the demo city; call records by one INSERT … SELECT over
generate_series on PostgreSQL, executemany batches on SQLite), first to --baseline cases and
baseline × --calls-per-case calls, measures, then fills up to --cases and measures again:

* intake (`cases.open_case`, one after another) and completion (the 9 of bench/lifecycle.py), p50;
* the department inbox page of a district handler and the combined query page (dispatcher,
  complaints that are red), p95 through the Flask test client;
* recolouring (`colours.recolour`, the scheduler's job);
* the public lookup (`engine.cases.lookup.find` with a query code and phone);
* the call list page and the screen pop's caller history (30 days of a caller's calls).

It prints each figure at both sizes and the ratio, flagging every figure more than 20 % slower
at full size: those need an index or a query change, written in docs/PERFORMANCE.md.
"""
from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common, inbox as inbox_bench  # noqa: E402
from bench.lifecycle import run_services  # noqa: E402

CALL_BATCH = 20_000
TOLERANCE = 1.20


def load_cases(app, n: int) -> None:
    from engine.ports import now as clock_now
    from engine.processes import versions as processes

    with app.app_context():
        t0 = time.perf_counter()
        added = inbox_bench.load(n, clock_now(), processes.current_version_id())
        inbox_bench.analyze()
        print(f"  cases: +{added:,} in {time.perf_counter() - t0:.1f} s")


def load_calls(app, n: int) -> None:
    """Bring the benchmark's call records up to n: a year of calls, a tenth of callers repeat."""
    from sqlalchemy import func, select, text

    from engine.db import db
    from engine.models import CallRecord

    with app.app_context():
        have = db.session.execute(select(func.count()).where(CallRecord.call_id.like("bench-%"))).scalar()
        t0 = time.perf_counter()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(CALLS_SQL), {"first": have + 1, "last": n})
        else:
            for lo in range(have, n, CALL_BATCH):
                db.session.execute(CallRecord.__table__.insert(), [_call(i) for i in range(lo + 1, min(lo + CALL_BATCH, n) + 1)])
        db.session.commit()
        inbox_bench.analyze()
        print(f"  calls: +{max(n - have, 0):,} in {time.perf_counter() - t0:.1f} s")


# One statement per fill: arrival spread over a year, outcomes in the proportions of a real day.
CALLS_SQL = """
INSERT INTO call_record (call_id, caller, queue, agent, arrived_at, ivr_at, queued_at, offered_at, answered_at,
                         ended_at, outcome, callback_requested, created_at, updated_at)
SELECT 'bench-' || g, '139' || lpad((g % 300000)::text, 8, '0'), 'hotline@default', (1000 + g % 40)::text,
       t, t + interval '3 s', t + interval '20 s', t + interval '30 s',
       CASE WHEN g % 10 < 8 THEN t + interval '35 s' END, t + interval '200 s',
       CASE WHEN g % 10 < 8 THEN 'answered' WHEN g % 10 = 8 THEN 'queue' ELSE 'ivr' END, false, t, t
FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS g,
     LATERAL (SELECT now() AT TIME ZONE 'UTC' - (g % 525600) * interval '1 minute') AS x(t)
"""


def _call(i: int) -> dict:
    from datetime import timedelta

    from engine.ports import now as clock_now
    t = clock_now() - timedelta(minutes=i % 525_600)
    answered = i % 10 < 8
    return dict(call_id=f"bench-{i}", caller=f"139{i % 300_000:08d}", queue="hotline@default", agent=str(1000 + i % 40),
                arrived_at=t, ivr_at=t + timedelta(seconds=3), queued_at=t + timedelta(seconds=20),
                offered_at=t + timedelta(seconds=30), answered_at=t + timedelta(seconds=35) if answered else None,
                ended_at=t + timedelta(seconds=200), outcome="answered" if answered else ("queue" if i % 10 == 8 else "ivr"),
                callback_requested=False, created_at=t, updated_at=t)


# ---------------------------------------------------------------- the measurements

def measure(app, clients: dict, cases: int, walks: int, requests: int) -> dict[str, float]:
    """Every figure in ms (intake and completion p50, pages p95, recolouring median of 3)."""
    A, D = common.lifecycle_people(app)
    run_services(app, A, D, 50_000_000 + cases, 5)                       # warm-up
    gc.collect()
    _, intake, _, completions, _ = run_services(app, A, D, 60_000_000 + cases, walks)
    figures = {"intake p50": common.percentile(common.ms(intake), 50),
               "completion p50": common.percentile(common.ms(completions), 50)}
    with app.app_context():
        xs_xs = common.dept("xs_xs")
    pages = {"department inbox p95": ("dh_handler", "/inbox?scope=department"),
             "combined query p95": ("dispatcher", "/query?category=complaint&colour=red"),
             "combined query, dept + open p95": ("dispatcher", f"/query?lead_department_id={xs_xs}&reply_status=open"),
             "call list p95": ("shift_lead", "/calls")}
    for label, (login, path) in pages.items():
        figures[label] = common.percentile(common.ms(inbox_bench.time_page(clients[login], path, requests)), 95)
    figures["recolour (median of 3)"] = _recolour(app)
    figures["public lookup p95"] = _lookup(app, requests)
    figures["caller history p95"] = _caller_history(app, requests)
    return figures


def _recolour(app) -> float:
    from engine.deadlines import colours
    from engine.ports import now as clock_now

    times = []
    with app.app_context():
        for _ in range(3):
            t0 = time.perf_counter()
            colours.recolour(clock_now())
            times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def _lookup(app, requests: int) -> float:
    """The citizen's lookup by query code and phone, for loaded cases spread over the table."""
    from sqlalchemy import func, select

    from engine.cases import lookup
    from engine.db import db
    from engine.models import Case

    times = []
    with app.app_context():
        top = db.session.execute(select(func.max(Case.id))).scalar()
        pairs = db.session.execute(select(Case.query_code, Case.phone).where(
            Case.id.in_([1 + (k * 7919) % top for k in range(requests)]))).all()
        for code, phone in pairs:
            t0 = time.perf_counter()
            found = lookup.find(code, phone)
            times.append(time.perf_counter() - t0)
            assert found is not None, f"lookup of {code} found nothing"
    return common.percentile(common.ms(times), 95)


def _caller_history(app, requests: int) -> float:
    """The screen pop's 30 days of a repeat caller (engine.telephony.call_center.caller_record)."""
    from engine import telephony

    times = []
    with app.app_context():
        lead = common.actor("shift_lead")
        for k in range(requests):
            t0 = time.perf_counter()
            telephony.call_center.caller_record(actor=lead, phone=f"139{(k * 104729) % 300_000:08d}")
            times.append(time.perf_counter() - t0)
    return common.percentile(common.ms(times), 95)


def report(small: dict, large: dict, n_small: int, n_large: int) -> int:
    print(f"\n{'figure (ms)':34} {n_small:>12,} {n_large:>12,}   ratio")
    slower = 0
    for label, base in small.items():
        ratio = large[label] / base if base else float("inf")
        flag = "  > 20 % slower" if ratio > TOLERANCE else ""
        slower += bool(flag)
        print(f"{label:34} {base:12.2f} {large[label]:12.2f}   {ratio:5.2f}×{flag}")
    return slower


def main() -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--baseline", type=int, default=100_000, help="cases at the first measurement")
    parser.add_argument("--cases", type=int, default=1_000_000, help="cases at the second measurement")
    parser.add_argument("--calls-per-case", type=float, default=3.0, help="call records per case")
    parser.add_argument("--walks", type=int, default=30, help="cases walked for intake and completion")
    parser.add_argument("--requests", type=int, default=40, help="requests per page figure")
    args = parser.parse_args()
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"scale: {args.baseline:,} then {args.cases:,} cases, {args.calls_per_case} calls each")
    logins = ("dh_handler", "dispatcher", "shift_lead")
    figures = []
    for n in (args.baseline, args.cases):
        print(f"filling to {n:,} cases")
        load_cases(app, n)
        load_calls(app, int(n * args.calls_per_case))
        clients = {login: inbox_bench.signed_in(app, login) for login in logins}
        figures.append(measure(app, clients, n, args.walks, args.requests))
    slower = report(figures[0], figures[1], args.baseline, args.cases)
    print(f"{slower} figure(s) more than 20 % slower at {args.cases:,} cases")


if __name__ == "__main__":
    main()
