"""What the HTTP goals leave for our own code: the floors under a request on this machine, one run.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_bench .venv/bin/python bench/floor.py

Issue 16 set goals over HTTP on the machine's 2 cores: intake >= 600/s, the full lifecycle
(intake + 9 completions, 10 requests) >= 40 cases/s. At N = 4 clients both are capped by CPU,
so each goal is a CPU budget per intake or case: the cores, less what the clients themselves use,
divided by the goal's rate. This script measures, in the same run, the parts of that budget that
no code of ours can give back, and prints the budget against their sum:

1. gunicorn (gunicorn.conf.py: gthread, the access log) serving a bare WSGI callable, then a
   one-route Flask app (bench/floor_apps.py), then our app's `GET /healthz`: every hook (request
   id, CSRF, login manager, session, limiter, the unstorable-text guard), no database, no token;
2. the raw SpiffWorkflow engine in process: an intake (start, complete, dump) and a lifecycle
   (load, complete, dump per step), no database; on PostgreSQL, the client's CPU for one prepared
   statement in raw psycopg, without SQLAlchemy, and the statements the services run (counted at
   the driver); a completion in process, its wall time and how much of it waits for the database;
3. intake and the lifecycle over HTTP at N = 4 with CPU split between the web processes,
   PostgreSQL and the clients (bench/cpu.py): PostgreSQL's share is the database's work for the
   rows and statements, which a faster web process does not shrink.

The floor of an intake is (1)'s `/healthz` + (2) + PostgreSQL's share; a lifecycle's is ten
`/healthz` + (2) + PostgreSQL's share. What the budget leaves above the floor is all the time our
own Python may take (the token, parsing, validation, the statements' client side, the ORM, the
answer), printed beside what it takes now. The completion's p50 <= 5 ms is a latency: its floor is
a bare Flask request's wall time at N = 1 + the raw engine's step + the time a completion waits
for the database.
"""
from __future__ import annotations

import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common, http  # noqa: E402
from bench.cpu import CpuMeter, postmaster_pid, tree_seconds  # noqa: E402

GOALS = {"intake": 600.0, "lifecycle": 40.0}      # per second, issue 16
REQUESTS_PER_CASE = 10


def get_client(port: int, path: str, tally: http.Tally, until: float, _first: int) -> None:
    """GET path back to back until `until` (bench/http.py's clients, for run_clients)."""
    while time.perf_counter() < until:
        try:
            tally.timed(path, port, "GET", path, None, ok=(200,))
        except RuntimeError:
            return


def hammer(port: int, path: str, n: int, seconds: float, server_pid: int) -> tuple[float, float]:
    """(requests/s, web CPU ms per request) of n keep-alive clients GETting path."""
    web0 = tree_seconds(server_pid)
    elapsed, tally = http.run_clients(get_client, n, seconds, port, path, 0)
    if tally.errors:
        raise SystemExit(f"{path}: {tally.errors[0]}")
    count = len(tally.times[path])
    return count / elapsed, 1000 * (tree_seconds(server_pid) - web0) / count


def request_floors(database_uri: str, seconds: float) -> dict[str, tuple[float, float]]:
    """{server: (web CPU ms per request at N = 4, wall ms per request at N = 1)} of the bare server,
    bare Flask and our /healthz."""
    floors = {}
    for label, target in (("gunicorn, bare WSGI", "bench.floor_apps:raw"),
                          ("gunicorn + Flask, one route", "bench.floor_apps:flask_app"),
                          ("our app's /healthz", "wsgi:app")):
        server, port = http.start_server(database_uri, 2, 32, target=target, ready="/healthz")
        try:
            found = {}
            for n in (1, 4):
                rate, web_ms = hammer(port, "/healthz", n, seconds, server.pid)
                found[n] = rate, web_ms
                print(f"   {label:<28} N={n}: {rate:7.0f} requests/s, web CPU {web_ms:.2f} ms a request")
            floors[label] = found[4][1], 1000 / found[1][0]
        finally:
            http.stop_server(server)
    return floors


def completion_wait(app, cases: int = 30) -> tuple[float, float]:
    """(wall ms, ms waiting for the database) of a work-item completion in process, medians over
    the lifecycle's 9 steps of `cases` cases; waiting is wall time less this thread's CPU."""
    from bench.lifecycle import service_steps
    from engine.cases import service as cases_service
    from engine.db import db

    A, D = common.lifecycle_people(app)
    walls, waits = [], []
    for i in range(cases):
        with app.app_context():
            case_id = cases_service.open_case(actor=A["agent"], data=common.intake_data(7_200_000 + i)).id
            db.session.remove()
        for _, step in service_steps(A, D):
            with app.app_context():
                w0, c0 = time.perf_counter(), time.thread_time()
                step(case_id)
                wall, cpu = time.perf_counter() - w0, time.thread_time() - c0
                db.session.remove()
            walls.append(1000 * wall)
            waits.append(1000 * (wall - cpu))
    return common.percentile(walls, 50), common.percentile(waits, 50)


def engine_floors(app, cases: int) -> tuple[float, float]:
    """(raw engine ms per intake, raw engine ms per lifecycle), no database."""
    from bench.intake import raw_intake
    from bench.lifecycle import run_raw
    from forms import get_form

    parsed = common.raw_process()
    clean = [get_form("intake").validate(common.intake_data(i)) for i in range(cases)]
    D = common.lifecycle_people(app)[1]
    raw_intake(parsed, clean[:20])
    run_raw(parsed, D, clean[0], 5)
    gc.collect()
    intake_s, _, _ = raw_intake(parsed, clean)
    gc.collect()
    lifecycles = max(20, cases // 10)
    lifecycle_s, _, _ = run_raw(parsed, D, clean[0], lifecycles)
    return 1000 * intake_s / cases, 1000 * lifecycle_s / lifecycles


def driver_floor(app, count: int = 3000) -> float | None:
    """Client CPU ms of one prepared statement in raw psycopg (no SQLAlchemy), or None off PostgreSQL."""
    from engine.db import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return None
        raw = db.engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()
        ids = [row[0] for row in cursor.execute('SELECT id FROM "case" ORDER BY id LIMIT 100').fetchall()] or [0]
        query = 'SELECT id, status FROM "case" WHERE id = %s'
        for i in range(200):
            cursor.execute(query, (ids[i % len(ids)],), prepare=True).fetchall()
        t0 = time.process_time()
        for i in range(count):
            cursor.execute(query, (ids[i % len(ids)],), prepare=True).fetchall()
        return 1000 * (time.process_time() - t0) / count
    finally:
        raw.rollback()
        raw.close()


def statements(app, cases: int = 20) -> tuple[float, float]:
    """(statements per intake, per lifecycle) of the services in process, counted at the driver."""
    from sqlalchemy import event

    from bench.intake import service_intake
    from bench.lifecycle import run_services
    from engine.db import db

    A, D = common.lifecycle_people(app)
    seen = [0]

    def count(*_args) -> None:
        seen[0] += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        _, _, _, _, ids = run_services(app, A, D, 7_000_000, cases)
        per_case = seen[0] / len(ids)
        seen[0] = 0
        service_intake(app, A["agent"], 7_100_000, cases)
        per_intake = seen[0] / cases
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return per_intake, per_case


def over_http(app, seconds: float) -> dict[str, tuple[float, float, float, float]]:
    """{phase: (rate, web ms, PostgreSQL ms, clients' cores)} per intake / per case at N = 4."""
    tok = http.tokens(app)
    steps = http.walk_steps(common.lifecycle_people(app)[1])
    server, port = http.start_server(app.config["SQLALCHEMY_DATABASE_URI"], 2, 16)
    meter = CpuMeter(server.pid, postmaster_pid(app))
    found = {}
    try:
        http.request(port, "POST", "/api/v1/cases", tok["agent"], common.intake_data(8_999_998))
        for phase, client, args in (("intake", http.intake_client, (port, tok, 0)),
                                    ("lifecycle", http.lifecycle_client, (port, tok, steps, False, 100_000_000))):
            (web0, pg0), own0 = meter.read(), time.process_time()
            elapsed, tally = http.run_clients(client, 4, seconds, *args)
            (web1, pg1), own1 = meter.read(), time.process_time()
            done = tally.cases if phase == "lifecycle" else len(tally.times.get("intake", []))
            if tally.errors or not done:
                raise SystemExit(f"{phase}: {len(tally.errors)} errors, first {tally.errors[:1]}")
            found[phase] = (done / elapsed, 1000 * (web1 - web0) / done, 1000 * ((pg1 or 0) - (pg0 or 0)) / done,
                            (own1 - own0) / elapsed)
            print(f"   {phase:<9} N=4: {done / elapsed:7.1f}/s, CPU per {'case' if phase == 'lifecycle' else 'intake'}:"
                  f" web {found[phase][1]:.2f} ms, PostgreSQL {found[phase][2]:.2f} ms;"
                  f" clients {found[phase][3]:.2f} cores")
    finally:
        http.stop_server(server)
    return found


def budget(phase: str, measured: tuple, request_floor: float, engine: float, requests: int,
           driver: float | None, count: float) -> None:
    rate, web, pg, clients = measured
    cores = os.cpu_count() or 1
    allowed = 1000 * (cores - clients) / GOALS[phase]
    floor = requests * request_floor + engine + pg
    ours_now = web - requests * request_floor - engine
    unit = "case" if phase == "lifecycle" else "intake"
    print(f"   {phase} >= {GOALS[phase]:.0f}/s: {allowed:.2f} ms of CPU per {unit} ({cores} cores less the clients')")
    print(f"      floor {floor:.2f} ms = {requests} x request {request_floor:.2f} + raw engine {engine:.2f}"
          f" + PostgreSQL {pg:.2f}")
    print(f"      left for our own Python: {allowed - floor:.2f} ms; it takes {ours_now:.2f} ms now"
          f" (measured {rate:.1f}/s, {rate / GOALS[phase]:.2f}x the goal)")
    if driver is not None:
        print(f"      of what is left, raw psycopg alone for its {count:.1f} statements: {count * driver:.2f} ms")


def latency(request_wall: float, engine_step: float, wall: float, wait: float) -> None:
    floor = request_wall + engine_step + wait
    print(f"   completion p50 <= 5 ms: floor {floor:.2f} ms = a bare request's wall {request_wall:.2f}"
          f" + raw engine {engine_step:.2f} a step + waiting for the database {wait:.2f} (in process, p50)")
    print(f"      in process now: p50 {wall:.2f} ms, of it our own Python {wall - wait - engine_step:.2f} ms;"
          f" over HTTP add the request (bench/http.py prints that p50)")


def main() -> None:
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="seconds per phase")
    parser.add_argument("--cases", type=int, default=500, help="raw engine intakes (a tenth as lifecycles)")
    args = parser.parse_args()
    app = common.make_app(reuse=args.reuse)
    common.header(app, "floors under the HTTP goals")
    print("-- the server alone (web CPU per request)")
    floors = request_floors(app.config["SQLALCHEMY_DATABASE_URI"], args.seconds)
    print("-- the raw engine in process")
    intake_ms, lifecycle_ms = engine_floors(app, args.cases)
    print(f"   intake {intake_ms:.2f} ms, lifecycle {lifecycle_ms:.2f} ms a case")
    driver = driver_floor(app)
    if driver is not None:
        print(f"   one prepared SELECT by key in raw psycopg: {driver:.3f} ms of the client's CPU")
    per_intake, per_case = statements(app)
    print(f"   statements through the services: {per_intake:.2f} an intake, {per_case:.1f} a lifecycle")
    wall, wait = completion_wait(app)
    print(f"   a completion in process: p50 {wall:.2f} ms of wall time, {wait:.2f} ms of it waiting for the database")
    print("-- the product over HTTP")
    measured = over_http(app, args.seconds)
    print("-- the goals as CPU budgets, against the floors")
    request_floor = floors["our app's /healthz"][0]
    budget("intake", measured["intake"], request_floor, intake_ms, 1, driver, per_intake)
    budget("lifecycle", measured["lifecycle"], request_floor, lifecycle_ms, REQUESTS_PER_CASE, driver, per_case)
    latency(floors["gunicorn + Flask, one route"][1], (lifecycle_ms - intake_ms) / 9, wall, wait)


if __name__ == "__main__":
    main()
