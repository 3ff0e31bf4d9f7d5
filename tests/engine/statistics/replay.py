"""The story's week built once per database, then put back row for row (CI time, issue 16).

build_week walks eighteen cases through the engine, which costs seconds; some sixty statistics
tests each start from that same week. The first build keeps the rows it wrote; later tests get
those rows back (same ids, same values) and the clock where the build left it. That is only done
when the database is exactly as it was before the kept build (every table compared): otherwise,
or when the build changed a table that was not empty, the week is built the normal way (and kept).

PostgreSQL copies the rows with COPY (exact text form); SQLite reads and writes the driver's raw
values. The full-text tables (SQLite FTS5) are left out: the case triggers fill them again.
"""
from __future__ import annotations

import hashlib

from sqlalchemy import inspect

from engine.db import db
from engine.models import Case
from tests.engine.statistics.story import build_week

DERIVED = ("case_search", "kb_search", "alembic_version", "sqlite_")   # refilled by triggers / not data
_kept: dict[str, dict] = {}     # database URL -> {"before", "rows", "ids", "at"}, or {}: no replay


def week(actor, dept, clock) -> dict:
    """build_week's cases: replayed when the database is as the first build found it."""
    conn = db.session.connection()
    key = str(conn.engine.url)
    before = _fingerprints(conn)
    kept = _kept.get(key)
    if kept and kept["before"] == before:
        _put_back(conn, kept["rows"])
        db.session.commit()
        db.session.expire_all()
        clock.at = kept["at"]
        return {name: db.session.get(Case, case_id) for name, case_id in kept["ids"].items()}
    cases = build_week(actor, dept, clock)
    db.session.commit()
    _kept[key] = _keep(db.session.connection(), before, cases, clock.at)     # the latest start state
    return cases


def _keep(conn, before: dict, cases: dict, at) -> dict:
    after = _fingerprints(conn)
    changed = [t for t in after if after[t] != before.get(t)]
    if any(before.get(t) != _EMPTY for t in changed):
        return {}                       # the build changed rows that were there: replay could not be exact
    return {"before": before, "rows": [(t, _read(conn, t)) for t in _tables(conn) if t in changed],
            "ids": {name: case.id for name, case in cases.items()}, "at": at}


def _tables(conn) -> list[str]:
    """Parents before children (foreign keys), the derived tables left out."""
    names = [t for t, _ in inspect(conn).get_sorted_table_and_fkc_names() if t]
    return [t for t in names if not t.startswith(DERIVED)]


_EMPTY = hashlib.sha256(b"").hexdigest()


def _fingerprints(conn) -> dict[str, str]:
    out = {}
    for table in _tables(conn):
        digest = hashlib.sha256()
        for row in sorted(repr(tuple(r)) for r in conn.exec_driver_sql(f'SELECT * FROM "{table}"')):
            digest.update(row.encode())
        out[table] = digest.hexdigest()
    return out


def _raw(conn):
    return conn.connection.driver_connection


def _read(conn, table: str):
    if conn.dialect.name == "postgresql":
        with _raw(conn).cursor() as cur, cur.copy(f'COPY "{table}" TO STDOUT') as copy:
            return b"".join(bytes(block) for block in copy)
    result = conn.exec_driver_sql(f'SELECT * FROM "{table}" ORDER BY rowid')
    return list(result.keys()), [tuple(r) for r in result]


def _put_back(conn, rows) -> None:
    for table, data in rows:
        if conn.dialect.name == "postgresql":
            with _raw(conn).cursor() as cur, cur.copy(f'COPY "{table}" FROM STDIN') as copy:
                copy.write(data)
            continue
        columns, values = data
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', values)
