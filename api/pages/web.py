"""Web session plumbing: Flask-Login, CSRF, language (Flask-Babel), rate limits.

The REST API authenticates with bearer tokens and is exempt from CSRF; every page uses the
session cookie, and every form posts a CSRF token. A page gets its Actor from `page_actor()`,
the same Actor the services check roles and department scope against.
"""
from __future__ import annotations

import re

from flask import Flask, redirect, request, session, url_for
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, current_user
from flask_wtf.csrf import CSRFProtect

from engine.db import db
from engine.models import User
from engine.organisation.actor import Actor, actor_from_user
from engine.paging import Page, clamp

LANGUAGES = ("zh", "en")
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")
babel = Babel()


class SessionUser(UserMixin):
    """What Flask-Login keeps: the user's id and session epoch; the Actor is rebuilt per request."""

    def __init__(self, user: User):
        # "id:epoch": signing out bumps the epoch, and every older cookie stops matching.
        self.id = f"{user.id}:{user.session_epoch}"
        self.user_id = user.id
        self.actor = actor_from_user(user)
        self.display_name = user.display_name
        self.department_name = user.department.name


def session_valid(session_id: str) -> bool:
    """Whether a session still holds (not signed out elsewhere, password not reset, user active):
    long-lived streams ask it, since Flask-Login checks only when a request starts."""
    try:
        return _load(session_id) is not None
    finally:
        db.session.rollback()


@login_manager.user_loader
def _load(session_id: str):
    user_id, _, epoch = session_id.partition(":")
    number = int(user_id) if re.fullmatch(r"[0-9]{1,9}", user_id) else None    # the session cookie's
    user = db.session.get(User, number) if number else None
    if user is None or not user.active or str(user.session_epoch) != epoch:
        return None
    return SessionUser(user)


def page_actor() -> Actor:
    """The signed-in user's Actor (pages are behind login_required)."""
    return current_user.actor


def locale() -> str:
    """The UI language: the user's choice, else zh (Simplified Chinese)."""
    chosen = session.get("lang")
    return chosen if chosen in LANGUAGES else "zh"


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    limiter.init_app(app)
    babel.init_app(app, locale_selector=lambda: "zh" if locale() == "zh" else "en")
    app.context_processor(lambda: {"lang": locale(), "current_user": current_user})


def exempt_api(api_blueprints) -> None:
    """Token-authenticated JSON endpoints carry no CSRF token (no cookies are trusted there), and
    no rate limit: the limiter skips them outright (finding that none applies cost 2-3 % of an
    intake's CPU). A limit on one of their routes would be ignored: put it on a page's route."""
    for blueprint in api_blueprints:
        csrf.exempt(blueprint)
        _UNLIMITED.add(blueprint.name)


_UNLIMITED: set[str] = set()


@limiter.request_filter
def _unlimited() -> bool:
    return request.blueprint in _UNLIMITED


def wants_html() -> bool:
    return not request.path.startswith("/api/")


def next_url(default: str) -> str:
    """A safe redirect target from ?next= (same-site paths only)."""
    target = request.args.get("next") or request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


def past_the_end(result: Page):
    """A redirect to the last page when the page asked for is past it (the list shrank since the
    link was made, a number was typed), else None. A capped count knows no last page: none."""
    if result.capped:
        return None
    last = clamp(result.page, result.total, result.page_size)
    if last == result.page:
        return None
    args = {**request.args.to_dict(), "page": last}
    return redirect(url_for(request.endpoint, **(request.view_args or {}), **args))
