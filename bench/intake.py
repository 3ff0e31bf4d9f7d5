"""Intake throughput: the raw SpiffWorkflow engine vs. `cases.open_case` through the services.

    .venv/bin/python bench/intake.py [--n 2000] [--reuse]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_bench .venv/bin/python bench/intake.py

(a) raw engine, no database: CaseWorkflow.start + complete the intake task + dump(), per case;
(b) services: cases.open_case(actor=agent, data=...) per case, each in its own app context (as a
    request would be), after a short warm-up that is not counted.
"""
from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402


def raw_intake(parsed, datas: list[dict]) -> tuple[float, list[float], list[int]]:
    """(elapsed s, per-case seconds, blob sizes) of start + complete intake + dump, no database."""
    from engine.bpmn.runtime import CaseWorkflow

    per, sizes = [], []
    t_start = time.perf_counter()
    for clean in datas:
        t0 = time.perf_counter()
        wf = CaseWorkflow.start(parsed)
        task = next(t for t in wf.ready_tasks() if t.info.form_key == "intake")
        wf.complete(task.task_id, clean)
        blob = wf.dump()
        per.append(time.perf_counter() - t0)
        sizes.append(len(blob))
    elapsed = time.perf_counter() - t_start
    if datas:
        assert [t.info.form_key for t in wf.ready_tasks()] == ["triage"], "raw intake did not reach triage"
    return elapsed, per, sizes


def service_intake(app, agent, first: int, count: int) -> tuple[float, list[float], list[int]]:
    """(elapsed s, per-call seconds of open_case, case ids); one app context per case."""
    from engine.cases import service as cases
    from engine.db import db

    per, ids = [], []
    t_start = time.perf_counter()
    for i in range(first, first + count):
        data = common.intake_data(i)
        with app.app_context():
            t0 = time.perf_counter()
            case = cases.open_case(actor=agent, data=data)
            per.append(time.perf_counter() - t0)
            ids.append(case.id)
            db.session.remove()
    return time.perf_counter() - t_start, per, ids


def check(app, ids: list[int]) -> float:
    """Every case landed in triage with one open work item; returns the average blob size (bytes)."""
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import Case, WorkItem

    with app.app_context():
        rows = db.session.execute(select(Case.id, Case.status, Case.stage, Case.case_no)
                                  .where(Case.id.in_(ids))).all()
        assert len(rows) == len(ids), f"{len(rows)} of {len(ids)} cases found"
        assert all((r.status, r.stage) == ("registered", "triage") for r in rows), "a case is not in triage"
        assert len({r.case_no for r in rows}) == len(ids), "duplicate case numbers"
        open_items = db.session.execute(select(func.count()).select_from(WorkItem).where(
            WorkItem.case_id.in_(ids), WorkItem.state == "open", WorkItem.form_key == "triage")).scalar()
        assert open_items == len(ids), f"{open_items} open triage items for {len(ids)} cases"
        return common.blob_avg(ids)


def main(argv=None) -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="cases to open (default 2000)")
    parser.add_argument("--warmup", type=int, default=50, help="uncounted warm-up cases (default 50)")
    args = parser.parse_args(argv)

    app = common.make_app(reuse=args.reuse)
    common.header(app, f"intake benchmark, N={args.n}")

    from forms import get_form

    with app.app_context():
        agent = common.actor("agent")
    parsed = common.raw_process()

    # (a) raw engine: same clean data the service hands to the engine
    clean = [get_form("intake").validate(common.intake_data(i)) for i in range(args.n + args.warmup)]
    raw_intake(parsed, clean[:args.warmup])
    gc.collect()
    raw_s, raw_per, raw_sizes = raw_intake(parsed, clean[args.warmup:])
    raw_ms = common.ms(raw_per)
    raw_rate = args.n / raw_s

    # (b) services
    service_intake(app, agent, 1_000_000, args.warmup)
    gc.collect()
    svc_s, svc_per, ids = service_intake(app, agent, 0, args.n)
    svc_ms = common.ms(svc_per)
    svc_rate = args.n / svc_s
    blob = check(app, ids)
    report(raw_rate, raw_ms, raw_sizes, svc_rate, svc_ms, blob, len(ids))


def report(raw_rate: float, raw_ms: list, raw_sizes: list, svc_rate: float, svc_ms: list, blob: float,
           checked: int) -> None:
    """The figures: raw engine, services, their ratio, what was checked."""
    print(f"raw engine (start + complete intake + dump, no DB): {raw_rate:,.0f} cases/s "
          f"(p50 {common.percentile(raw_ms, 50):.2f} ms, p95 {common.percentile(raw_ms, 95):.2f} ms); "
          f"blob {sum(raw_sizes) / len(raw_sizes) / 1024:.1f} KB")
    print(f"intake via services (cases.open_case): {svc_rate:,.0f} cases/s "
          f"(p50 {common.percentile(svc_ms, 50):.2f} ms, p95 {common.percentile(svc_ms, 95):.2f} ms, "
          f"max {max(svc_ms):.1f} ms); stored blob {blob / 1024:.1f} KB")
    print(f"service is {svc_rate / raw_rate:.2f}× the raw engine "
          f"(the service layer adds {common.percentile(svc_ms, 50) - common.percentile(raw_ms, 50):.2f} ms "
          f"per case at p50)")
    print(f"checked: {checked} cases in triage, one open triage item each, unique case numbers")


if __name__ == "__main__":
    main()
