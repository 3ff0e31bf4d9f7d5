"""Server-rendered pages (the workbench grows here; for now the landing page)."""
from __future__ import annotations

from flask import Blueprint, Flask, render_template

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """Landing page: what runs here and where to go."""
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    from sqlalchemy import text
    from engine.db import db
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
