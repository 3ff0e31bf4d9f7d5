"""Production serving: health and readiness, request ids on responses and log lines, log formats,
cookies behind TLS, the proxy in front, and what a production start refuses."""
from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from flask import request

from api import create_app, request_log, serving

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s" * 40


def scratch_app(database_url: str, monkeypatch=None, env: dict | None = None, **config):
    """Another app (own config, probe routes) on the given database."""
    for name, value in (env or {}).items():
        monkeypatch.setenv(name, value)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, **config})

    @app.get("/_probe")
    def probe():
        logging.getLogger("tests.probe").warning("probe line")
        return {"remote": request.remote_addr, "scheme": request.scheme, "host": request.host}

    return app


def stamped_sqlite(tmp_path, revision: str | None) -> str:
    """A scratch SQLite database that claims to be at `revision` (None: never migrated)."""
    path = tmp_path / "scratch.db"
    with sqlite3.connect(path) as conn:
        if revision:
            conn.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
            conn.execute("INSERT INTO alembic_version VALUES (?)", (revision,))
    return f"sqlite:///{path}"


# --- health and readiness ---------------------------------------------------------------------

def test_healthz_answers_without_login_database_or_cache(client):
    res = client.get("/healthz")
    assert res.status_code == 200 and res.json == {"status": "ok"}
    assert res.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in res.headers


def test_healthz_needs_no_database(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/dir/x.db", "TESTING": True})
    assert app.test_client().get("/healthz").status_code == 200


def test_readyz_is_ready_on_a_migrated_database(client):
    res = client.get("/readyz")
    assert res.status_code == 200
    assert res.json == {"status": "ready", "database": "ok", "migrations": "current"}
    assert res.headers["Cache-Control"] == "no-store"


def test_readyz_refuses_a_database_behind_the_migrations(app, tmp_path):
    from api.health import migrations

    with app.app_context():
        (head,), _known = migrations()
    older = f"{int(head) - 1:04d}"
    res = create_app({"SQLALCHEMY_DATABASE_URI": stamped_sqlite(tmp_path, older), "TESTING": True}) \
        .test_client().get("/readyz")
    assert res.status_code == 503
    assert res.json == {"status": "unavailable", "database": "ok", "migrations": "behind",
                        "expected": [head], "found": [older]}
    assert res.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("revision, state", [(None, "missing"), ("9999", "ahead")])
def test_readyz_names_an_unmigrated_or_newer_database(tmp_path, revision, state):
    res = create_app({"SQLALCHEMY_DATABASE_URI": stamped_sqlite(tmp_path, revision), "TESTING": True}) \
        .test_client().get("/readyz")
    assert res.status_code == 503 and res.json["migrations"] == state


def test_readyz_says_unreachable_and_hides_why(tmp_path, caplog):
    url = f"sqlite:///{tmp_path}/no/such/dir/hotline.db"
    res = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True}).test_client() \
        .get("/readyz", headers={"X-Request-ID": "probe-42"})
    assert res.status_code == 503
    assert res.json == {"status": "unavailable", "database": "unreachable", "migrations": "unknown"}
    assert str(tmp_path) not in res.get_data(as_text=True)
    # the reason is in the log, under the request's id
    (line,) = [r for r in caplog.records if r.name == "api.health"]
    assert line.request_id == "probe-42" and line.exc_info


def test_health_routes_answer_anonymous_probes_every_time(app):
    probe = app.test_client()
    answers = {probe.get(path).status_code for path in ("/healthz", "/readyz") for _ in range(60)}
    assert answers == {200}      # no sign-in redirect, no 429 however often a balancer asks


# --- request ids ------------------------------------------------------------------------------

def test_a_sane_incoming_request_id_is_echoed(client):
    res = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a.9:2"})
    assert res.headers["X-Request-ID"] == "lb-7f3a.9:2"


@pytest.mark.parametrize("incoming", ["", "a b", "x" * 65, "id;Set-Cookie=x", "ünï"])
def test_an_insane_request_id_is_replaced_by_a_fresh_one(client, incoming):
    res = client.get("/healthz", headers={"X-Request-ID": incoming})
    rid = res.headers["X-Request-ID"]
    assert rid != incoming and len(rid) == 32 and int(rid, 16) >= 0


def test_every_response_gets_its_own_id_also_when_authentication_fails(client):
    first = client.get("/api/v1/cases").headers["X-Request-ID"]      # 401 before any view
    second = client.get("/api/v1/cases").headers["X-Request-ID"]
    assert first and second and first != second


def test_log_lines_of_a_request_carry_its_id(database_url, caplog):
    app = scratch_app(database_url)
    with caplog.at_level(logging.WARNING):
        res = app.test_client().get("/_probe", headers={"X-Request-ID": "req-123"})
    assert res.status_code == 200
    (line,) = [r for r in caplog.records if r.name == "tests.probe"]
    assert line.request_id == "req-123"
    logging.getLogger("tests.probe").warning("outside any request")
    assert caplog.records[-1].request_id == "-"


def test_json_log_lines(database_url, caplog):
    app = scratch_app(database_url)
    with caplog.at_level(logging.WARNING):
        app.test_client().get("/_probe", headers={"X-Request-ID": "req-json"})
    (record,) = [r for r in caplog.records if r.name == "tests.probe"]
    entry = json.loads(request_log.JsonFormatter().format(record))
    assert entry["request_id"] == "req-json" and entry["message"] == "probe line"
    assert entry["level"] == "WARNING" and entry["logger"] == "tests.probe" and entry["time"].endswith("+00:00")
    try:
        raise ValueError("boom")
    except ValueError:
        failed = logging.getLogger("x").makeRecord("x", logging.ERROR, __file__, 1, "failed: %s", ("它",),
                                                   sys.exc_info())
    entry = json.loads(request_log.JsonFormatter().format(failed))
    assert entry["message"] == "failed: 它" and "ValueError: boom" in entry["exception"]


def test_gunicorn_access_lines_keep_only_named_fields():
    atoms = {"h": "10.0.0.1", "m": "GET", "U": "/readyz", "s": "200", "B": 57, "M": 3, "a": "curl",
             "{x-request-id}o": "abc", "{authorization}i": "Bearer secret", "{cookie}i": "session=x"}
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", (), None)
    record.args = atoms
    entry = json.loads(request_log.JsonFormatter().format(record))
    assert entry["request_id"] == "abc" and entry["path"] == "/readyz" and entry["status"] == "200"
    assert "secret" not in json.dumps(entry) and "session" not in json.dumps(entry)
    assert "[abc] gunicorn.access" in request_log.TextFormatter().format(record)


def test_log_format_from_the_environment(monkeypatch):
    root = logging.getLogger()
    before = list(root.handlers)
    try:
        request_log.configure_logging("json")
        (ours,) = [h for h in root.handlers if getattr(h, "hotline", False)]
        assert isinstance(ours.formatter, request_log.JsonFormatter)
        request_log.configure_logging("text")
        (ours,) = [h for h in root.handlers if getattr(h, "hotline", False)]
        assert isinstance(ours.formatter, request_log.TextFormatter)
    finally:
        root.handlers[:] = before
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert serving.settings()["LOG_FORMAT"] == "json"
    monkeypatch.delenv("LOG_FORMAT")
    assert serving.settings()["LOG_FORMAT"] is None                          # make run: as before
    assert serving.settings({"HOTLINE_ENV": "production"})["LOG_FORMAT"] == "text"


# --- cookies, proxy, HSTS ---------------------------------------------------------------------

def test_development_cookies_work_over_plain_http(client):
    cookie = client.get("/login").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_cookies_are_secure_when_configured(database_url, monkeypatch):
    app = scratch_app(database_url, monkeypatch, env={"COOKIE_SECURE": "1"})
    assert app.config["REMEMBER_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    cookie = app.test_client().get("/login", base_url="https://hotline.example").headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_defaults_to_secure_cookies():
    assert serving.settings({"HOTLINE_ENV": "production"})["SESSION_COOKIE_SECURE"] is True
    assert serving.settings({"HOTLINE_ENV": "production", "COOKIE_SECURE": "0"})["SESSION_COOKIE_SECURE"] is False
    assert serving.settings({})["SESSION_COOKIE_SECURE"] is False


FORWARDED = {"X-Forwarded-For": "198.51.100.7", "X-Forwarded-Proto": "https",
             "X-Forwarded-Host": "12345.example.gov.cn"}


def test_proxy_headers_are_believed_only_with_trust_proxy(database_url, monkeypatch):
    plain = scratch_app(database_url).test_client().get("/_probe", headers=FORWARDED)
    assert plain.json == {"remote": "127.0.0.1", "scheme": "http", "host": "localhost"}
    assert "Strict-Transport-Security" not in plain.headers
    trusted = scratch_app(database_url, monkeypatch, env={"TRUST_PROXY": "1"}).test_client()
    res = trusted.get("/_probe", headers=FORWARDED)
    assert res.json == {"remote": "198.51.100.7", "scheme": "https", "host": "12345.example.gov.cn"}
    assert res.headers["Strict-Transport-Security"] == f"max-age={serving.HSTS_DEFAULT}"
    # one proxy: a value the client put before the proxy's own is not believed
    spoofed = trusted.get("/_probe", headers={**FORWARDED, "X-Forwarded-For": "10.9.9.9, 198.51.100.7"})
    assert spoofed.json["remote"] == "198.51.100.7"


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
    assert client.get("/healthz", base_url="https://localhost").headers["Strict-Transport-Security"] \
        .startswith("max-age=")


# --- what production refuses ------------------------------------------------------------------

def test_production_refuses_to_start_without_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("HOTLINE_ENV", "production")
    monkeypatch.setenv("INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://hotline@db/hotline")
    with pytest.raises(serving.ConfigurationError, match="SECRET_KEY must be set"):
        create_app()
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_sqlite_unless_allowed():
    env = {"HOTLINE_ENV": "production", "SECRET_KEY": SECRET}
    assert serving.problems({**env, "DATABASE_URL": "postgresql://h@db/x"}) == []
    (sqlite,) = serving.problems({**env, "DATABASE_URL": "sqlite:////var/lib/hotline.db"})
    assert "must be PostgreSQL" in sqlite
    assert serving.problems({**env, "DATABASE_URL": "sqlite:///x.db", "ALLOW_SQLITE": "1"}) == []
    assert "DATABASE_URL must be set" in serving.problems(env)[0]
    assert "SECRET_KEY" in serving.problems({**env, "SECRET_KEY": "short", "DATABASE_URL": "postgres://h/x"})[0]


def test_development_keeps_its_generated_key():
    serving.require({})       # no HOTLINE_ENV: make run starts as before


def test_make_serve_preflight_names_what_is_missing():
    env = {"PATH": "/usr/bin:/bin", "HOTLINE_ENV": "production"}
    done = subprocess.run([sys.executable, "-c", "from api.serving import main; raise SystemExit(main())"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "SECRET_KEY must be set" in done.stderr and "DATABASE_URL must be set" in done.stderr
