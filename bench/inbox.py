"""The department inbox and the combined query pages over N cases, through the Flask test client.

    .venv/bin/python bench/inbox.py [--n 100000] [--requests 50] [--reuse] [--explain]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline .venv/bin/python bench/inbox.py

Loads N cases with plain INSERTs (like bench/deadlines.py), spread over every department of the
demo city: about 60% in handling with an open work item and a running deadline, 10% waiting to
be signed for, 30% closed with the lead's handler recorded on a done work item; every fourth case
has a co-department. Then, signed in as each user, requests each page `--requests` times after a
warm-up and prints p50/p95/max in ms. `--explain` prints EXPLAIN ANALYZE (PostgreSQL) of every
statement one request of each page runs. Target on PostgreSQL here: p95 <= 150 ms.
"""
from __future__ import annotations

import re
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common  # noqa: E402

BATCH = 5000
PREFIX = "BI"           # case numbers of this benchmark's cases
# (label, login, path) of the timed pages; the query filters are what people pick first.
PAGES = [
    ("inbox, street handler (department)", "dh_hb_handler", "/inbox?scope=department"),
    ("inbox, district handler (department)", "dh_handler", "/inbox?scope=department"),
    ("query, dispatcher: complaints, red", "dispatcher", "/query?category=complaint&colour=red"),
    ("query, dispatcher: lead dept + open", "dispatcher", "/query?lead_department_id={xs_xs}&reply_status=open"),
    ("query, dispatcher: no filter", "dispatcher", "/query"),
    ("query, dispatcher: lead handler", "dispatcher", "/query?lead_handler_id={dh_hb_handler}"),
    ("query, district handler: no filter", "dh_handler", "/query"),
    ("query, street handler: by due date", "dh_hb_handler", "/query?reply_status=open&sort=due"),
    ("query, dispatcher: words, 4 characters", "dispatcher", "/query?q=施工噪音"),
    ("query, dispatcher: words, 2 characters", "dispatcher", "/query?q=路灯"),
    ("query, dispatcher: words + category", "dispatcher", "/query?q=幸福路&category=complaint"),
    ("query, street handler: words", "dh_hb_handler", "/query?q=油烟扰民"),
    ("cases, dispatcher: words, rare", "dispatcher", "/cases?q=第12345号"),
]
# Varied text, so words searches find a realistic share (one topic in 12, one street in 9).
TOPICS = [("夜间施工噪音扰民", "工地每晚十一点后仍在打桩，影响休息。"), ("路灯不亮夜间出行不便", "小区门口路灯坏了一周。"),
          ("餐馆油烟扰民", "楼下餐馆油烟直排，窗户无法打开。"), ("小区电梯长期故障", "电梯故障一个多月无人维修。"),
          ("占道经营", "早市摊贩占用人行道。"), ("拖欠工资", "公司拖欠三个月工资。"), ("井盖缺失", "人行道井盖丢失，有安全隐患。"),
          ("违章停车", "消防通道长期被占用。"), ("垃圾清运不及时", "垃圾桶满溢无人清运。"), ("供暖温度不达标", "室温不足十六度。"),
          ("公交班次太少", "早高峰等车超过半小时。"), ("物业费上涨", "物业未经业主同意上调收费。")]
STREETS = ["幸福路", "人民大道", "湖滨路", "西山路", "青松街", "解放路", "建设路", "滨江大道", "文化路"]
TOKEN = re.compile(rb'name="csrf_token" value="([^"]+)"')


def departments() -> list[tuple[int, int]]:
    """(department id, its handler's user id) of every department that handles cases."""
    from sqlalchemy import select

    from engine.db import db
    from engine.models import Department, User
    rows = db.session.execute(select(Department.id, Department.code).where(
        Department.kind.not_in(("city", "center"))).order_by(Department.id)).all()
    users = dict(db.session.execute(select(User.username, User.id)).all())
    return [(dept_id, users[f"{code}_handler"]) for dept_id, code in rows]


def load(n: int, now: datetime, version_id: int) -> int:
    """Bring the benchmark's cases up to N; returns how many were added."""
    from sqlalchemy import func, insert, select

    from engine.db import db
    from engine.models import Case, CaseDepartment, Deadline, WorkItem

    have = db.session.execute(select(func.count()).where(Case.case_no.like(PREFIX + "%"))).scalar()
    first = (db.session.execute(select(func.max(Case.id))).scalar() or 0) + 1
    depts = departments()
    for lo in range(0, n - have, BATCH):
        rows = [_rows(i, now, depts, version_id) for i in range(first + lo, first + min(lo + BATCH, n - have))]
        for model, key in ((Case, "case"), (CaseDepartment, "departments"), (Deadline, "deadline"),
                           (WorkItem, "items")):
            batch = [r for row in rows for r in row[key]]
            if batch:
                db.session.execute(insert(model), batch)
        db.session.commit()
    _advance_case_ids()
    return max(n - have, 0)


def _advance_case_ids() -> None:
    """The loader gives cases explicit ids: PostgreSQL's sequence must move past them, or the next
    intake (bench/http.py, bench/scale.py) collides with a loaded case."""
    from sqlalchemy import text

    from engine.db import db
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("""SELECT setval(pg_get_serial_sequence('"case"', 'id'),
                                                 greatest((SELECT max(id) FROM "case"), 1))"""))
        db.session.commit()


def _rows(i: int, now: datetime, depts: list[tuple[int, int]], version_id: int) -> dict:
    """The i-th case with its departments, deadline and work item."""
    lead, handler = depts[i % len(depts)]
    kind = "closed" if i % 10 < 3 else "sign_for" if i % 10 == 3 else "handling"
    case = _case(i, now, kind, lead, version_id)
    rows = [dict(case_id=i, department_id=lead, role="lead", active=True, dispatch_round=1,
                 created_at=case["created_at"])]
    if i % 4 == 0:
        rows.append({**rows[0], "department_id": depts[(i * 7 + 3) % len(depts)][0], "role": "co"})
    return {"case": [case], "departments": rows, "deadline": _deadline(case) if kind != "closed" else [],
            "items": [_item(case, kind, handler)]}


def _case(i: int, now: datetime, kind: str, lead: int, version_id: int) -> dict:
    created = now - timedelta(minutes=(i * 131) % (180 * 24 * 60))
    # Due dates from 5 days ago to 25 days ahead: some red, some yellow, most green.
    due = None if kind == "closed" else now + timedelta(minutes=(i * 37) % (30 * 24 * 60) - 5 * 24 * 60)
    return dict(id=i, case_no=f"{PREFIX}{i:014d}", query_code=f"B{i:013d}", version=1,
                process_version_id=version_id, status="closed" if kind == "closed" else "handling", stage=kind,
                outcome="archived" if kind == "closed" else None,
                category=("complaint", "consult", "report", "help", "suggestion")[i % 5],
                channel=("phone", "web", "app", "wechat")[i % 4], citizen_name="张三", phone=f"138{i:08d}",
                title=f"{TOPICS[i % 12][0]}（第{i}号）", content=TOPICS[i % 12][1],
                address=f"{STREETS[i % 9]}{i % 300 + 1}号", confidential=i % 50 == 0,
                dispatch_mode="assign" if i % 20 == 0 else "transfer", lead_department_id=lead,
                handle_due_at=due, due_at=due, warn_at=due - timedelta(days=1) if due else None,
                due_provisional=False, suspended=False, urge_count=0, reopen_count=0, return_count=0,
                extension_count=0, created_at=created, updated_at=created,
                closed_at=created + timedelta(days=10) if kind == "closed" else None)


def _deadline(case: dict) -> list[dict]:
    return [dict(case_id=case["id"], stage="handling", department_id=case["lead_department_id"], role="lead",
                 round=1, started_at=case["created_at"], working_days=15, due_at=case["due_at"],
                 warn_at=case["warn_at"], provisional=False, colour="green", state="open", paused_days=0)]


def _item(case: dict, kind: str, handler: int) -> dict:
    """The lead's open task; for a closed case its done handling task, completed by the handler."""
    task = "sign_for" if kind == "sign_for" else "handle"
    done = kind == "closed"
    return dict(case_id=case["id"], kind="task", task_name=task, title="签收" if task == "sign_for" else "办理",
                form_key=task, stage="sign_for" if task == "sign_for" else "handling", role="handler",
                department_id=case["lead_department_id"], state="done" if done else "open",
                created_at=case["created_at"], due_at=case["due_at"], warn_at=case["warn_at"], due_provisional=False,
                completed_at=case["created_at"] + timedelta(days=9) if done else None,
                completed_by_id=handler if done else None)


def signed_in(app, login: str):
    """A test client with a session cookie for the demo login."""
    client = app.test_client()
    token = TOKEN.search(client.get("/login").data).group(1).decode()
    res = client.post("/login", data={"username": login, "password": "12345demo", "csrf_token": token})
    assert res.status_code == 302, res.data[:200]
    return client


def time_page(client, path: str, requests: int, warm: int = 5) -> list[float]:
    """Wall times (s) of GET path, after `warm` uncounted requests; every answer must be 200."""
    times = []
    for index in range(warm + requests):
        t0 = time.perf_counter()
        res = client.get(path)
        elapsed = time.perf_counter() - t0
        assert res.status_code == 200, (path, res.status_code)
        if index >= warm:
            times.append(elapsed)
    return times


def explain(app, client, path: str) -> None:
    """EXPLAIN ANALYZE of each statement one request runs (PostgreSQL only)."""
    from sqlalchemy import event

    from engine.db import db
    with app.app_context():
        engine = db.engine
    seen: list[tuple[str, object]] = []
    listener = lambda conn, cursor, statement, params, context, many: seen.append((statement, params))  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    with engine.connect() as conn:
        for statement, params in seen:
            if statement.lstrip().upper().startswith("SELECT") and engine.dialect.name == "postgresql":
                plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params).scalars().all()
                print("   ", " ".join(statement.split())[:160])
                print("\n".join("      " + line for line in plan))


def main() -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--explain", action="store_true")
    args = parser.parse_args()
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"inbox and combined query pages, {args.n:,} cases")
    from engine.ports import now as clock_now
    from engine.processes import versions as processes

    with app.app_context():
        t0 = time.perf_counter()
        added = load(args.n, clock_now(), processes.current_version_id())
        print(f"loaded {added:,} cases (+ departments, deadlines, work items) in {time.perf_counter() - t0:.1f} s")
        analyze()
        ids = {"xs_xs": common.dept("xs_xs"), "dh_hb_handler": common.actor("dh_hb_handler").user_id}
    clients = {login: signed_in(app, login) for login in {login for _, login, _ in PAGES}}
    print(f"{'page':42} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for label, login, path in PAGES:
        times = common.ms(time_page(clients[login], path.format(**ids), args.requests))
        print(f"{label:42} {common.percentile(times, 50):8.1f} {common.percentile(times, 95):8.1f} {max(times):8.1f}")
        if args.explain:
            explain(app, clients[login], path.format(**ids))
    t0 = time.perf_counter()
    res = clients["dispatcher"].get("/query/export.xlsx")        # everything: cut at 50,000 rows
    print(f"export, dispatcher, no filter: {int(res.headers.get('X-Export-Rows', 0)):,} rows, "
          f"{len(res.data) / 1e6:.1f} MB in {time.perf_counter() - t0:.1f} s")


def analyze() -> None:
    """Planner statistics and the visibility map after a bulk load, as autovacuum leaves a live table
    (without it PostgreSQL cannot count from an index alone and reads the heap)."""
    from sqlalchemy import text

    from engine.db import db
    db.session.commit()
    with db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
        else:
            conn.execute(text("ANALYZE"))
            conn.commit()

if __name__ == "__main__":
    main()
