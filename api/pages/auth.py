"""Sign in, sign out, language switch."""
from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select

from api.pages.web import SessionUser, limiter, next_url
from engine.db import db
from engine.models import User
from engine.organisation import directory as org
from engine.telephony import seats

bp = Blueprint("auth", __name__)
LOGIN_LIMIT = "10 per minute; 50 per hour"


def _login_key() -> str:
    """Attempts count per address *and* username: a call center's 700 agents share one NAT
    address at shift change, while guessing one account's password is what must be slowed."""
    from flask_limiter.util import get_remote_address
    return f"{get_remote_address()}|{request.form.get('username', '').strip().lower()}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config.get("LOGIN_RATE_LIMIT", LOGIN_LIMIT), key_func=_login_key,
               methods=["POST"])
def login():
    """Username and password; a wrong pair says so without telling which half was wrong."""
    error = None
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        user = db.session.execute(select(User).where(User.username == username)).scalar()
        if user is not None and user.active and org.check_password(user, request.form.get("password", "")):
            session.clear()                        # no fixation: a fresh session per sign-in
            session.permanent = True               # expires after PERMANENT_SESSION_LIFETIME
            login_user(SessionUser(user))
            return redirect(next_url(url_for("inbox.inbox")))
        error = _("Wrong username or password.")
    return render_template("pages/login.html", error=error), (401 if error else 200)


@bp.post("/logout")
@login_required
def logout():
    from flask_login import current_user
    user = db.session.get(User, current_user.user_id)
    user.session_epoch += 1          # every copy of this user's session cookie is now void
    db.session.commit()
    seats.sign_out(user.id, reason="signed out of the workbench")   # no calls for a seat nobody sits at
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


@bp.post("/lang/<code>")
def set_language(code: str):
    """Switch the UI between 简体中文 and English (kept in the session)."""
    if code in ("zh", "en"):
        session["lang"] = code
    return redirect(next_url(url_for("pages.index")))
