"""Several nodes on one PostgreSQL, kill -9 anywhere (issue 16; docs/DEPLOYMENT.md).

Real processes against a database of their own: two gunicorn web nodes, two schedulers, the ESL
simulator and one telephony worker; an HTTP SMS gateway in this process. Clients drive intake and
lifecycle completions through both web nodes while the simulator plays calls; mid-run a web node,
the scheduler leader and the worker are killed with SIGKILL and restarted, and a single gunicorn
worker process is killed during the intake stream. Then every invariant is checked. Run with `-s`
to see what was measured.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import make_url

from tests.multinode import invariants
from tests.multinode.cluster import BIN, FLASK, ROOT, Proc, SmsSink, children, flask_run, free_port, wait_http, wait_log
from tests.multinode.drivers import Load

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL.startswith("postgres"),
                                reason="several nodes share one PostgreSQL (advisory-lock leadership, row locks); "
                                       "set TEST_DATABASE_URL=postgresql://...")
POLL = 2.0          # the schedulers' --poll: the documented takeover bound (docs/DEADLINES.md)
CALLS = 40          # calls the simulator plays


def _create_database() -> tuple[str, str]:
    """A fresh `<TEST_DATABASE_URL's name>_mn`: (SQLAlchemy URL, libpq URL)."""
    import psycopg

    parsed = make_url(URL)
    name = f"{parsed.database}_mn"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    db = parsed.set(database=name)
    return (db.set(drivername="postgresql+psycopg").render_as_string(hide_password=False),
            db.set(drivername="postgresql").render_as_string(hide_password=False))


def _drop_database(libpq_url: str) -> None:
    import psycopg

    parsed = make_url(libpq_url)
    admin = parsed.set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')


class Cluster:
    """The processes of the deployment, built from one environment."""

    # Long because: it names each process of the deployment with its command line in one place.
    def __init__(self, db_url: str, logdir, sink: SmsSink):
        self.logdir = logdir
        self.env = {**os.environ, "HOTLINE_ENV": "production", "SECRET_KEY": "m" * 48, "DATABASE_URL": db_url,
                    "INSTANCE_PATH": str(logdir), "SMS_GATEWAY": "http", "SMS_HTTP_URL": sink.url,
                    "TELEPHONY_CDR_PASSWORD": "mn-cdr-secret", "WEB_WORKERS": "1", "WEB_THREADS": "8",
                    "WEB_GRACEFUL_TIMEOUT": "3", "LOG_FORMAT": "text", "DB_POOL_SIZE": "5",
                    "PYTHONUNBUFFERED": "1"}
        self.env.pop("TEST_DATABASE_URL", None)
        self.ports = {name: free_port() for name in ("web1", "web2", "esl")}
        self.web = [self._gunicorn(name) for name in ("web1", "web2")]
        self.schedulers = [Proc(name, FLASK + ["scheduler", "run", "--scale", "0.05", "--poll", str(POLL)],
                                self.env, logdir) for name in ("sched1", "sched2")]
        self.simulator = Proc("simulator", FLASK + [
            "telephony", "simulate", "--port", str(self.ports["esl"]), "--rate", "1.5", "--calls", str(CALLS),
            "--step", "0.05", "--cdr-url", f"http://127.0.0.1:{self.ports['web2']}/telephony/cdr"], self.env, logdir)
        self.worker = Proc("worker", FLASK + ["telephony", "run", "--port", str(self.ports["esl"])], self.env, logdir)
        self.all = [*self.web, *self.schedulers, self.simulator, self.worker]

    def _gunicorn(self, name: str) -> Proc:
        env = {**self.env, "BIND": f"127.0.0.1:{self.ports[name]}"}
        return Proc(name, [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"], env, self.logdir)

    def base(self, i: int) -> str:
        return f"http://127.0.0.1:{self.ports[f'web{i + 1}']}"

    def start_web(self, i: int) -> None:
        self.web[i].start()
        wait_http(self.base(i) + "/readyz", self.web[i])

    def start(self) -> None:
        """At once where possible (two cores: in turn costs half a minute): the simulator once the
        node its CDRs go to answers, the worker once the switch listens, the second scheduler once
        the first leads."""
        for proc in (*self.web, self.schedulers[0]):
            proc.start()
        for i in range(2):
            wait_http(self.base(i) + "/readyz", self.web[i])
        self.simulator.start()
        wait_log(self.schedulers[0], "leader (pid")
        self.schedulers[1].start()
        wait_log(self.simulator, "ESL simulator listening")
        self.worker.start()
        wait_log(self.worker, "connected to 127.0.0.1")
        wait_log(self.schedulers[1], "waiting: another scheduler leads")

    def stop(self) -> None:
        for proc in self.all:
            proc.stop()

    def logs(self) -> str:
        return "\n".join(f"----- {p.name} (last lines) -----\n{p.tail()}" for p in self.all)


def _prepare(db_url: str) -> dict:
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("TEST_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "tests.multinode.prepare"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def cluster(tmp_path, request):
    db_url, libpq_url = _create_database()
    sink = SmsSink()
    setup = _prepare(db_url)
    nodes = Cluster(db_url, tmp_path, sink)
    nodes.setup, nodes.sink, nodes.libpq_url = setup, sink, libpq_url
    try:
        nodes.start()
        yield nodes
        if getattr(request.node, "report_call", None) is None or request.node.report_call.failed:
            print(nodes.logs())     # shown under the failed test's captured output
    except BaseException:
        print(nodes.logs())
        raise
    finally:
        nodes.stop()
        sink.close()
        leftovers = [p.name for p in nodes.all if p.alive()]
        _drop_database(libpq_url)
        assert not leftovers, f"processes left running: {leftovers}"


def _age_deadlines(url: str, case_ids: list[int]) -> int:
    """Move the warning point of the parked cases' sign-for limits into the past: the scheduler's
    recolouring turns them yellow and its reminders job texts the department (as time would)."""
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute("""UPDATE deadline SET warn_at = now() AT TIME ZONE 'UTC' - interval '1 minute'
                               WHERE state = 'open' AND case_id = ANY(%s)""", (case_ids,)).rowcount


def _kill_web_worker(web: Proc) -> int:
    """SIGKILL the one gunicorn worker of a node (its arbiter lives and forks a new one)."""
    [pid] = children(web.popen.pid)
    os.kill(pid, 9)
    return pid


# Long because: the scenario is one timeline (load, four kills with their restarts, quiescence),
# each step measured; the checks follow in their own functions.
def test_kill_nine_anywhere_keeps_every_invariant(cluster):
    started = time.time()
    nodes = [cluster.base(0), cluster.base(1)]
    load = Load(nodes, cluster.setup["tokens"], cluster.setup["departments"]).start()
    measured = {}
    time.sleep(6)
    # 1. kill -9 web node 1 (arbiter and worker), restart it
    measured["web1_killed_at_s"] = round(cluster.web[0].kill9() - started, 1)
    time.sleep(2)
    cluster.web[0].start()          # back in the pool once ready; the clients meanwhile use node 2
    # 2. the scheduler leader dies while reminders and SMS are due; the waiting one takes over
    measured["deadlines_aged"] = _age_deadlines(cluster.libpq_url, list(load.parked))
    time.sleep(2)
    log_mark = len(cluster.schedulers[1].log.read_text())
    killed_at = cluster.schedulers[0].kill9()
    wait_log(cluster.schedulers[1], "leader (pid", seconds=POLL + 10, after=log_mark)
    led_at = time.time()
    cluster.schedulers[0].start()   # it must wait now: checked after the run
    # 3. kill -9 the telephony worker mid-call, restart it
    time.sleep(1)
    cluster.worker.kill9()
    time.sleep(2)
    cluster.worker.start()
    # 4. one gunicorn worker process of node 2 dies during the intake stream; its arbiter replaces it
    time.sleep(2)
    measured["web2_worker_killed"] = _kill_web_worker(cluster.web[1])
    time.sleep(6)
    load.finish()
    wait_http(cluster.base(0) + "/readyz", cluster.web[0])
    wait_log(cluster.schedulers[0], "waiting: another scheduler leads")
    first_job = cluster.sink.first_after(killed_at)
    measured["takeover_leader_s"] = round(led_at - killed_at, 2)
    measured["takeover_first_sms_s"] = round(first_job - killed_at, 2) if first_job else None
    _quiesce(cluster)
    # A message the killed leader had posted but not recorded waits for its claim's lease (5 min):
    # end the leases now, so the new leader posts them again under their keys.
    measured["leases_ended"] = invariants.end_leases(cluster.libpq_url)
    _quiesce(cluster)
    measured.update(_counts(cluster, load))
    print("\nmulti-node run:", json.dumps(measured, ensure_ascii=False), f"in {time.time() - started:.0f} s")
    _check(cluster, load, first_job, killed_at)


def _quiesce(cluster, seconds: float = 40.0) -> None:
    """Until the SMS outbox has nothing due and every played call has its record."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        due = invariants.rows(cluster.libpq_url, """SELECT count(*) FROM notification WHERE status IN ('pending', 'retrying')
                                                   AND next_attempt_at <= now() AT TIME ZONE 'UTC'""")[0][0]
        recorded = invariants.rows(cluster.libpq_url, "SELECT count(*) FROM call_record")[0][0]
        if not due and recorded >= CALLS:
            return
        time.sleep(0.5)


def _counts(cluster, load) -> dict:
    q = lambda sql: invariants.rows(cluster.libpq_url, sql)[0][0]  # noqa: E731
    statuses = [s for _t, _n, s, _c in load.out.intakes]
    done = [s for *_x, s in load.out.completions]
    return {"intakes_acked": statuses.count(201), "intakes_cut": statuses.count("cut"),
            "completions_acked": done.count(200), "completions_409": done.count(409), "completions_cut": done.count("cut"),
            "cases": q("SELECT count(*) FROM \"case\""), "closed": q("SELECT count(*) FROM \"case\" WHERE closed_at IS NOT NULL"),
            "sms_sent": q("SELECT count(*) FROM notification WHERE status = 'sent'"),
            "reminders": q("SELECT count(*) FROM notification WHERE kind LIKE 'reminder%%'"),
            "sms_delivered": len(cluster.sink.received), "sms_keys_posted_again": len(cluster.sink.repeats),
            "call_records": q("SELECT count(*) FROM call_record")}


def _check(cluster, load, first_job, killed_at) -> None:
    with ThreadPoolExecutor(2) as pool:      # two app starts at once
        check, audit = pool.map(lambda args: flask_run(args, cluster.env), (["cases", "check"], ["audit", "verify"]))
    print(check.stdout.strip().splitlines()[-1], "|", audit.stdout.strip().replace("\n", "; "))
    assert check.returncode == 0, f"blob, work items, deadlines and events disagree:\n{check.stdout}{check.stderr}"
    assert audit.returncode == 0, f"the audit's hash chains are broken:\n{audit.stdout}{audit.stderr}"
    found = invariants.intakes(cluster.libpq_url, load.out.intakes)
    for what in ("lost (acknowledged, not stored)", "doubled (one request, two cases)",
                 "half (no work item, event or receipt)", "refused with a 5xx", "cut, never answered on a retry"):
        assert not found[what], f"intake: {what}: {found[what]}"
    found = invariants.completions(cluster.libpq_url, load.out.completions)
    for what in ("lost (acknowledged, not done)", "acknowledged twice", "done without exactly one event",
                 "event without completion", "refused with a 5xx"):
        assert not found[what], f"completions: {what}: {found[what]}"
    found = invariants.sms(cluster.libpq_url, cluster.sink.received, cluster.sink.unkeyed)
    for what, violations in found.items():
        assert not violations, f"SMS not exactly once: {what}: {violations}"
    found = invariants.calls(cluster.libpq_url, CALLS)
    for what, violations in found.items():
        assert not violations, f"calls: {what}: {violations}"
    assert first_job is not None, "no SMS was sent after the scheduler leader died: nobody took over"
    assert first_job - killed_at <= POLL + 1.0, (
        f"the second scheduler's first job came {first_job - killed_at:.2f} s after the leader died "
        f"(bound: its poll {POLL} s + 1 s to start its jobs)")
