"""Open311 GeoReport v2 at /open311/v2/ (issue 14): the matter catalogue as services, requests
from registered clients (apps, WeChat mini-program backends, partner sites) as cases in triage,
their public status. Machine-to-machine: no session, no CSRF token; a POST carries an api_key."""
from __future__ import annotations

from flask import Blueprint, Flask

from api.open311 import errors, views

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
views.register(bp)
errors.register(bp)


def init_app(app: Flask) -> None:
    from api.pages.web import csrf

    app.register_blueprint(bp)
    csrf.exempt(bp)
