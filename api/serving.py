"""Production serving: what the environment must say, cookies, the proxy in front, HSTS.

`HOTLINE_ENV=production` (set by `make serve`, Procfile.production and the systemd units of
docs/DEPLOYMENT.md) turns the development defaults off: SECRET_KEY must come from the
environment (no key file generated in instance/), the database must be PostgreSQL, cookies are
Secure. `make run` (plain http on localhost) keeps its defaults. `python -m api.serving` prints
what is missing and exits 2 — `make serve` asks it before starting anything.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Mapping

from flask import Flask, request

MIN_SECRET_LENGTH = 32
HSTS_DEFAULT = 31_536_000       # one year


class ConfigurationError(RuntimeError):
    """The environment does not describe a production deployment."""


def _flag(env: Mapping[str, str], name: str, default: bool) -> bool:
    value = (env.get(name) or "").strip().lower()
    if not value:
        return default
    return value not in ("0", "false", "no", "off")


def is_production(env: Mapping[str, str] = os.environ) -> bool:
    return (env.get("HOTLINE_ENV") or "").strip().lower() == "production"


def problems(env: Mapping[str, str] = os.environ) -> list[str]:
    """What a production start lacks, one sentence each (empty: ready to start)."""
    found = []
    secret = env.get("SECRET_KEY") or ""
    if len(secret) < MIN_SECRET_LENGTH:
        found.append(f"SECRET_KEY must be set in the environment, at least {MIN_SECRET_LENGTH} characters "
                     "(e.g. `python3 -c 'import secrets; print(secrets.token_hex(32))'`); every node "
                     "of the deployment uses the same key")
    url = env.get("DATABASE_URL") or ""
    if not url:
        found.append("DATABASE_URL must be set (postgresql://user:password@host/db)")
    elif not url.startswith(("postgresql", "postgres://")) and not _flag(env, "ALLOW_SQLITE", False):
        found.append("DATABASE_URL must be PostgreSQL in production: several processes write at once "
                     "(web workers, scheduler, telephony workers) and the scheduler's leadership "
                     "lease is a PostgreSQL row lock; ALLOW_SQLITE=1 overrides this for a one-machine trial")
    return found


def settings(env: Mapping[str, str] = os.environ) -> dict:
    """Cookie, proxy, HSTS and log settings for api/config.py."""
    production = is_production(env)
    secure = _flag(env, "COOKIE_SECURE", production)
    return {
        "HOTLINE_ENV": "production" if production else "development",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_SECURE": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "TRUST_PROXY": _flag(env, "TRUST_PROXY", False),
        "HSTS_MAX_AGE": int(env.get("HSTS_MAX_AGE") or HSTS_DEFAULT),
        "LOG_FORMAT": (env.get("LOG_FORMAT") or ("text" if production else "")).strip().lower() or None,
        "LOG_LEVEL": (env.get("LOG_LEVEL") or "INFO").strip().upper(),
    }


def require(env: Mapping[str, str] = os.environ) -> None:
    """Refuse a production start the environment does not support (no-op outside production)."""
    if is_production(env) and (found := problems(env)):
        raise ConfigurationError("HOTLINE_ENV=production cannot start:\n  - " + "\n  - ".join(found))


def _hsts(response):
    # only over https (as the proxy reported it with TRUST_PROXY=1): over http the header is
    # ignored by browsers and would mislead a reader of the response
    max_age = response and request.is_secure and _max_age()
    if max_age:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    return response


def _max_age() -> int:
    from flask import current_app
    return current_app.config.get("HSTS_MAX_AGE", HSTS_DEFAULT)


def init_app(app: Flask) -> None:
    """Request ids and log format, the proxy, HSTS, the health routes, the backup commands."""
    from api import cli_backup, health, request_log

    request_log.init_app(app)
    health.init_app(app)
    cli_backup.init_app(app)
    if app.config.get("TRUST_PROXY"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        # exactly one proxy (nginx) in front: its X-Forwarded-For/Proto/Host are believed, no
        # client-sent value beyond it (the rate limits key on the address this gives)
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
    app.after_request(_hsts)


def main() -> int:
    """`python -m api.serving`: exit 2 with the reasons when production cannot start."""
    found = problems()
    for line in found:
        print(f"make serve: {line}", file=sys.stderr)
    return 2 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
