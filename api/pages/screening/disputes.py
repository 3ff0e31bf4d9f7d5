"""矛盾纠纷排查表 pages: the register (filters, paged), the form for a dispute found off-line (422
names each bad field), and one dispute (engine.screening.disputes)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.inputs import parse_day, parse_id, parse_page
from api.pages import form_data
from api.pages.filters import department_names, department_tree
from api.pages.web import locale, page_actor, past_the_end
from engine import screening
from engine.errors import ValidationFailed
from engine.organisation import AREA_KINDS, Actor
from engine.screening.disputes import DISPUTE_FORM, LEVELS
from forms.messages import msg

bp = Blueprint("screening_disputes", __name__)
PAGE_SIZE = 50


def level_label(code: str) -> str:
    zh = locale() == "zh"
    return next(((z if zh else e) for v, z, e in LEVELS if v == code), code)


def _filters() -> dict:
    errors: dict = {}
    found: dict = {}
    for name in ("start", "end"):
        raw = (request.args.get(name) or "").strip()
        found[name] = parse_day(raw) if raw else None
        if raw and found[name] is None:
            errors[name] = [msg("not_a_date", "must be a date (YYYY-MM-DD)")]
    if errors:
        raise ValidationFailed(errors)
    return {**found, "risk_type": request.args.get("risk_type") or None,
            "risk_level": request.args.get("risk_level") or None,
            "department_id": parse_id(request.args.get("department_id"))}


@bp.get("/screening/disputes")
@login_required
def index():
    actor = page_actor()
    actor.require(*screening.access.DISPUTE_READERS)
    try:
        found = screening.disputes.list_disputes(actor, **_filters(), page=parse_page(request.args.get("page")),
                                                 page_size=PAGE_SIZE)
        errors, status = {}, 200
    except ValidationFailed as exc:
        found, errors, status = None, exc.errors, 422
    if found is not None and (redirect_to := past_the_end(found)) is not None:
        return redirect_to
    return render_template("pages/screening/disputes.html", found=found, errors=errors, args=request.args,
                           levels=LEVELS, level_label=level_label, **_names()), status


@bp.route("/screening/disputes/new", methods=["GET", "POST"])
@login_required
def new():
    actor = page_actor()
    actor.require(*screening.access.DISPUTE_ROLES)
    if request.method == "GET":
        return _form(actor, {"department_id": actor.department_id}, {})
    values = form_data.from_request(DISPUTE_FORM, request.form)
    try:
        row = screening.disputes.register(actor=actor, data=values)
    except ValidationFailed as exc:
        return _form(actor, values, exc.errors, status=422)
    flash(_("Dispute registered."), "success")
    return redirect(url_for("screening_disputes.show", dispute_id=row.id))


@bp.get("/screening/disputes/<id:dispute_id>")
@login_required
def show(dispute_id: int):
    row = screening.disputes.get_dispute(page_actor(), dispute_id)
    return render_template("pages/screening/dispute.html", row=row, level_label=level_label, **_names())


def _form(actor: Actor, values: dict, errors: dict, status: int = 200):
    departments = department_tree()
    if screening.access.scoped(actor) is not None:      # a department picks from its own subtree
        departments = _subtree(departments, actor.department_id)
    ctx = {"departments": departments, "areas": department_tree(AREA_KINDS)}
    fields = [f for f in DISPUTE_FORM.fields if f.name not in ("found_on", "risk_type_code")]
    return render_template("pages/screening/dispute_form.html", fields=fields, values=values, errors=errors, ctx=ctx,
                           levels=LEVELS, **_names()), status


def _subtree(tree: list[tuple[int, str, int]], root: int) -> list[tuple[int, str, int]]:
    """The rows of `tree` (tree order) from `root` down to its last descendant."""
    out: list = []
    for node in tree:
        if node[0] == root:
            out.append(node)
        elif out and node[2] > out[0][2]:
            out.append(node)
        elif out:
            break
    return out


def _names() -> dict:
    return {"types": screening.risk_types.names(), "names": department_names(),
            "active_types": {r.code: r.name for r in screening.risk_types.all_types(include_inactive=False)}}
