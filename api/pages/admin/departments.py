"""Admin pages of the department tree: the tree, a new department, and one department's rename,
move and deactivation."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import func, select

from api.inputs import parse_id
from api.pages.admin.audit import recent, require_admin, translate
from api.pages.filters import department_names, department_tree
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Department, User
from engine.models.org import DEPARTMENT_KINDS
from engine.organisation import directory as org
from engine.organisation.actor import Actor

bp = Blueprint("departments", __name__)
AREAS = (org.DEPARTMENT_AREA,)


def kind_label(kind: str) -> str:
    labels = {"city": _("City"), "center": _("Hotline center"), "district": _("District"),
              "street": _("Street or town"), "community": _("Community or village"), "bureau": _("Bureau")}
    return labels.get(kind, kind)


@bp.get("/admin/departments")
@login_required
def index():
    """The whole tree, inactive departments greyed, with a form for a new one."""
    return _tree_page(require_admin(), {}, {})


@bp.post("/admin/departments")
@login_required
def create():
    actor = require_admin()
    values = {name: request.form.get(name, "") for name in ("parent_id", "kind", "code", "name")}
    values["requires_reply_approval"] = _flag("requires_reply_approval")
    try:
        dept = org.add_department(actor=actor, parent_id=_int(values["parent_id"]), kind=values["kind"],
                                  code=values["code"], name=values["name"],
                                  requires_reply_approval=values["requires_reply_approval"], reason=_reason())
    except ValidationFailed as exc:
        return _tree_page(actor, values, translate(exc.errors), status=422)
    flash(_("Department %(name)s created.", name=dept.name), "success")
    return redirect(url_for("admin.departments.index"))


@bp.route("/admin/departments/<id:department_id>", methods=["GET", "POST"])
@login_required
def edit(department_id: int):
    """GET: the department's forms; POST: rename it / change its reply approval."""
    actor = require_admin()
    if request.method == "GET":
        return _edit_page(actor, department_id, {})
    try:
        org.edit_department(actor=actor, department_id=department_id, name=request.form.get("name", ""),
                            requires_reply_approval=_flag("requires_reply_approval"), reason=_reason())
    except ValidationFailed as exc:
        return _edit_page(actor, department_id, translate(exc.errors), status=422)
    return _saved(department_id)


@bp.post("/admin/departments/<id:department_id>/move")
@login_required
def move(department_id: int):
    actor = require_admin()
    try:
        org.move_department(actor=actor, department_id=department_id,
                            parent_id=_int(request.form.get("parent_id", "")), reason=_reason())
    except ValidationFailed as exc:
        return _edit_page(actor, department_id, translate(exc.errors), status=422)
    return _saved(department_id)


@bp.post("/admin/departments/<id:department_id>/deactivate")
@login_required
def deactivate(department_id: int):
    actor = require_admin()
    try:
        org.deactivate_department(actor=actor, department_id=department_id, reason=_reason())
    except ValidationFailed as exc:
        return _edit_page(actor, department_id, translate(exc.errors), status=422)
    return _saved(department_id)


def _saved(department_id: int):
    flash(_("Department saved."), "success")
    return redirect(url_for("admin.departments.edit", department_id=department_id))


def _int(value: str) -> int | None:
    return parse_id(value)


def _flag(name: str) -> bool:
    return request.form.get(name) == "true"


def _reason() -> str:
    return request.form.get("reason", "").strip()


def _tree_page(actor: Actor, values: dict, errors: dict, status: int = 200):
    return render_template(
        "pages/admin/departments.html", rows=org.list_departments(actor=actor), users=_active_users(),
        tree=department_tree(), kinds=DEPARTMENT_KINDS, kind_label=kind_label, values=values, errors=errors,
        changes=recent(actor, AREAS)), status


def _edit_page(actor: Actor, department_id: int, errors: dict, status: int = 200):
    dept = org.get_department(actor=actor, department_id=department_id)
    names = department_names()
    ancestors = [names.get(int(i), i) for i in dept.path.strip("/").split("/")[:-1]]
    # Its own subtree is no place to move it to.
    inside = set(db.session.execute(select(Department.id).where(Department.path.like(dept.path + "%"))).scalars())
    return render_template(
        "pages/admin/department.html", dept=dept, ancestors=ancestors, tree=department_tree(), inside=inside,
        users=_active_users(), kind_label=kind_label, errors=errors,
        changes=recent(actor, AREAS, key=dept.code)), status


def _active_users() -> dict[int, int]:
    """Active users per department id."""
    return dict(db.session.execute(select(User.department_id, func.count()).where(User.active.is_(True))
                                   .group_by(User.department_id)).all())
