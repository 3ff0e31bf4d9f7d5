"""Full case lifecycle through engine.cases.actions, every work-item completion timed.

    .venv/bin/python bench/lifecycle.py [--cases 200] [--reuse]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_bench .venv/bin/python bench/lifecycle.py

Per case: intake (cases.open_case) -> triage (dispatch) -> dispatch (lead 东湖区 'dh', co-departments
'zjj' and 'scj') -> sign_for -> two co-department opinions -> reply -> approve_reply (dh requires
approval) -> review -> visit (satisfied): 1 intake + 9 work-item completions, each in its own app
context as a request would be. The raw engine does the same 9 completions on CaseWorkflow with a
load before and a dump after each, without a database.
"""
from __future__ import annotations

import gc
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

PEER_COMPLETION_MS = 39.0      # spiff-arena on PostgreSQL, measured by the team (docs/PERFORMANCE.md)
PEER_CASES_PER_S = 23.0        # spiff-arena instances started per second on PostgreSQL


def service_steps(A: dict, D: dict) -> list[tuple[str, callable]]:
    """(label, fn(case_id)) for the 9 completions after intake."""
    from engine.cases import actions

    return [
        ("triage", lambda c: actions.triage(case_id=c, actor=A["agent"], decision="dispatch")),
        ("dispatch", lambda c: actions.dispatch(case_id=c, actor=A["dispatcher"], mode="transfer",
                                                lead_department_id=D["dh"],
                                                co_department_ids=[D["zjj"], D["scj"]])),
        ("sign_for", lambda c: actions.sign_for(case_id=c, actor=A["dh_handler"])),
        ("co_opinion", lambda c: actions.submit_opinion(case_id=c, actor=A["zjj_handler"],
                                                        department_id=D["zjj"], opinion="住建局已配合现场核查")),
        ("co_opinion", lambda c: actions.submit_opinion(case_id=c, actor=A["scj_handler"],
                                                        department_id=D["scj"], opinion="市场监管局已约谈物业")),
        ("reply", lambda c: actions.reply(case_id=c, actor=A["dh_handler"], result="resolved",
                                          reply_text="经协调，电梯已于本周修复并通过检验。")),
        ("approve_reply", lambda c: actions.approve_reply(case_id=c, actor=A["dh_leader"], approved=True)),
        ("review", lambda c: actions.review(case_id=c, actor=A["dispatcher"], passed=True)),
        ("visit", lambda c: actions.visit(case_id=c, actor=A["visitor"], satisfaction="satisfied",
                                          resolved=True)),
    ]


def raw_steps(D: dict) -> list[tuple[str, str, int | None, dict]]:
    """(label, form key, department, engine data): what the services hand to the engine
    (clean form data plus what the task hooks add)."""
    return [
        ("triage", "triage", None, {"decision": "dispatch"}),
        ("dispatch", "dispatch", None, {"mode": "transfer", "lead_department_id": D["dh"],
                                        "co_department_ids": [D["zjj"], D["scj"]],
                                        "reply_needs_approval": True}),
        ("sign_for", "sign_for", D["dh"], {"decision": "sign"}),
        ("co_opinion", "co_opinion", D["zjj"], {"opinion": "住建局已配合现场核查", "co_result": {
            "department_id": D["zjj"], "opinion": "住建局已配合现场核查"}}),
        ("co_opinion", "co_opinion", D["scj"], {"opinion": "市场监管局已约谈物业", "co_result": {
            "department_id": D["scj"], "opinion": "市场监管局已约谈物业"}}),
        ("reply", "handle", D["dh"], {"action": "reply", "result": "resolved",
                                      "reply_text": "经协调，电梯已于本周修复并通过检验。"}),
        ("approve_reply", "approve_reply", D["dh"], {"reply_approved": True}),
        ("review", "review", None, {"review_passed": True}),
        ("visit", "visit", None, {"satisfaction": "satisfied", "resolved": True, "visit_decision": "",
                                  "reopen": False, "reopen_count": 0, "max_reopens": 2}),
    ]


def run_services(app, A, D, first: int, count: int):
    """Walk `count` cases; returns (elapsed s, intake seconds, {label: [seconds]}, all completions, ids)."""
    from engine.cases import service as cases
    from engine.db import db

    steps = service_steps(A, D)
    intake, per_action, completions, ids = [], defaultdict(list), [], []
    t_start = time.perf_counter()
    for i in range(first, first + count):
        with app.app_context():
            t0 = time.perf_counter()
            case_id = cases.open_case(actor=A["agent"], data=common.intake_data(i)).id
            intake.append(time.perf_counter() - t0)
            db.session.remove()
        for label, fn in steps:
            with app.app_context():
                t0 = time.perf_counter()
                fn(case_id)
                dt = time.perf_counter() - t0
                db.session.remove()
            per_action[label].append(dt)
            completions.append(dt)
        ids.append(case_id)
    return time.perf_counter() - t_start, intake, per_action, completions, ids


def run_raw(parsed, D, intake_clean: dict, count: int):
    """The same lifecycle on CaseWorkflow alone; returns (elapsed s, {label: [seconds]}, completions)."""
    from engine.bpmn.runtime import CaseWorkflow

    steps = raw_steps(D)
    per_action, completions = defaultdict(list), []
    t_start = time.perf_counter()
    for _ in range(count):
        wf = CaseWorkflow.start(parsed)
        task = next(t for t in wf.ready_tasks() if t.info.form_key == "intake")
        wf.complete(task.task_id, intake_clean)
        blob = wf.dump()
        for label, form_key, department, data in steps:
            t0 = time.perf_counter()
            wf = CaseWorkflow.load(parsed, blob)
            task = next(t for t in wf.ready_tasks()
                        if t.info.form_key == form_key and (department is None or t.department_id == department))
            wf.complete(task.task_id, data)
            blob = wf.dump()
            dt = time.perf_counter() - t0
            per_action[label].append(dt)
            completions.append(dt)
        assert wf.completed and wf.outcome() == "archived", f"raw lifecycle ended with {wf.outcome()!r}"
    return time.perf_counter() - t_start, per_action, completions


def check(app, ids: list[int]) -> float:
    """Every case is archived, closed, with no open work item and 14 audit events; avg blob bytes."""
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import Case, CaseEvent, WorkItem

    with app.app_context():
        rows = db.session.execute(select(Case.id, Case.outcome, Case.status, Case.stage, Case.closed_at)
                                  .where(Case.id.in_(ids))).all()
        assert len(rows) == len(ids), f"{len(rows)} of {len(ids)} cases found"
        bad = [r for r in rows if (r.outcome, r.status, r.stage) != ("archived", "closed", "closed")
               or r.closed_at is None]
        assert not bad, f"{len(bad)} cases not archived, e.g. {bad[0]}"
        still_open = db.session.execute(select(func.count()).select_from(WorkItem).where(
            WorkItem.case_id.in_(ids), WorkItem.state == "open")).scalar()
        assert still_open == 0, f"{still_open} work items still open"
        done = db.session.execute(select(func.count()).select_from(WorkItem).where(
            WorkItem.case_id.in_(ids), WorkItem.state == "done")).scalar()
        assert done == 9 * len(ids), f"{done} done work items, expected {9 * len(ids)}"
        events = db.session.execute(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id.in_(ids))).scalar()
        # intake + 9 completions + 2 deadline_started (sign-for, handling) + 2 citizen_notified
        # (the reply and the close delivered to the citizen, 送达)
        assert events == 14 * len(ids), f"{events} audit events, expected {14 * len(ids)}"
        return common.blob_avg(ids)


def main(argv=None) -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="cases to walk through (default 200)")
    parser.add_argument("--warmup", type=int, default=5, help="uncounted warm-up cases (default 5)")
    args = parser.parse_args(argv)

    app = common.make_app(reuse=args.reuse)
    common.header(app, f"lifecycle benchmark, {args.cases} cases x (intake + 9 completions)")

    from forms import get_form

    A, D = common.lifecycle_people(app)
    parsed = common.raw_process()

    # raw engine (no database)
    intake_clean = get_form("intake").validate(common.intake_data(0))
    run_raw(parsed, D, intake_clean, args.warmup)
    gc.collect()
    raw_s, raw_actions, raw_all = run_raw(parsed, D, intake_clean, args.cases)
    raw_ms = common.ms(raw_all)

    # services
    run_services(app, A, D, 1_000_000, args.warmup)
    gc.collect()
    svc_s, intake, per_action, completions, ids = run_services(app, A, D, 0, args.cases)
    blob = check(app, ids)
    report(args.cases, svc_s, intake, per_action, completions, raw_s, raw_actions, raw_ms, blob, len(ids))


def report(cases: int, svc_s: float, intake: list, per_action: dict, completions: list, raw_s: float,
           raw_actions: dict, raw_ms: list, blob: float, checked: int) -> None:
    """The figures: services per action and per case, the raw engine, the ratio, the peer, the checks."""
    svc_ms = common.ms(completions)
    n_items = len(completions)
    p50, raw_p50 = common.percentile(svc_ms, 50), common.percentile(raw_ms, 50)
    print(f"complete a work item via services: p50 {p50:.2f} ms, p95 {common.percentile(svc_ms, 95):.2f} ms, "
          f"max {max(svc_ms):.1f} ms ({n_items} completions)")
    print("  per action, p50 (p95) ms:  "
          + ", ".join(f"{label} {common.percentile(common.ms(v), 50):.2f} ({common.percentile(common.ms(v), 95):.2f})"
                      for label, v in per_action.items()))
    intake_ms = common.ms(intake)
    print(f"  intake (open_case): p50 {common.percentile(intake_ms, 50):.2f} ms, "
          f"p95 {common.percentile(intake_ms, 95):.2f} ms")
    print(f"full lifecycle via services: {cases / svc_s:.1f} cases/s "
          f"({svc_s / cases * 1000:.1f} ms per case, intake + 9 completions)")
    print(f"raw engine (load + complete + dump, no DB): p50 {raw_p50:.2f} ms per completion, "
          f"p95 {common.percentile(raw_ms, 95):.2f} ms; full lifecycle {cases / raw_s:,.0f} cases/s")
    print("  raw per action, p50 ms:  "
          + ", ".join(f"{label} {common.percentile(common.ms(v), 50):.2f}" for label, v in raw_actions.items()))
    print(f"a service completion costs {p50 / raw_p50:.1f}× the raw engine's "
          f"(service is {raw_p50 / p50:.2f}× the raw engine; +{p50 - raw_p50:.2f} ms at p50)")
    print(f"peer (spiff-arena, PostgreSQL): {PEER_COMPLETION_MS:.0f} ms per completion -> "
          f"{PEER_COMPLETION_MS / p50:.1f}× slower than this run's p50")
    print(f"average blob size after the lifecycle: {blob / 1024:.1f} KB ({blob:,.0f} bytes)")
    print(f"checked: {checked} cases archived and closed, 9 done work items and 14 audit events each")


if __name__ == "__main__":
    main()
