"""Configuration, read in one place.

`DATABASE_URL` (any SQLAlchemy URL) selects the database; without it the embedded default is a
SQLite file in the instance folder. `SECRET_KEY` may come from the environment; otherwise one is
generated once and kept in the instance folder — except with HOTLINE_ENV=production, where it
must come from the environment (api/serving.py, docs/DEPLOYMENT.md).
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from api import serving
from engine.db import json_dumps, json_loads


def _secret_key(instance: Path) -> str:
    serving.require()       # HOTLINE_ENV=production: SECRET_KEY and PostgreSQL from the environment, or no start
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def database_url(instance: Path) -> str:
    """The configured database URL; `postgres://` (Heroku style) is accepted too."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance / 'hotline.db'}"
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _sms_settings() -> dict:
    """SMS gateway: `log` (default: record and log, send nothing) or `http` (POST to SMS_HTTP_URL)."""
    return {
        "SMS_GATEWAY": os.environ.get("SMS_GATEWAY", "log").strip().lower() or "log",
        "SMS_HTTP_URL": os.environ.get("SMS_HTTP_URL") or None,
        "SMS_HTTP_TOKEN": os.environ.get("SMS_HTTP_TOKEN") or None,
        "SMS_HTTP_TIMEOUT": float(os.environ.get("SMS_HTTP_TIMEOUT") or 5),
        "SMS_SIGNATURE": os.environ.get("SMS_SIGNATURE") or "【12345】",
        # the carrier's HMAC key for inbound SMS (POST /channels/sms/inbound); unset: every post is 401
        "SMS_INBOUND_SECRET": os.environ.get("SMS_INBOUND_SECRET") or "",
    }


def _telephony_settings() -> dict:
    """The call center: the CDR endpoint's password, where recordings are, the switch's ESL."""
    return {
        # mod_json_cdr posts with HTTP basic auth as `freeswitch` and this password; empty refuses
        # every post (set it in production; `make run` sets a demo one)
        "TELEPHONY_CDR_PASSWORD": os.environ.get("TELEPHONY_CDR_PASSWORD", ""),
        # mod_xml_curl fetches callcenter.conf (the queues) with the same credentials, only from
        # these addresses (comma-separated; empty: any address that has the credentials)
        "TELEPHONY_CONFIG_HOSTS": os.environ.get("TELEPHONY_CONFIG_HOSTS", ""),
        # the switch writes recordings and voicemail under SWITCH_DIR; the web reads them from
        # RECORDINGS_DIR (a read-only mount of the same files); empty: no playback
        "TELEPHONY_SWITCH_DIR": os.environ.get("TELEPHONY_SWITCH_DIR", "/var/lib/freeswitch"),
        "TELEPHONY_RECORDINGS_DIR": os.environ.get("TELEPHONY_RECORDINGS_DIR", ""),
        # how often a web process looks for new call moments for the screens it serves (seconds)
        "TELEPHONY_FEED_POLL": float(os.environ.get("TELEPHONY_FEED_POLL") or 0.1),
    }


SPEC_OPTIONS = {
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    "security": [{"bearer": []}],
    "info": {"description": "Cases, work items and urges of the 12345 hotline. "
                            "Authenticate with `Authorization: Bearer <token>` "
                            "(`flask --app wsgi users token create USERNAME`)."},
}


def _engine_options(url: str) -> dict:
    options = {"json_serializer": json_dumps, "json_deserializer": json_loads}
    if url.startswith("sqlite"):
        # Writers wait for each other instead of failing at once with "database is locked".
        options["connect_args"] = {"timeout": 30}
    else:
        # No pre-ping by default: it costs a round trip per request (as much as a whole statement);
        # connections are recycled instead. DB_POOL_PRE_PING=1 turns it on where the database or
        # a proxy drops idle connections.
        options.update(pool_size=int(os.environ.get("DB_POOL_SIZE", 10)), max_overflow=20,
                       pool_recycle=300, pool_pre_ping=os.environ.get("DB_POOL_PRE_PING") == "1")
    return options


def build(instance_path: str, overrides: dict | None = None) -> dict:
    """The app's configuration mapping."""
    instance = Path(instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    overrides = overrides or {}
    url = overrides.get("SQLALCHEMY_DATABASE_URI") or database_url(instance)
    config = {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": url,
        "SQLALCHEMY_ENGINE_OPTIONS": _engine_options(url),
        "JSON_AS_ASCII": False,
        "API_TITLE": "12345 Case Engine API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        # Served from our own static folder (copied from npm at set-up), never from a CDN.
        "OPENAPI_SWAGGER_UI_URL": "/static/vendor/swagger-ui/",
        "API_SPEC_OPTIONS": SPEC_OPTIONS,
        "MAX_PAGE_SIZE": 200,
        # Uploads: attachments are at most 10 MB (engine.cases.attachments); refuse bigger
        # bodies before reading them.
        "MAX_CONTENT_LENGTH": 12 * 1024 * 1024,
        # A CSRF token lives as long as the signed-in session (not Flask-WTF's default hour): an
        # agent's form left open during a long call must still submit.
        "WTF_CSRF_TIME_LIMIT": None,
        "PERMANENT_SESSION_LIFETIME": 12 * 3600,     # one shift
        # The session cookie is sent only when the session changed. Refreshed on every response,
        # a background request (the desk's suggestions, the phone bar) answered just after a form
        # post wrote back the session it had read before the post, and the post's flash ("case
        # registered") was lost. The shift's 12 hours then count from signing in.
        "SESSION_REFRESH_EACH_REQUEST": False,
        **_telephony_settings(),
        **serving.settings(),     # cookies (HttpOnly, Lax, Secure), TRUST_PROXY, HSTS, LOG_FORMAT: api/serving.py
        **_sms_settings(),
    }
    config.update(overrides)
    return config
