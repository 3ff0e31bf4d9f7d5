"""Statistics at a city's scale: the KPIs, reports and dashboard over 1,000,000 cases (issue 13).

    .venv/bin/python bench/kpis.py [--cases 1000000] [--reuse] [--runs 5]
        [--database-url postgresql://postgres@127.0.0.1:5432/hotline_bench]
    .venv/bin/python bench/kpis.py --database-url sqlite:////tmp/hotline_stats.db   # 100,000 cases

Generates (bench/statistics_data.py, set-based SQL, no Python loop over rows) N cases over 13
months of a city (2025-11 .. 2026-11, Shanghai), 3 N call records, and their facts: the audit
trail (intake, dispatch, sign_for — some with decision=return and a second round —, reply, visit
with satisfaction, review), the sign-for and handling limits (met, missed, natural, open; some
extended) and urges, spread over the demo city's departments and areas. The database is its own
(dropped and created anew unless --reuse, which keeps the data of an earlier run).

Then times, each as the median of --runs runs after one warm-up: `compute` for a month; the
monthly report (compute + breakdown by category, department and channel); the custom report over
a year (breakdown by month and by department, all codes); the dashboard; every KPI query alone
for the month and the year. The raw figure is a bare count of the month's cases in the same run;
ratios are against it. Goals (PostgreSQL, 1,000,000 cases): monthly report <= 1 s, yearly custom
report <= 2 s, dashboard <= 500 ms.

On SQLite the same data is generated (a recursive CTE instead of generate_series; 100,000 cases
by default) and the same operations are timed: the figures are indicative only, the goals are
PostgreSQL's.
"""
from __future__ import annotations

import argparse
import statistics as stats
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import common, statistics_data as data  # noqa: E402  (after the path)

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/hotline_bench"
MONTH = (date(2026, 11, 1), date(2026, 11, 30))
YEAR = (date(2025, 12, 1), date(2026, 11, 30))
PREVIOUS_YEAR = (date(2024, 12, 1), date(2025, 11, 30))
GOALS = {"monthly report": 1000, "reports.report(kind=month)": 1000, "custom report, a year": 2000,
         "dashboard": 500}


# ---------------------------------------------------------------- database

def prepare_database(url: str, reuse: bool) -> str:
    """The SQLAlchemy URL of the benchmark's own database, created (anew unless reuse)."""
    url = common._sqlalchemy_url(url)
    parsed = common.make_url(url)
    if url.startswith("postgresql"):
        import psycopg

        admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
        with psycopg.connect(admin, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (parsed.database,)).fetchone()
            if exists and not reuse:
                conn.execute(f'DROP DATABASE "{parsed.database}" WITH (FORCE)')
            if not exists or not reuse:
                conn.execute(f'CREATE DATABASE "{parsed.database}"')
        return url
    if url.startswith("sqlite") and parsed.database and parsed.database != ":memory:":
        if not reuse:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{parsed.database}{suffix}").unlink(missing_ok=True)
        return url
    raise SystemExit("bench/kpis.py: a PostgreSQL URL or sqlite:///<file>")


def make_app(url: str, timeout_s: int):
    """The app on that database, migrated; the demo city seeded first (cases go to its departments).
    On PostgreSQL every statement is cancelled after timeout_s (a runaway plan is reported, not waited for)."""
    config = {"SQLALCHEMY_DATABASE_URI": url}
    if url.startswith("postgresql"):
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"options": f"-c statement_timeout={timeout_s * 1000}"}}
    return common.migrated_app(config)


def fill(app, n: int) -> None:
    """Generate the data unless an earlier run (--reuse) left it."""
    from sqlalchemy import func, select

    from engine.db import db
    from engine.models import Case

    with app.app_context():
        have = db.session.execute(select(func.count()).select_from(Case)).scalar()
        if have:
            print(f"reusing the {have:,} cases already there")
            return
        print(f"generating {n:,} cases and {3 * n:,} call records (set-based SQL):")
        t0 = time.perf_counter()
        data.generate(n, 3 * n)
        print(f"generated in {time.perf_counter() - t0:.0f} s")


def row_counts(app) -> dict[str, int]:
    from sqlalchemy import text

    from engine.db import db
    with app.app_context():
        return {t: db.session.execute(text(f'SELECT count(*) FROM "{t}"')).scalar()
                for t in ("case", "case_event", "deadline", "urge", "call_record")}


# ---------------------------------------------------------------- what is timed

def median_ms(fn, runs: int) -> float | None:
    """None when a statement ran into the timeout (then the runs are skipped)."""
    from sqlalchemy.exc import OperationalError

    from engine.db import db
    try:
        fn()                               # warm-up: plans, caches, the first connection
    except PageFailed:
        return None
    except OperationalError as error:
        if "statement timeout" not in str(error):
            raise
        db.session.rollback()
        return None
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return stats.median(times) * 1000


def raw_count(lo, hi):
    from sqlalchemy import text

    from engine.db import db
    return lambda: db.session.execute(text('SELECT count(*) FROM "case" WHERE created_at >= :lo AND created_at < :hi'),
                                      {"lo": lo, "hi": hi}).scalar()


class PageFailed(Exception):
    """The page answered 500 (a statement cancelled by the timeout)."""


def breakdown_fn():
    """engine.statistics.breakdown when it exists (issue 13's grouped KPIs), else None."""
    import engine.statistics as s
    return getattr(s, "breakdown", None)


def operations(leader) -> list[tuple[str, object]]:
    """(name, callable) of the report-level operations."""
    from engine.statistics import compute

    def month_compute():
        return compute(leader, start=MONTH[0], end=MONTH[1])

    found = [("compute, a month", month_compute)]
    breakdown = breakdown_fn()
    if breakdown is None:
        print("engine.statistics.breakdown does not exist yet: reports and the dashboard are not timed")
        return found

    def monthly():
        month_compute()
        for by in ("category", "department", "channel"):
            breakdown(leader, start=MONTH[0], end=MONTH[1], by=by)

    def custom_year():
        for by in ("month", "department"):
            breakdown(leader, start=YEAR[0], end=YEAR[1], by=by)

    def dashboard():
        month_compute()
        breakdown(leader, start=MONTH[0], end=MONTH[1], by="day")
        breakdown(leader, start=YEAR[0], end=YEAR[1], by="month")
        breakdown(leader, start=PREVIOUS_YEAR[0], end=PREVIOUS_YEAR[1], by="month")

    found += [("monthly report", monthly), ("custom report, a year", custom_year), ("dashboard", dashboard)]
    found += [(f"  breakdown by {by}, a month", _one(breakdown, leader, MONTH, by))
              for by in ("category", "department", "channel", "day")]
    found += [(f"  breakdown by {by}, a year", _one(breakdown, leader, YEAR, by)) for by in ("month", "department")]
    found += fixed_reports(leader)
    return found


def _one(breakdown, leader, period, by):
    return lambda: breakdown(leader, start=period[0], end=period[1], by=by)


def fixed_reports(leader) -> list[tuple[str, object]]:
    """engine.statistics.reports' monthly report (headline, 环比 and 同比, three breakdowns, the
    cohort, the balance check), when that module exists."""
    try:
        from engine.statistics import reports
    except ImportError:
        return []
    if not hasattr(reports, "report"):
        return []
    value = f"{MONTH[0]:%Y-%m}"
    return [("reports.report(kind=month)", lambda: reports.report(leader, kind="month", value=value))]


def kpi_queries(w) -> list[tuple[str, object]]:
    """Every KPI query of compute() alone, on window w."""
    from engine.statistics import calls, cases, limits
    return [("call_kpis", lambda: calls.call_kpis(w)), ("intake", lambda: cases.intake(w)),
            ("on_time (2 queries)", lambda: limits.on_time(w)), ("overdue", lambda: limits.overdue(w)),
            ("extension_rate", lambda: limits.extension_rate(w)), ("return_rate", lambda: cases.return_rate(w)),
            ("first_time_resolution", lambda: cases.first_time_resolution(w)),
            ("satisfaction", lambda: cases.satisfaction(w)), ("visit_rate", lambda: cases.visit_rate(w)),
            ("repeat_call_rate", lambda: cases.repeat_call_rate(w)), ("urges", lambda: cases.urges(w))]


def dashboard_page(app):
    """GET /statistics/dashboard as the center's leader, when the page exists."""
    if "statistics.dashboard" not in app.view_functions and not any(
            r.rule.startswith("/statistics/dashboard") for r in app.url_map.iter_rules()):
        return None
    import re

    from engine.demo import DEMO_PASSWORD
    client = app.test_client()
    token = re.search(rb'name="csrf_token" value="([^"]+)"', client.get("/login").data).group(1).decode()
    client.post("/login", data={"username": "leader", "password": DEMO_PASSWORD, "csrf_token": token})
    url = f"/statistics/dashboard?start={MONTH[0]}&end={MONTH[1]}&grain=day"

    def get():
        res = client.get(url)
        if res.status_code == 500:          # the page's statement ran into the timeout
            raise PageFailed
        assert res.status_code == 200, res.status_code
    return get


# ---------------------------------------------------------------- the run

def line(name: str, ms: float | None, raw: float, goal: int | None = None) -> None:
    goal_text = f"<= {goal:,}" if goal else ""
    if ms is None:
        print(f"{name:<40} {'timeout':>10} {goal_text:>9} {'OVER' if goal else '':>5} {'':>10}", flush=True)
        return
    verdict = "" if goal is None else ("ok" if ms <= goal else "OVER")
    print(f"{name:<40} {ms:>10,.1f} {goal_text:>9} {verdict:>5} {ms / raw:>9,.0f}x", flush=True)


def measure(app, runs: int) -> None:
    from engine.statistics.window import window

    with app.app_context():
        leader = common.actor("leader")
        raw = median_ms(raw_count(*_bounds(leader, MONTH)), runs)
        print(f"\n{'operation':<40} {'median ms':>10} {'goal ms':>9} {'':>5} {'vs raw':>10}")
        print(f"{'raw: SELECT count(*) of the month':<40} {raw:>10,.1f} {'':>9} {'':>5} {1:>9}x")
        for label, period in (("a month", MONTH), ("a year", YEAR)):
            w = window(leader, start=period[0], end=period[1])
            print(f"-- each KPI query alone, {label} --")
            for name, fn in kpi_queries(w):
                line(f"  {name}", median_ms(fn, runs), raw)
        print("-- reports --")
        for name, fn in operations(leader):
            line(name, median_ms(fn, runs), raw, GOALS.get(name))
    page = dashboard_page(app)
    if page is not None:
        line("GET /statistics/dashboard (leader)", median_ms(page, runs), raw, GOALS["dashboard"])


def _bounds(leader, period):
    from engine.statistics.window import window
    w = window(leader, start=period[0], end=period[1])
    return w.lo, w.hi


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--cases", type=int, default=None, help="1,000,000 (PostgreSQL) or 100,000 (SQLite)")
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=int, default=10, help="seconds a statement may run (PostgreSQL)")
    args = parser.parse_args()
    sqlite = args.database_url.startswith("sqlite")
    n = args.cases or (100_000 if sqlite else 1_000_000)
    app = make_app(prepare_database(args.database_url, args.reuse), args.timeout)
    common.header(app, "statistics at a city's scale (issue 13)")
    if sqlite:
        print("SQLite: the same data and operations at a smaller scale; figures are indicative only "
              "(the goals are PostgreSQL's at 1,000,000 cases)")
    fill(app, n)
    print("rows: " + ", ".join(f"{t} {c:,}" for t, c in row_counts(app).items()))
    print(f"periods: month {MONTH[0]}..{MONTH[1]}, year {YEAR[0]}..{YEAR[1]} (Shanghai); "
          f"median of {args.runs} runs after one warm-up; 'timeout': a statement ran over {args.timeout} s")
    measure(app, args.runs)


if __name__ == "__main__":
    main()
