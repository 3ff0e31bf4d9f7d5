"""Admin page of the matter catalogue (事项分类): the tree with its closed branches, add, rename,
move and reorder a matter, close or reopen one with a reason; the latest changes (admins only)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.messages import say
from api.pages import form_data
from api.pages.admin.audit import recent, require_admin, translate
from engine.errors import ValidationFailed, WrongState
from engine.organisation import matters
from engine.organisation.actor import Actor

bp = Blueprint("admin_matters", __name__)


@bp.get("/admin/matters")
@login_required
def index():
    """The whole tree and a form for a new matter (under ?parent= when one was picked)."""
    actor = require_admin()
    return _page(actor, None, {"parent_id": request.args.get("parent", "")}, {})


@bp.post("/admin/matters")
@login_required
def create():
    return _save(require_admin(), None)


@bp.route("/admin/matters/<id:matter_id>", methods=["GET", "POST"])
@login_required
def edit(matter_id: int):
    """GET: the matter's form filled in; POST: save it (a new parent moves its branch)."""
    actor = require_admin()
    if request.method == "POST":
        return _save(actor, matter_id)
    row = matters.get(actor=actor, matter_id=matter_id)
    return _page(actor, row, matters.snapshot(row), {})


@bp.post("/admin/matters/<id:matter_id>/active")
@login_required
def set_active(matter_id: int):
    """Close a matter to new cases, or reopen it; a refusal says why."""
    actor = require_admin()
    active = request.form.get("active") == "true"
    try:
        matters.set_active(actor=actor, matter_id=matter_id, active=active,
                           reason=request.form.get("reason", "").strip())
        flash(_("Matter reopened.") if active else _("Matter closed to new cases."), "success")
    except WrongState as exc:
        flash(say(exc.message), "error")
    return redirect(url_for("admin_matters.index"))


def _save(actor: Actor, matter_id: int | None):
    """Validate and save; errors re-render the form with what was typed (422)."""
    values = form_data.from_request(matters.MATTER_FORM, request.form)
    try:
        matters.save(actor=actor, data=values, matter_id=matter_id, reason=request.form.get("reason", "").strip())
    except ValidationFailed as exc:
        row = matters.get(actor=actor, matter_id=matter_id) if matter_id is not None else None
        return _page(actor, row, values, exc.errors, status=422)
    flash(_("Matter catalogue saved."), "success")
    return redirect(url_for("admin_matters.index"))


def _page(actor: Actor, row, values: dict, errors: dict, status: int = 200):
    nodes = matters.tree(include_inactive=True)
    # a matter cannot move under itself or below it: its branch is not offered as a parent
    branch = {row.id} if row is not None else set()
    for node in nodes:
        if node.parent_id in branch:
            branch.add(node.id)
    parents = [(n.id, n.name, n.depth) for n in nodes if n.active and n.id not in branch]
    return render_template("pages/admin/matters.html", nodes=nodes, row=row, values=values,
                           errors=translate(errors), form=matters.MATTER_FORM, ctx={"matters": parents},
                           changes=recent(actor, (matters.AUDIT_AREA,))), status
