"""The audit's hash chains: what they cost intake, how fast verify and the migration's backfill run.

    .venv/bin/python bench/audit.py [--n 500] [--events 100000]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_audit .venv/bin/python bench/audit.py

(a) intake (cases.open_case, one app context per case) with the chain, then with the chain's
    stamping switched off (the events stored unhashed), alternated in rounds of N/5 so that the
    database's growth weighs on both alike;
(b) EVENTS more events appended with record_events (100 per case and call, as a printed batch or a
    busy case would), then the migration's backfill of every event and `verify_events` over them.
"""
from __future__ import annotations

import gc
import importlib.util
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

PER_CASE = 100


def intake_rate(app, agent, first: int, count: int) -> float:
    from engine.cases import service as cases
    from engine.db import db

    started = time.perf_counter()
    for i in range(first, first + count):
        with app.app_context():
            cases.open_case(actor=agent, data=common.intake_data(i))
            db.session.remove()
    return count / (time.perf_counter() - started)


def unchained():
    """Switch the chain's stamping off (the 'before' of this change), returning the way back."""
    from engine.cases import audit

    kept = audit.stamp_events
    audit.stamp_events = lambda session, rows, locked=False: {}
    return lambda: setattr(audit, "stamp_events", kept)


def append_events(app, agent, total: int) -> tuple[float, int]:
    """(seconds, events) of record_events calls of PER_CASE events on fresh cases."""
    from engine.cases import record_events, service as cases
    from engine.db import db, utcnow

    spent, written = 0.0, 0
    with app.app_context():
        for i in range(total // PER_CASE):
            case = cases.open_case(actor=agent, data=common.intake_data(2_000_000 + i))
            rows = [dict(case_id=case.id, actor_id=agent.user_id, action="printed", from_stage=case.stage,
                         to_stage=case.stage, data={"kind": "transfer-slip", "copy": n}, created_at=utcnow())
                    for n in range(PER_CASE)]
            started = time.perf_counter()
            record_events(rows)
            db.session.commit()
            spent += time.perf_counter() - started
            written += len(rows)
    return spent, written


def backfill_seconds(app) -> float:
    from alembic.migration import MigrationContext
    from alembic.operations import Operations

    from engine.db import db

    path = common.ROOT / "migrations" / "versions" / "0036_audit_chain.py"
    spec = importlib.util.spec_from_file_location("migration_0036", path)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    with app.app_context():
        started = time.perf_counter()
        with Operations.context(MigrationContext.configure(db.session.connection())):
            migration.backfill()
        db.session.commit()
        return time.perf_counter() - started


def main(argv=None) -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="cases opened each way (default 500)")
    parser.add_argument("--events", type=int, default=100_000, help="events to verify (default 100000)")
    args = parser.parse_args(argv)
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"audit chain benchmark, intake N={args.n}, events={args.events}")
    from engine.models.audit_verify import verify_events

    with app.app_context():
        agent = common.actor("agent")
    intake_rate(app, agent, 1_000_000, 50)                  # warm-up
    chained, plain, step = [], [], max(args.n // 5, 1)
    for r in range(5):
        gc.collect()
        chained.append(intake_rate(app, agent, r * 2 * step, step))
        restore = unchained()
        try:
            plain.append(intake_rate(app, agent, r * 2 * step + step, step))
        finally:
            restore()
    print(f"intake with the chain: {sum(chained) / 5:,.0f} cases/s; without: {sum(plain) / 5:,.0f} cases/s "
          f"({(1 - sum(chained) / sum(plain)) * 100:+.1f}% cost)")
    spent, written = append_events(app, agent, args.events)
    print(f"record_events, {PER_CASE} per call: {written / spent:,.0f} events/s")
    seconds = backfill_seconds(app)          # also seals the events of the unchained intakes above
    with app.app_context():
        started = time.perf_counter()
        report = verify_events()
        verified = time.perf_counter() - started
    assert report.breaks == [], report.breaks[:3]
    print(f"migration backfill: {report.rows:,} events in {seconds:.2f} s ({report.rows / seconds:,.0f} events/s)")
    print(f"verify: {report.rows:,} events in {report.chains:,} chains in {verified:.2f} s "
          f"({report.rows / verified:,.0f} events/s)")

if __name__ == "__main__":
    main()
