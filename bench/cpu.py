"""CPU time used by the web server under test and by PostgreSQL, read from /proc (Linux).

Over HTTP on two cores the figures are capped by CPU, not by waiting: what a request costs the
web processes and what it costs the database decides how many fit in a second. A process's
own time plus what its reaped children used (gunicorn's restarted workers, PostgreSQL's ended
backends) plus its live children's: nothing that ran during a phase is missed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            text = f.read()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()     # the fields after "pid (comm) "


def _children(parent: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            fields = _stat(int(name))
            if fields is not None and int(fields[1]) == parent:
                found.append(int(name))
    return found


def tree_seconds(pid: int) -> float:
    """CPU seconds of the process, its reaped children and its live children."""
    own = _stat(pid)
    if own is None:
        return 0.0
    ticks = sum(int(own[i]) for i in (11, 12, 13, 14))     # utime, stime, cutime, cstime
    for child in _children(pid):
        fields = _stat(child)
        if fields is not None:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / _TICK


def postmaster_pid(app) -> int | None:
    """PostgreSQL's postmaster when it runs on this machine (the parent of our backend), else None."""
    from sqlalchemy import text

    from engine.db import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            return None
        backend = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()
    fields = _stat(backend)
    return int(fields[1]) if fields is not None else None


@dataclass
class CpuMeter:
    """Reads (web seconds, database seconds) at phase boundaries."""

    web_pid: int
    database_pid: int | None

    def read(self) -> tuple[float, float | None]:
        database = tree_seconds(self.database_pid) if self.database_pid else None
        return tree_seconds(self.web_pid), database

    def report(self, before: tuple, elapsed: float, requests: int, cases: int = 0) -> str:
        """CPU per request (and per case) between `before` and now, and the cores it kept busy."""
        web, database = (now - then if then is not None else None for now, then in zip(self.read(), before))
        if not requests:
            return "   CPU: no request answered"
        parts = [f"web {1000 * web / requests:.2f} ms"]
        if database is not None:
            parts.append(f"PostgreSQL {1000 * database / requests:.2f} ms")
        out = (f"   CPU per request: {', '.join(parts)}; cores busy: web {web / elapsed:.2f}"
               + (f", PostgreSQL {database / elapsed:.2f}" if database is not None else "")
               + f" (of {os.cpu_count()})")
        if cases:
            per_case = (web + (database or 0.0)) / cases
            sides = "web + PostgreSQL" if database is not None else "web"
            out += (f"\n   CPU per case: {1000 * per_case:.1f} ms ({sides}): at most "
                    f"{os.cpu_count() / per_case:.1f} cases/s on {os.cpu_count()} cores, before the clients' own")
        return out
