"""`GET /healthz` (the process answers) and `GET /readyz` (database reachable, migrations current).

For load balancers and systemd/monitoring: no login, no CSRF, no rate limit, never cached, and
nothing in them but states — no host, user, version of anything or error text (the reason a
check failed goes to the log, under the request's id).
"""
from __future__ import annotations

import logging

from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app, jsonify
from sqlalchemy import inspect, text

from engine.db import db

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def _answer(body: dict, status: int):
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/healthz")
def healthz():
    return _answer({"status": "ok"}, 200)


def migrations() -> tuple[tuple[str, ...], set[str]]:
    """The migration heads of the code this process runs, and every revision it knows (read once)."""
    known = current_app.extensions.get("hotline_migrations")
    if known is None:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", current_app.extensions["migrate"].directory)
        script = ScriptDirectory.from_config(config)
        known = current_app.extensions["hotline_migrations"] = (
            tuple(sorted(script.get_heads())), {r.revision for r in script.walk_revisions()})
    return known


def database_heads() -> tuple[str, ...]:
    """The revisions stamped in the database (empty: never migrated). Read directly, not through
    alembic's MigrationContext, which logs two lines per call — per probe of every balancer. On the
    request's own connection: a second one could find an SQLite file locked by this thread's open
    transaction and call a busy database unreachable."""
    conn = db.session.connection()
    if not inspect(conn).has_table("alembic_version"):
        return ()
    return tuple(sorted(conn.execute(text("SELECT version_num FROM alembic_version")).scalars()))


@bp.get("/readyz")
def readyz():
    try:
        found = database_heads()
    except Exception:       # any failure to reach or read the database: not ready, whatever it was
        log.warning("readyz: database unreachable", exc_info=True)
        return _answer({"status": "unavailable", "database": "unreachable", "migrations": "unknown"}, 503)
    expected, known = migrations()
    if found != expected:
        # an empty database; a revision this code does not know (a newer node migrated it); behind
        state = "missing" if not found else "ahead" if not set(found) <= known else "behind"
        log.warning("readyz: database at %s, code expects %s", found, expected)
        return _answer({"status": "unavailable", "database": "ok", "migrations": state,
                        "expected": list(expected), "found": list(found)}, 503)
    return _answer({"status": "ready", "database": "ok", "migrations": "current"}, 200)


def init_app(app: Flask) -> None:
    from api.pages.web import csrf, limiter

    csrf.exempt(bp)
    limiter.exempt(bp)
    app.register_blueprint(bp)
