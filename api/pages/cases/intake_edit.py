"""修改受理信息: the center's intake roles correct what intake recorded, with a reason; audited."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.pages import form_data
from api.pages.filters import intake_choices
from api.pages.web import page_actor
from engine.cases import intake_edit, service as cases
from engine.errors import StaleVersion, ValidationFailed
from forms import get_form

bp = Blueprint("intake_edit", __name__)


@bp.route("/cases/<id:case_id>/edit", methods=["GET", "POST"])
@login_required
def edit(case_id: int):
    """GET: the intake fields as they are; POST: the changes and why (a colleague's edit meanwhile: 409)."""
    actor = page_actor()
    case = cases.get_case(case_id=case_id, actor=actor)
    if not intake_edit.editable(actor, case):
        abort(403)
    form = get_form("intake")
    values = {name: getattr(case, name) for name in intake_edit.FIELDS}
    errors, status, reason = {}, 200, ""
    if request.method == "POST":
        # every field as posted, empty ones too: clearing the address is a change
        values = {name: request.form.get(name, "").strip() for name in intake_edit.FIELDS if name != "confidential"}
        values["confidential"] = request.form.get("confidential") == "true"
        reason = request.form.get("reason", "")
        try:
            intake_edit.edit_intake(case_id=case_id, actor=actor, data=values, reason=reason,
                                    expected_version=form_data.version(request.form))
            flash(_("Intake corrected; the timeline records what changed."), "success")
            return redirect(url_for("case_pages.case_page", case_id=case_id))
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
        except StaleVersion:
            flash(_("Someone changed the case meanwhile: here it is as it is now; make your change again."), "error")
            return redirect(url_for("intake_edit.edit", case_id=case_id))
    return render_template("pages/cases/intake_edit.html", case=case, form=form, values=values, errors=errors,
                           reason=reason, category_fixed=case.stage not in intake_edit.BEFORE_DISPATCH,
                           choices=intake_choices()), status
