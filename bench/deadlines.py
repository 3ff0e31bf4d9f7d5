"""Recolouring 100,000 open deadlines with one set-based UPDATE.

    .venv/bin/python bench/deadlines.py [--n 100000] [--reuse]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_bench .venv/bin/python bench/deadlines.py

Loads N cases, each with one open handling deadline and one open work item, due dates spread
over 30 days, then times `colours.recolour()` at three moments: ten days in (every deadline past
its warning or due point changes colour), a pass where nothing changes, and a day later (that
day's transitions). Cases and work items store no colour (computed when read), so this is all
the clock costs; the red-case filter over the same data is timed too.
Target on PostgreSQL here: <= 1 s for 100,000.
"""
from __future__ import annotations

import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

BATCH = 5000


def load(n: int, start: datetime, dept_id: int, version_id: int) -> None:
    """N cases, deadlines and work items with plain INSERTs (no engine: only colours are measured)."""
    from sqlalchemy import func, insert, select

    from engine.db import db
    from engine.models import Case, Deadline, WorkItem

    first = (db.session.execute(select(func.max(Case.id))).scalar() or 0) + 1
    for lo in range(0, n, BATCH):
        ids = range(first + lo, first + min(lo + BATCH, n))
        rows = [_row(i, start, dept_id, version_id) for i in ids]
        db.session.execute(insert(Case), [r["case"] for r in rows])
        db.session.execute(insert(Deadline), [r["deadline"] for r in rows])
        db.session.execute(insert(WorkItem), [r["item"] for r in rows])
        db.session.commit()


def _row(i: int, start: datetime, dept_id: int, version_id: int) -> dict:
    due = start + timedelta(minutes=(i * 37) % (30 * 24 * 60))
    warn = due - timedelta(days=1)
    case = dict(id=i, case_no=f"BN{i:014d}", query_code=f"Q{i:013d}", version=1, process_version_id=version_id,
                status="handling", stage="handling", category="complaint", channel="phone", citizen_name="x",
                phone="13800000000", title="bench", content="bench", address="", confidential=False,
                lead_department_id=dept_id, handle_due_at=due, due_at=due, warn_at=warn,
                due_provisional=False, suspended=False, urge_count=0, reopen_count=0, return_count=0,
                extension_count=0, created_at=start, updated_at=start)
    deadline = dict(case_id=i, stage="handling", department_id=dept_id, role="lead", round=1, started_at=start,
                    working_days=15, due_at=due, warn_at=warn, provisional=False, colour="green", state="open",
                    paused_days=0)
    item = dict(case_id=i, kind="task", task_name="handle", title="办理", form_key="handle", stage="handling",
                role="handler", department_id=dept_id, state="open", created_at=start, due_at=due, warn_at=warn,
                due_provisional=False)
    return {"case": case, "deadline": deadline, "item": item}


def timed(fn):
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def main() -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"recolour benchmark, {args.n:,} open deadlines")
    from engine.deadlines import colours
    from engine.processes import versions as processes

    start = datetime(2026, 12, 1)
    with app.app_context():
        t, _ = timed(lambda: load(args.n, start, common.dept("dh"), processes.current_version_id()))
        print(f"loaded {args.n:,} cases + deadlines + work items in {t:.1f} s")
        moments = [("first pass (every row coloured)", start + timedelta(days=10)),
                   ("nothing changed", start + timedelta(days=10)),
                   ("one day later (the day's transitions)", start + timedelta(days=11)),
                   ("a month later (everything turns red)", start + timedelta(days=31))]
        for label, now in moments:
            seconds, changed = timed(lambda: colours.recolour(now))
            print(f"recolour, {label}: {seconds * 1000:,.0f} ms; changed {changed['deadlines']:,} deadlines")
        seconds, red = timed(lambda: count_red(start + timedelta(days=31)))
        print(f"count of red open cases (computed colour, indexed due_at): {red:,} in {seconds * 1000:,.0f} ms")


def count_red(now: datetime) -> int:
    from sqlalchemy import func, select

    from engine.db import db
    from engine.deadlines.colours import colour_condition
    from engine.models import Case
    return db.session.execute(select(func.count()).select_from(Case).where(
        Case.status != "closed", colour_condition(Case, "red", now))).scalar()


if __name__ == "__main__":
    main()
