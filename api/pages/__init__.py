"""Server-rendered pages (Jinja2), calling the same services as the REST API."""
from __future__ import annotations

from flask import Blueprint, Flask, redirect, url_for
from flask_login import current_user

from api.pages import web

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """Signed in: the inbox; otherwise the sign-in page."""
    return redirect(url_for("inbox.inbox" if current_user.is_authenticated else "auth.login"))


@bp.get("/about")
def about():
    from flask import render_template
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    from sqlalchemy import text
    from engine.db import db
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


# Page modules (api/pages/<name>.py), each exposing a blueprint `bp`. One line per area.
PAGE_MODULES = (
    "auth",
    "inbox",
    "cases",
    "work_items",
    "attachments",
    "print_pages",
    "lookup",
    "query",
    "desk",
    "console_dispatch",
    "console_approvals",
    "console_supervision",
    "console_visits",
    "admin_catalogue",
    "admin",
    "cdr",
    "phone",
    "calls",
    "wallboard",
)
# Machine-to-machine endpoints with their own authentication (no session cookie, no CSRF token).
CSRF_EXEMPT = ("cdr",)


def init_app(app: Flask) -> None:
    import importlib

    from api.pages.filters import register_filters

    web.init_app(app)
    register_filters(app)
    app.register_blueprint(bp)
    for name in PAGE_MODULES:
        module = importlib.import_module(f"api.pages.{name}")
        app.register_blueprint(module.bp)
        if name in CSRF_EXEMPT:
            web.csrf.exempt(module.bp)
