"""The keyword lists per risk type: every type with its words, a form to add or change one
(422 names the field), and the latest changes with who made them (engine.screening.risk_types)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.pages import form_data
from api.pages.web import page_actor
from engine import screening
from engine.errors import ValidationFailed
from engine.organisation import Actor

bp = Blueprint("screening_risk_types", __name__)


def _editor() -> Actor:
    actor = page_actor()
    actor.require(*screening.access.EDIT_ROLES)
    return actor


@bp.get("/screening/risk-types")
@login_required
def index():
    return _page(_editor(), None, {"active": True}, {})


@bp.post("/screening/risk-types")
@login_required
def create():
    return _save(_editor(), None)


@bp.route("/screening/risk-types/<id:risk_type_id>", methods=["GET", "POST"])
@login_required
def edit(risk_type_id: int):
    actor = _editor()
    if request.method == "POST":
        return _save(actor, risk_type_id)
    row = screening.risk_types.get(risk_type_id)
    values = {**screening.risk_types.snapshot(row), "keywords": "、".join(row.keywords)}
    return _page(actor, row, values, {})


def _save(actor: Actor, risk_type_id: int | None):
    values = form_data.from_request(screening.risk_types.RISK_TYPE_FORM, request.form)
    values.setdefault("active", "false")            # an unticked box posts nothing
    try:
        screening.risk_types.save(actor=actor, data=values, risk_type_id=risk_type_id,
                                  reason=request.form.get("reason", "").strip())
    except ValidationFailed as exc:
        row = screening.risk_types.get(risk_type_id) if risk_type_id is not None else None
        return _page(actor, row, values, exc.errors, status=422)
    flash(_("Keyword list saved; it screens the next case."), "success")
    return redirect(url_for("screening_risk_types.index"))


def _page(actor: Actor, row, values: dict, errors: dict, status: int = 200):
    return render_template("pages/screening/risk_types.html", rows=screening.risk_types.all_types(), row=row,
                           values=values, errors=errors, changes=screening.risk_types.changes()), status
