"""Bearer-token authentication for /api/v1 (the pages get session login later)."""
from __future__ import annotations

from flask import Flask, abort, g, request

from engine.organisation import directory as org
from engine.organisation.actor import Actor

OPEN_PATHS = ("/api/v1/openapi.json", "/api/v1/docs")


def init_app(app: Flask) -> None:
    app.before_request(_authenticate)


def _authenticate() -> None:
    g.actor = None
    if not request.path.startswith("/api/v1/") or request.path.startswith(OPEN_PATHS):
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        abort(401, description="send 'Authorization: Bearer <token>'")
    actor = org.actor_for_token(token.strip())
    if actor is None:
        abort(401, description="the token is unknown, revoked or its user is disabled")
    g.actor = actor


def current_actor() -> Actor:
    """The authenticated actor of this request."""
    actor = g.get("actor")
    if actor is None:
        abort(401)
    return actor
