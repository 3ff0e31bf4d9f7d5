"""Open311 load: POST /open311/v2/requests.json at a fixed rate against a running server, wait
until the scheduler has opened every queued request, then check in the database that every 201
became exactly one case (no loss, no duplicate).

    export DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline_open311_bench
    .venv/bin/gunicorn -w 3 --threads 8 -b 127.0.0.1:5077 wsgi:app &     # the server under test
    .venv/bin/flask --app wsgi scheduler run &                           # opens the queued requests
    .venv/bin/python bench/channels.py --url http://127.0.0.1:5077 --rate 200 --duration 60

The database must be migrated and seeded (`flask db upgrade`, `flask seed demo --if-empty`). The
bench registers its own client (a rate limit far above the load) through the engine, sends the
requests open-loop (each at its scheduled moment, whatever the earlier ones are doing, so a slow
server shows as latency and a falling rate, not as a politely slower client) from a thread pool,
and prints the achieved rate, p50/p95/p99 latency, errors by status, and the database check.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SERVICES = ("ldzm", "jgss", "zdjy", "wy_dt", "zy_sg")
_local = threading.local()


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="the running server")
    parser.add_argument("--rate", type=float, default=200.0, help="POSTs per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--threads", type=int, default=96, help="client threads (in-flight requests at most)")
    parser.add_argument("--drain-timeout", type=float, default=1800, help="seconds to wait for the queue to empty")
    return parser.parse_args()


def register_client(app) -> tuple[int, str]:
    """A bench client in the server's database, its limit far above the load."""
    from engine.channels import open311_clients
    from engine.organisation import actor_from_user
    from engine.organisation.directory import get_user

    with app.app_context():
        admin = actor_from_user(get_user("admin"))
        row, key = open311_clients.create_client(actor=admin, reason="bench", data={
            "name": f"bench {time.strftime('%H:%M:%S')}", "channel": "app", "rate_limit": "999999/minute"})
        return row.id, key


def one_post(url: str, key: str, i: int, due: float) -> tuple[float, int, str]:
    """(latency s, status, token or error text) of the i-th request, sent at `due`. A plain
    http.client connection per thread, kept alive: the generator shares the server's 2 cores, and
    requests' own overhead was a third of a core at 200/s."""
    delay = due - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    data = urlencode({"api_key": key, "service_code": SERVICES[i % len(SERVICES)], "lat": "28.68", "long": "115.89",
                      "phone": f"139{i % 100_000_000:08d}", "first_name": "三", "last_name": "张",
                      "description": f"压测诉求第 {i} 号：路灯不亮，井盖松动。"})
    t0 = time.perf_counter()
    try:
        status, body = _post(url, "/open311/v2/requests.json", data)
        answer = json.loads(body)[0]
        return time.perf_counter() - t0, status, answer.get("token") or answer.get("description", "")
    except Exception as exc:           # a refused connection or a timeout is an error of the run
        _local.conn = None
        return time.perf_counter() - t0, 0, type(exc).__name__


def _post(url: str, path: str, data: str) -> tuple[int, bytes]:
    conn = getattr(_local, "conn", None)
    if conn is None:
        parts = urlsplit(url)
        conn = _local.conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=60)
    conn.request("POST", path, body=data, headers={"Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    return response.status, response.read()


def run(args, key: str) -> tuple[float, list]:
    total = int(args.rate * args.duration)
    start = time.perf_counter() + 0.5
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        futures = [pool.submit(one_post, args.url, key, i, start + i / args.rate) for i in range(total)]
        results = [f.result() for f in futures]
    return time.perf_counter() - start, results


def drained(app, client_id: int, timeout: float) -> tuple[float, int]:
    """Wait until none of the bench client's requests is queued: (seconds waited, still queued)."""
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import Open311Request

    t0 = time.perf_counter()
    with app.app_context():
        while True:
            waiting = db.session.execute(select(func.count()).where(Open311Request.client_id == client_id,
                                                                     Open311Request.state == "queued")).scalar()
            db.session.rollback()
            if not waiting or time.perf_counter() - t0 > timeout:
                return time.perf_counter() - t0, waiting
            time.sleep(1)


def check(app, client_id: int, tokens: list[str]) -> dict:
    """What the database holds for the bench client: requests by state, distinct cases, the
    answered tokens found opened, and the span from the first post to the last case opened."""
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import Case, Open311Request

    with app.app_context():
        mine = Open311Request.client_id == client_id
        states = dict(db.session.execute(select(Open311Request.state, func.count()).where(mine)
                                         .group_by(Open311Request.state)).all())
        distinct = db.session.execute(select(func.count(func.distinct(Open311Request.case_id))).where(mine)).scalar()
        first, last = db.session.execute(select(func.min(Open311Request.created_at),
                                                func.max(Open311Request.opened_at)).where(mine)).one()
        found = 0
        for i in range(0, len(tokens), 1000):
            found += db.session.execute(select(func.count()).select_from(Case).join(
                Open311Request, Open311Request.case_id == Case.id).where(
                Open311Request.token.in_(tokens[i:i + 1000]), mine)).scalar()
        span = (last - first).total_seconds() if first and last else 0.0
        return {"requests": sum(states.values()), "states": states, "distinct_cases": distinct,
                "answered_found": found, "span_s": span}


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] if ordered else 0.0


def main() -> int:
    args = arguments()
    if not os.environ.get("DATABASE_URL"):
        sys.exit("DATABASE_URL must name the running server's database")
    from api import create_app
    app = create_app()
    client_id, key = register_client(app)
    elapsed, results = run(args, key)
    ok = [r for r in results if r[1] == 201]
    tokens = [r[2] for r in ok]
    latencies = [r[0] * 1000 for r in results]
    errors = Counter(f"{r[1]} {r[2]}"[:80] for r in results if r[1] != 201)
    waited, waiting = drained(app, client_id, args.drain_timeout)
    db_state = check(app, client_id, tokens)
    print(f"target {args.rate:.0f}/s for {args.duration:.0f} s ({len(results)} requests, {args.threads} threads)")
    print(f"achieved {len(ok) / elapsed:.1f} answered 201/s; elapsed {elapsed:.1f} s")
    print(f"latency ms: p50 {percentile(latencies, 50):.0f}  p95 {percentile(latencies, 95):.0f}  "
          f"p99 {percentile(latencies, 99):.0f}  max {max(latencies, default=0):.0f}")
    print(f"201: {len(ok)}  errors: {sum(errors.values())} {dict(errors.most_common(5))}")
    print(f"queue drained {waited:.0f} s after the last post ({waiting} still queued); cases opened at "
          f"{db_state['distinct_cases'] / max(db_state['span_s'], 0.001):.1f}/s from the first post to the last case")
    print(f"database: {db_state}; distinct tokens answered: {len(set(tokens))}")
    consistent = (db_state["requests"] == db_state["states"].get("opened", 0) == db_state["distinct_cases"]
                  == db_state["answered_found"] == len(set(tokens)) == len(ok))
    print("no loss, no duplicate" if consistent else "MISMATCH between answers and cases")
    return 0 if consistent and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
