"""Throughput through the real server: intake and completions over HTTP, N concurrent clients.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/hotline .venv/bin/python bench/http.py
    .venv/bin/python bench/http.py --clients 1,4,16 --seconds 15 --inbox-cases 100000

Starts gunicorn as `make serve` does (gunicorn.conf.py: gthread, WEB_WORKERS × WEB_THREADS) on the
benchmark database (bench/common.py: `<name>_bench`, dropped and created anew unless --reuse), and
for each N of --clients:

(a) intake: N clients POST /api/v1/cases back to back for --seconds;
(b) lifecycle: N clients walk cases through intake and the 9 completions of bench/lifecycle.py over
    REST: POST /api/v1/cases, then POST /api/v1/work-items/{id}/complete nine times, each on an item
    the answer before named (10 requests a case; a server whose intake answers no items is asked
    GET /api/v1/cases/{id} once; --read-each-step reads the case before every completion, 19).

Each client is a thread with one kept-alive http.client connection (the generator shares the
server's cores; requests' own overhead was a third of a core at 200/s). In the same run, in this
process: the raw engine's intake (no database) and `cases.open_case` one after another (bench/intake.py),
so the ratios say what HTTP and concurrency add. After each phase, the CPU the web processes and
PostgreSQL (when it runs on this machine) used per request and per case (bench/cpu.py): on two
cores that, not waiting, caps the figures. --inbox-cases first loads that many cases set-based
(bench/inbox.py) and times a district handler's inbox page over HTTP.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
# first: bench/common.py takes this file's folder off sys.path, where the name of this file would
# hide the standard library's `http` package from everything imported below
from bench import common  # noqa: E402, I001

import gc  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

from bench.cpu import CpuMeter, postmaster_pid  # noqa: E402

HTTP_LOGINS = common.LIFECYCLE_LOGINS + ("dh_hb_handler",)
_local = threading.local()
SERVER_LOG = os.path.join(common._TMP, "gunicorn.log")


# ---------------------------------------------------------------- the server under test

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(database_uri: str, workers: int, threads: int, target: str = "wsgi:app",
                 ready: str = "/readyz") -> tuple[subprocess.Popen, int]:
    """gunicorn with the project's settings on the bench database; returns once `ready` answers 200."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_uri, "PORT": str(port), "WEB_WORKERS": str(workers),
           "WEB_THREADS": str(threads), "LOG_LEVEL": "warning", "SECRET_KEY": "bench-" + os.urandom(8).hex()}
    # The server's log goes to a file: a pipe nobody reads fills up after a few tracebacks and
    # then blocks every worker thread on its next log line (the run stalls, clients time out).
    log = open(SERVER_LOG, "wb")
    server = subprocess.Popen([str(common.ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py", target],
                              cwd=common.ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log,
                              start_new_session=True)
    log.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _ = request(port, "GET", ready, None, None)
            if status == 200:
                _local.conn = None
                return server, port
        except OSError:
            _local.conn = None
        if server.poll() is not None:
            raise SystemExit(f"gunicorn ended: {server_log_tail()}")
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit("gunicorn did not become ready within 60 s")


def server_log_tail(chars: int = 3000) -> str:
    with open(SERVER_LOG, "rb") as log:
        return log.read().decode(errors="replace")[-chars:]


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def tokens(app) -> dict[str, str]:
    """A bearer token per login the walk needs (the API's own authentication)."""
    from engine.organisation import directory

    with app.app_context():
        return {login: directory.create_token(username=login, label="bench") for login in HTTP_LOGINS}


def request(port: int, method: str, path: str, token: str | None, body) -> tuple[int, dict]:
    """(status, JSON) over this thread's kept-alive connection."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        response = conn.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException):
        _local.conn = None
        raise
    return response.status, (json.loads(raw) if raw[:1] in (b"{", b"[") else {})


# ---------------------------------------------------------------- the clients

class Tally:
    """Latencies by label and errors, shared by the client threads."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = {}
        self.errors: list[str] = []
        self.cases = 0

    def timed(self, label: str, port: int, method: str, path: str, token: str, body=None, ok=(200, 201)) -> dict:
        t0 = time.perf_counter()
        try:
            status, answer = request(port, method, path, token, body)
        except (OSError, http.client.HTTPException) as exc:
            status, answer = 0, {"error": type(exc).__name__}
        elapsed = time.perf_counter() - t0
        with self.lock:
            self.times.setdefault(label, []).append(elapsed)
            if status not in ok:
                self.errors.append(f"{label} {status} {answer.get('error') or answer.get('message')}")
        if status not in ok:
            raise RuntimeError(f"{label}: {status}")
        return answer


def intake_client(port: int, tok: dict, tally: Tally, until: float, first: int) -> None:
    i = first
    while time.perf_counter() < until:
        try:
            tally.timed("intake", port, "POST", "/api/v1/cases", tok["agent"], common.intake_data(i))
        except RuntimeError:
            pass
        i += 1


def walk_steps(D: dict) -> list[tuple[str, str, dict, int | None]]:
    """(form_key, login, data, department) of the 9 completions, as bench/lifecycle.py does them."""
    return [
        ("triage", "agent", {"decision": "dispatch"}, None),
        ("dispatch", "dispatcher", {"mode": "transfer", "lead_department_id": D["dh"],
                                    "co_department_ids": [D["zjj"], D["scj"]]}, None),
        ("sign_for", "dh_handler", {"decision": "sign"}, None),
        ("co_opinion", "zjj_handler", {"opinion": "住建局已配合现场核查"}, D["zjj"]),
        ("co_opinion", "scj_handler", {"opinion": "市场监管局已约谈物业"}, D["scj"]),
        ("handle", "dh_handler", {"action": "reply", "result": "resolved",
                                  "reply_text": "经协调，电梯已于本周修复并通过检验。"}, None),
        ("approve_reply", "dh_leader", {"reply_approved": True, "opinion": ""}, None),
        ("review", "dispatcher", {"review_passed": True, "opinion": ""}, None),
        ("visit", "visitor", {"satisfaction": "satisfied", "resolved": True}, None),
    ]


def lifecycle_client(port: int, tok: dict, steps: list, read_each: bool, tally: Tally, until: float,
                     first: int) -> None:
    """Intake, then each step's item from the answer of the step before (intake and completions
    answer the case's open items; an older server's intake is followed by one read of the case);
    `read_each` reads the case before every step instead, as a client that ignores those answers would."""
    i = first
    while time.perf_counter() < until:
        try:
            created = tally.timed("intake", port, "POST", "/api/v1/cases", tok["agent"], common.intake_data(i))
            case_id, items = created["id"], created.get("open_work_items")   # None: a server before them
            for form_key, login, data, department in steps:
                if items is None or read_each:
                    items = tally.timed("read case", port, "GET", f"/api/v1/cases/{case_id}",
                                        tok[login])["open_work_items"]
                item = next(w for w in items if w["form_key"] == form_key and (
                    department is None or w.get("department_id") == department))
                items = tally.timed("complete", port, "POST", f"/api/v1/work-items/{item['id']}/complete",
                                    tok[login], {"data": data}).get("open_work_items")   # None: a server before them
            with tally.lock:
                tally.cases += 1
        except (RuntimeError, StopIteration) as exc:
            with tally.lock:
                tally.errors.append(f"case {i}: {exc}")
        i += 1


def run_clients(target, n: int, seconds: float, *args) -> tuple[float, Tally]:
    tally = Tally()
    start = time.perf_counter()
    until = start + seconds
    threads = [threading.Thread(target=target, args=(*args[:-1], tally, until, args[-1] + k * 1_000_000))
               for k in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, tally


# ---------------------------------------------------------------- figures

def line(label: str, times: list[float], elapsed: float) -> str:
    ms = common.ms(times)
    return (f"{label:<11} {len(ms) / elapsed:8.1f}/s  p50 {common.percentile(ms, 50):6.2f}  "
            f"p95 {common.percentile(ms, 95):6.2f}  p99 {common.percentile(ms, 99):6.2f} ms  ({len(ms)} requests)")


def report(title: str, n: int, elapsed: float, tally: Tally, meter: CpuMeter, before: tuple) -> None:
    print(f"-- {title}, N={n}, {elapsed:.1f} s: {len(tally.errors)} errors"
          + (f" (first: {tally.errors[0]})" if tally.errors else ""))
    for label, times in tally.times.items():
        print("   " + line(label, times, elapsed))
    if tally.cases:
        print(f"   full lifecycles: {tally.cases / elapsed:.1f} cases/s ({tally.cases} cases)")
    print(meter.report(before, elapsed, sum(len(times) for times in tally.times.values()), tally.cases))
    if tally.errors:
        print("   the server's log ends:\n" + server_log_tail())


def in_process(app, count: int) -> tuple[float, float]:
    """(raw engine intakes/s, open_case intakes/s one after another), measured now."""
    from bench.intake import raw_intake, service_intake
    from forms import get_form

    with app.app_context():
        agent = common.actor("agent")
    parsed = common.raw_process()
    clean = [get_form("intake").validate(common.intake_data(i)) for i in range(count)]
    raw_intake(parsed, clean[:20])
    gc.collect()
    raw_s, _, _ = raw_intake(parsed, clean)
    service_intake(app, agent, 9_000_000, 20)
    svc_s, _, _ = service_intake(app, agent, 9_100_000, count)
    return count / raw_s, count / svc_s


def inbox(port: int, tok: dict, requests: int, meter: CpuMeter) -> None:
    """A district handler's department inbox, first page (the workbench's busiest read)."""
    for n in (1, 4):
        per = max(1, requests // n)
        tally = Tally()
        before = meter.read()
        start = time.perf_counter()

        def reader(k: int) -> None:
            for _ in range(per):
                tally.timed("inbox", port, "GET", "/api/v1/work-items?scope=department&page_size=30",
                            tok["dh_handler"])
        threads = [threading.Thread(target=reader, args=(k,)) for k in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        report("department inbox (dh_handler)", n, time.perf_counter() - start, tally, meter, before)


def load_cases(app, n: int) -> None:
    """bench/inbox.py's N cases (set-based INSERTs), spread over the demo city's departments."""
    from bench import inbox as inbox_bench
    from engine.ports import now as clock_now
    from engine.processes import versions as processes

    with app.app_context():
        t0 = time.perf_counter()
        added = inbox_bench.load(n, clock_now(), processes.current_version_id())
        inbox_bench.analyze()
        print(f"loaded {added:,} cases in {time.perf_counter() - t0:.1f} s")


def arguments():
    parser = common.arg_parser(__doc__.splitlines()[0])
    parser.add_argument("--clients", default="1,4,16", help="concurrent clients, comma-separated")
    parser.add_argument("--seconds", type=float, default=15.0, help="seconds per phase")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (WEB_WORKERS)")
    parser.add_argument("--threads", type=int, default=16, help="threads per worker (WEB_THREADS)")
    parser.add_argument("--inbox-cases", type=int, default=0, help="load this many cases first, then time the inbox")
    parser.add_argument("--in-process", type=int, default=500, help="cases for the in-process figures")
    parser.add_argument("--read-each-step", action="store_true",
                        help="the lifecycle reads the case before every completion (19 requests a case, not 10)")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    app = common.make_app(reuse=args.reuse)
    common.header(app, f"HTTP benchmark: gunicorn {args.workers}×{args.threads}, clients {args.clients}")
    if args.inbox_cases:
        load_cases(app, args.inbox_cases)
    raw_rate, svc_rate = in_process(app, args.in_process)
    tok = tokens(app)
    steps = walk_steps(common.lifecycle_people(app)[1])
    server, port = start_server(app.config["SQLALCHEMY_DATABASE_URI"], args.workers, args.threads)
    meter = CpuMeter(server.pid, postmaster_pid(app))
    try:
        request(port, "POST", "/api/v1/cases", tok["agent"], common.intake_data(8_999_999))   # warm-up
        if args.inbox_cases:
            inbox(port, tok, 400, meter)
        for n in [int(x) for x in args.clients.split(",")]:
            before = meter.read()
            elapsed, tally = run_clients(intake_client, n, args.seconds, port, tok, 0)
            report("intake over HTTP", n, elapsed, tally, meter, before)
            http_rate = len(tally.times.get("intake", [])) / elapsed
            print(f"   HTTP ÷ open_case in process: {http_rate / svc_rate:.2f}×; ÷ raw engine: {http_rate / raw_rate:.3f}×")
            before = meter.read()
            elapsed, tally = run_clients(lifecycle_client, n, args.seconds, port, tok, steps, args.read_each_step,
                                         100_000_000)
            report("lifecycle over HTTP", n, elapsed, tally, meter, before)
    finally:
        stop_server(server)
    print(f"in process, same run: raw engine intake {raw_rate:,.0f}/s; open_case one after another {svc_rate:,.0f}/s")


if __name__ == "__main__":
    main()
