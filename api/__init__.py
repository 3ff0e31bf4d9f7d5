"""The Flask application: factory, extensions, REST API, pages, CLI."""
from __future__ import annotations

import os

from flask import Flask

from api import config as app_config
from api.extensions import db, migrate, rest_api


def create_app(test_config: dict | None = None) -> Flask:
    """Build the application (the embedded SQLite default unless DATABASE_URL says otherwise)."""
    app = Flask(__name__, instance_relative_config=True, instance_path=_instance_path())
    app.config.from_mapping(app_config.build(app.instance_path, test_config))
    app.json.ensure_ascii = False

    import engine.models  # noqa: F401  (register every table before migrations look)
    from engine import sqlite

    db.init_app(app)
    with app.app_context():
        sqlite.configure(db.engine)
    migrate.init_app(app, db, directory=_migrations_dir())
    rest_api.init_app(app)

    from api import auth, cli, cli_scheduler, cli_telephony, concurrency, errors, inputs, pages
    from api.rest import register as register_rest

    inputs.register_converters(app, rest_api)
    rest_blueprints = register_rest(rest_api)
    auth.init_app(app)
    inputs.init_app(app)
    concurrency.init_app(app)
    errors.init_app(app)
    pages.init_app(app)
    from api.pages.web import exempt_api
    exempt_api(rest_blueprints)
    from api import open311
    open311.init_app(app)       # Open311 GeoReport v2: api keys, no session, no CSRF
    from api import channels_sms
    channels_sms.init_app(app)      # the carrier's inbound SMS webhook (HMAC-signed, no CSRF)
    from engine import storage
    storage.configure(app.config.get("ATTACHMENT_ROOT") or os.path.join(app.instance_path, "attachments"))
    cli.init_app(app)
    cli_scheduler.init_app(app)
    cli_telephony.init_app(app)
    from api import serving
    serving.init_app(app)       # request ids and log format, ProxyFix, HSTS, /healthz, /readyz, `flask backup`
    return app


def _instance_path() -> str:
    """instance/ at the repository root (Flask's default would sit inside the api package)."""
    import os
    from pathlib import Path
    return os.environ.get("INSTANCE_PATH") or str(Path(__file__).resolve().parents[1] / "instance")


def _migrations_dir() -> str:
    from pathlib import Path
    return str(Path(__file__).resolve().parents[1] / "migrations")
