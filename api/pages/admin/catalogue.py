"""Admin page of the dispatch catalogue (派单目录): list, add, edit and deactivate rules; try what
the catalogue would propose for a text; the latest changes (admins only)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from api.inputs import parse_id
from api.pages import form_data
from api.pages.consoles.common import require
from api.pages.filters import department_codes, department_names, department_tree, intake_choices
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import DispatchRule, User
from engine.organisation import catalogue, matters, roles as R
from engine.organisation.actor import Actor
from engine.organisation.dispatch_rules import HANDLING_KINDS

bp = Blueprint("admin_catalogue", __name__)


@bp.get("/admin/catalogue")
@login_required
def rules():
    """Every rule, a form for a new one, and the proposal tester."""
    actor = require(R.ADMIN)
    return _page(actor, None, {}, {})


@bp.post("/admin/catalogue")
@login_required
def create():
    return _save(require(R.ADMIN), None)


@bp.route("/admin/catalogue/<id:rule_id>", methods=["GET", "POST"])
@login_required
def edit(rule_id: int):
    """GET: the rule's form filled in; POST: save it."""
    actor = require(R.ADMIN)
    if request.method == "POST":
        return _save(actor, rule_id)
    rule = catalogue.get_rule(actor=actor, rule_id=rule_id)
    return _page(actor, rule, catalogue.snapshot(rule), {})


@bp.post("/admin/catalogue/<id:rule_id>/deactivate")
@login_required
def deactivate(rule_id: int):
    actor = require(R.ADMIN)
    catalogue.deactivate_rule(actor=actor, rule_id=rule_id, reason=request.form.get("reason", "").strip())
    flash(_("Rule deactivated."), "success")
    return redirect(url_for("admin_catalogue.rules"))


def _save(actor: Actor, rule_id: int | None):
    """Validate and save; errors re-render the form with what was typed (422)."""
    values = form_data.from_request(catalogue.RULE_FORM, request.form)
    try:
        catalogue.save_rule(actor=actor, data=values, rule_id=rule_id,
                            reason=request.form.get("reason", "").strip())
    except ValidationFailed as exc:
        rule = catalogue.get_rule(actor=actor, rule_id=rule_id) if rule_id is not None else None
        return _page(actor, rule, values, exc.errors, status=422)
    flash(_("Dispatch catalogue saved."), "success")
    return redirect(url_for("admin_catalogue.rules"))


def _page(actor: Actor, rule: DispatchRule | None, values: dict, errors: dict, status: int = 200):
    tried, changes, rules = _try_proposal(), catalogue.changes(actor=actor), catalogue.list_rules(actor=actor)
    return render_template(
        "pages/admin/catalogue.html", rules=rules, rule=rule, values=values,
        errors=errors, form=catalogue.RULE_FORM, ctx={"departments": department_tree(tuple(HANDLING_KINDS)),
                                                      "codes": department_codes(),
                                                      "matters": intake_choices()["matters"]},
        matter_names=matters.labels({r.matter_id for r in rules if r.matter_id}),
        departments=department_names(), changes=changes, people=_names({c.actor_id for c in changes}),
        tried=tried, args=request.args), status


def _try_proposal() -> catalogue.Proposal | None:
    """What the catalogue proposes for the category, matter and text typed into the tester."""
    category, text = request.args.get("try_category", ""), request.args.get("try_text", "")
    if not category:
        return None
    return catalogue.propose(category=category, title=text, content="",
                             matter_id=parse_id(request.args.get("try_matter")))


def _names(user_ids: set[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(ids))).all())
