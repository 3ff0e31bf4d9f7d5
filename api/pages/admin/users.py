"""Admin pages of the users: the filtered list, a new user, one user's edit and password reset."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import parse_id
from api.pages.admin.audit import recent, require_admin, translate
from api.pages.filters import department_names, department_tree
from engine.errors import ValidationFailed
from engine.models import User
from engine.organisation import roles as R, users as admin_users
from engine.organisation.actor import Actor

bp = Blueprint("users", __name__)
AREAS = (admin_users.USER_AREA,)
FIELDS = ("username", "display_name", "department_id", "phone", "password")


@bp.get("/admin/users")
@login_required
def index():
    """The users matching the filter, the new-user form and the latest changes."""
    return _list_page(require_admin(), {}, {})


@bp.post("/admin/users")
@login_required
def create():
    actor = require_admin()
    values = _posted()
    try:
        user = admin_users.add_user(actor=actor, data=values, reason=_reason())
    except ValidationFailed as exc:
        values.pop("password", None)            # never echo a password back into the page
        return _list_page(actor, values, translate(exc.errors), status=422)
    flash(_("User %(name)s created.", name=user.username), "success")
    return redirect(url_for("admin.users.edit", user_id=user.id))


@bp.route("/admin/users/<id:user_id>", methods=["GET", "POST"])
@login_required
def edit(user_id: int):
    """GET: the user's form filled in; POST: save it."""
    actor = require_admin()
    user = admin_users.get_user(actor=actor, user_id=user_id)
    if request.method == "GET":
        return _edit_page(actor, user, admin_users.user_snapshot(user), {})
    values = {**_posted(), "active": request.form.get("active") == "true"}
    try:
        admin_users.update_user(actor=actor, user_id=user_id, data=values, reason=_reason())
    except ValidationFailed as exc:
        return _edit_page(actor, user, values, translate(exc.errors), status=422)
    flash(_("User %(name)s saved.", name=user.username), "success")
    return redirect(url_for("admin.users.edit", user_id=user_id))


@bp.post("/admin/users/<id:user_id>/password")
@login_required
def reset_password(user_id: int):
    actor = require_admin()
    try:
        user = admin_users.reset_password(actor=actor, user_id=user_id, password=request.form.get("password", ""),
                                          reason=_reason())
    except ValidationFailed as exc:
        user = admin_users.get_user(actor=actor, user_id=user_id)
        return _edit_page(actor, user, admin_users.user_snapshot(user), {},
                          password_errors=translate(exc.errors), status=422)
    flash(_("Password of %(name)s reset.", name=user.username), "success")
    return redirect(url_for("admin.users.edit", user_id=user_id))


def _posted() -> dict:
    values = {name: request.form.get(name, "") for name in FIELDS}
    values["roles"] = request.form.getlist("roles")
    return values


def _reason() -> str:
    return request.form.get("reason", "").strip()


def _filter() -> admin_users.UserFilter:
    return admin_users.UserFilter(department_id=parse_id(request.args.get("department_id")),
                                  role=request.args.get("role", ""), text=request.args.get("q", ""))


def _list_page(actor: Actor, values: dict, errors: dict, status: int = 200):
    users, total = admin_users.list_users(actor=actor, where=_filter())
    return render_template(
        "pages/admin/users.html", users=users, total=total, args=request.args, values=values, errors=errors,
        tree=department_tree(), departments=department_names(), roles=list(R.ROLE_LABELS),
        changes=recent(actor, AREAS)), status


def _edit_page(actor: Actor, user: User, values: dict, errors: dict, password_errors: dict | None = None,
               status: int = 200):
    return render_template(
        "pages/admin/user.html", user=user, values=values, errors=errors, password_errors=password_errors or {},
        tree=department_tree(), departments=department_names(), roles=list(R.ROLE_LABELS),
        is_self=user.id == actor.user_id, changes=recent(actor, AREAS, key=user.username)), status
