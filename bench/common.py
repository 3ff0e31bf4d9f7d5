"""Shared set-up for the benchmarks: the app on a throwaway database, demo data, small helpers.

Database selection (like tests/conftest.py; a benchmark never writes into a real database):

* no ``DATABASE_URL``            -> a fresh SQLite file in a temporary directory, removed at exit;
* ``DATABASE_URL=postgresql://user@host/NAME`` -> the database ``NAME_bench`` on that server,
  dropped and created anew through the server's ``postgres`` database;
* ``DATABASE_URL=sqlite:///path/x.db`` -> a fresh ``x_bench.db`` beside it;
* ``--reuse``                    -> keep the ``*_bench`` database of an earlier run (created if
  missing): no drop/create, migrations and demo data only where missing. Cases accumulate, so
  this also benchmarks a fuller database. Without ``DATABASE_URL`` it reuses
  ``<tmp>/hotline_bench.db``.
"""
from __future__ import annotations

import argparse
import atexit
import contextlib
import gc
import io
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A script's own folder leads sys.path, and there bench/http.py would hide the standard library's
# `http` (which Flask imports): the scripts reach each other as the `bench` package instead.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy.engine import make_url  # noqa: E402

_TMP = tempfile.mkdtemp(prefix="hotline-bench-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
# Keep the app's instance folder (secret key) out of the repository.
os.environ.setdefault("INSTANCE_PATH", os.path.join(_TMP, "instance"))

WORKFLOW_FILE = ROOT / "workflows" / "case_handling.bpmn"

# Intake data like tests/factories.py; title and phone vary per case.
INTAKE = {
    "category": "complaint", "channel": "phone", "citizen_name": "张三", "phone": "13800138000",
    "title": "小区电梯长期故障", "content": "电梯故障一个多月无人维修，请求督促。",
    "address": "东湖区湖滨街道新苑小区3栋",
}


def intake_data(i: int) -> dict:
    """The i-th case's intake form (distinct title and phone)."""
    return {**INTAKE, "title": f"{INTAKE['title']}（第{i}号）", "phone": f"138{i % 100_000_000:08d}"}


# ---------------------------------------------------------------- command line / database URL

def arg_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--reuse", action="store_true",
                        help="keep the *_bench database of an earlier run instead of recreating it")
    return parser


def _sqlalchemy_url(url: str) -> str:
    """postgres:// and postgresql:// use psycopg 3, as api/config.py does."""
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _bench_postgres(url: str, reuse: bool) -> str:
    import psycopg

    parsed = make_url(url)
    name = f"{parsed.database or 'hotline'}_bench"
    admin = parsed.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not reuse:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if not reuse or not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    return parsed.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False)


def _bench_sqlite(url: str, reuse: bool) -> str:
    parsed = make_url(url)
    if not parsed.database or parsed.database == ":memory:":
        return _temp_sqlite(reuse)
    path = Path(parsed.database)
    target = path.with_name(f"{path.stem}_bench{path.suffix or '.db'}")
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    return parsed.set(database=str(target)).render_as_string(hide_password=False)


def _temp_sqlite(reuse: bool) -> str:
    if reuse:
        return f"sqlite:///{Path(tempfile.gettempdir()) / 'hotline_bench.db'}"
    return f"sqlite:///{Path(_TMP) / 'bench.db'}"


def database_url(reuse: bool) -> str:
    """The SQLAlchemy URL the benchmark runs against (see the module docstring)."""
    url = os.environ.get("DATABASE_URL")
    if not url:
        return _temp_sqlite(reuse)
    url = _sqlalchemy_url(url)
    if url.startswith("postgresql"):
        return _bench_postgres(url, reuse)
    if url.startswith("sqlite"):
        return _bench_sqlite(url, reuse)
    raise SystemExit(f"bench: unsupported database URL {make_url(url).render_as_string(hide_password=True)} "
                     "(PostgreSQL or SQLite)")


# ---------------------------------------------------------------- the app

def migrated_app(config: dict):
    """The app with this configuration, its database migrated and the demo city seeded (no cases)."""
    from flask_migrate import upgrade

    from api import create_app
    from engine import demo

    app = create_app(config)
    with app.app_context():
        chatter = io.StringIO()          # alembic's INFO lines; shown only if migrating fails
        try:
            with contextlib.redirect_stderr(chatter):
                upgrade()
        except BaseException:
            sys.stderr.write(chatter.getvalue())
            raise
        if not demo.is_seeded():
            demo.seed(with_cases=False)
    return app


def make_app(reuse: bool = False):
    """The Flask app on the benchmark database, migrated and seeded (demo city, no cases)."""
    app = migrated_app({"SQLALCHEMY_DATABASE_URI": database_url(reuse)})
    if reuse:
        _vacuum(app)
    gc.collect()
    gc.freeze()          # as wsgi.py does for the served app
    return app


def _vacuum(app) -> None:
    """A reused PostgreSQL database is vacuumed and analysed first: these machines run PostgreSQL
    with autovacuum off, so each run's dead rows would be left for the next to wade through (24,000
    dead case rows after a dozen lifecycle runs), where production's autovacuum clears them."""
    from engine.db import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM (ANALYZE)")


LIFECYCLE_LOGINS = ("agent", "dispatcher", "visitor", "dh_handler", "dh_leader", "zjj_handler", "scj_handler")
LIFECYCLE_DEPARTMENTS = ("dh", "zjj", "scj")


def lifecycle_people(app) -> tuple[dict, dict]:
    """(actors by login, department ids by code) of the benchmark's lifecycle walk."""
    with app.app_context():
        return ({login: actor(login) for login in LIFECYCLE_LOGINS},
                {code: dept(code) for code in LIFECYCLE_DEPARTMENTS})


def actor(login: str):
    """The Actor of a demo login (inside an app context)."""
    from engine.organisation import directory as org
    from engine.organisation.actor import actor_from_user
    return actor_from_user(org.get_user(login))


def dept(code: str) -> int:
    """The id of a demo department by code (inside an app context)."""
    from engine.db import db
    from engine.models import Department
    return db.session.execute(db.select(Department.id).where(Department.code == code)).scalar_one()


# ---------------------------------------------------------------- raw engine (no database)

RAW_SPEC_REF = "bench-raw"


def raw_process():
    """The case process parsed straight from workflows/, for engine-only timings (no database).

    Its blobs carry spec_ref 'bench-raw'; a resolver in front of the app's registry resolves it,
    so blobs of the service layer keep resolving as before.
    """
    from engine.bpmn import serializer
    from engine.bpmn.registry import parse_process
    from engine.processes import versions as processes

    parsed = parse_process(WORKFLOW_FILE.read_bytes(), validate=False)
    parsed.spec_ref = RAW_SPEC_REF
    registry = processes.REGISTRY

    def resolve(spec_ref: str):
        if spec_ref == RAW_SPEC_REF:
            return parsed.spec, parsed.subprocess_specs
        return registry.resolve(spec_ref)

    serializer.set_spec_resolver(resolve)
    return parsed


# ---------------------------------------------------------------- figures

def percentile(values, p: float) -> float:
    """The p-th percentile (0-100), linear interpolation between closest ranks."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ms(seconds_list) -> list[float]:
    return [s * 1000 for s in seconds_list]


def header(app, title: str) -> None:
    """What ran where: database (password hidden), Python, SpiffWorkflow, CPUs."""
    from importlib.metadata import version

    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    print(f"== {title} ==")
    print(f"database: {url.get_backend_name()} ({url.render_as_string(hide_password=True)})")
    print(f"python {platform.python_version()}, SpiffWorkflow {version('SpiffWorkflow')}, "
          f"SQLAlchemy {version('SQLAlchemy')}, {os.cpu_count()} CPUs ({platform.machine()}), "
          f"{time.strftime('%Y-%m-%d %H:%M')}")
    print(f"database round trip (SELECT 1 on a raw DBAPI connection, median): {round_trip_ms(app):.3f} ms")


def round_trip_ms(app, count: int = 500) -> float:
    """Median time of `SELECT 1` through the driver: the floor under every statement.

    On a shared VM this moves (0.02-0.06 ms on the same loopback has been seen); PostgreSQL
    figures move with it, so it is printed with every run.
    """
    from engine.db import db

    with app.app_context():
        conn = db.engine.raw_connection()
        try:
            cursor = conn.cursor()
            times = []
            for _ in range(count):
                t0 = time.perf_counter()
                cursor.execute("SELECT 1")
                cursor.fetchone()
                times.append(time.perf_counter() - t0)
            cursor.close()
            conn.rollback()
        finally:
            conn.close()
    return statistics.median(times) * 1000


def blob_avg(ids: list[int]) -> float:
    """Average stored blob size in bytes (the text of the json column), inside an app context."""
    from sqlalchemy import LargeBinary, Text, cast, func, select

    from engine.db import db
    from engine.models import Case

    if db.session.get_bind().dialect.name == "postgresql":
        size = func.octet_length(cast(Case.blob, Text))
    else:
        size = func.length(cast(Case.blob, LargeBinary))
    return float(db.session.execute(select(func.avg(size)).where(Case.id.in_(ids))).scalar() or 0)
