"""Printing official documents: ms per transfer slip (warm) and seconds for a batch of 100 in one PDF.

    .venv/bin/python bench/printing.py [--n 100] [--repeat 20] [--reuse]

Opens and dispatches N cases through the services, renders one transfer slip once to warm up
(fonts, templates), then times `documents.render` of one slip `--repeat` times (median; includes
the scope check, the case's queries, the audit event and its commit) and `documents.render_batch`
of all N cases into one PDF. Targets here: <= 200 ms per slip, <= 10 s for 100.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402


def main() -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="cases in the batch")
    parser.add_argument("--repeat", type=int, default=20, help="single slips timed")
    args = parser.parse_args()
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"printing benchmark: transfer slips, batch of {args.n}")
    from engine.cases import actions, service as cases
    from engine.documents import service as documents

    with app.app_context():
        agent, dispatcher = common.actor("agent"), common.actor("dispatcher")
        lead, co = common.dept("dh_hb"), common.dept("zjj")
        ids = []
        for i in range(args.n):
            case = cases.open_case(actor=agent, data=common.intake_data(i))
            actions.triage(case_id=case.id, actor=agent, decision="dispatch")
            actions.dispatch(case_id=case.id, actor=dispatcher, mode="transfer", lead_department_id=lead,
                             co_department_ids=[co], opinion="请按时限办理")
            ids.append(case.id)
        first = documents.render(kind="transfer-slip", case_id=ids[0], actor=dispatcher)   # warm-up
        times = []
        for i in range(args.repeat):
            t0 = time.perf_counter()
            documents.render(kind="transfer-slip", case_id=ids[i % len(ids)], actor=dispatcher)
            times.append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        batch = documents.render_batch(kind="transfer-slip", case_ids=ids, actor=dispatcher)
        batch_s = time.perf_counter() - t0
    print(f"one slip, warm: median {statistics.median(times):.0f} ms, min {min(times):.0f}, "
          f"max {max(times):.0f} (n={args.repeat}; {len(first) // 1024} KB)   target <= 200 ms")
    print(f"batch of {args.n} in one PDF: {batch_s:.2f} s ({len(batch) // 1024} KB)   target <= 10 s")


if __name__ == "__main__":
    main()
