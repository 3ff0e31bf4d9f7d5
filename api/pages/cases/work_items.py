"""Working one item: the case at a glance and the task's form; completing it."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from api.messages import say
from api.pages import form_data
from api.pages.cases import decision_context
from api.pages.web import next_url, page_actor
from engine.cases import service as cases, work_items
from engine.errors import ValidationFailed, WrongState

bp = Blueprint("task_pages", __name__)


@bp.route("/work-items/<id:item_id>", methods=["GET", "POST"])
@login_required
def work_item(item_id: int):
    """GET shows the form; POST completes the item (errors keep what was typed)."""
    actor = page_actor()
    item = work_items.get(item_id=item_id, actor=actor)
    case = cases.get_case(case_id=item.case_id, actor=actor)
    form = work_items.form_of(item)
    task_data = _context(item, actor)
    values, errors, status = dict(task_data.get("initial", {})), {}, 200
    if request.method == "POST":
        values = form_data.from_request(form, request.form)
        try:
            work_items.complete(item_id=item_id, actor=actor, data=values,
                                expected_version=form_data.version(request.form))
            flash(_done(item, values, case.case_no), "success")
            return redirect(next_url(url_for("inbox.inbox")))
        except ValidationFailed as exc:
            errors, status = exc.errors, 422
        except WrongState as exc:
            flash(say(exc.message), "error")
            status = 409
    return render_template("pages/cases/work_item.html", item=item, case=case, form=form, values=values,
                           errors=errors, task_data=task_data), status


def _done(item, values: dict, case_no: str) -> str:
    """What the flash says was done: a return is a return, not a sign-for."""
    if item.form_key == "sign_for" and values.get("decision") == "return":
        return _("%(case)s returned to the center: the dispatcher decides on the return.", case=case_no)
    return _("Done: %(task)s of %(case)s.", task=item.title, case=case_no)


def _context(item, actor) -> dict:
    """What the form needs besides the case: department choices for dispatch-like forms, and for
    dispatch the catalogue's proposal (shown, and `initial` values pre-selected on GET)."""
    from api.pages.filters import department_codes, department_tree
    context = {"departments": department_tree(("district", "street", "community", "bureau")),
               "codes": department_codes()}
    if item.form_key == "dispatch":
        from api.pages.consoles.dispatch import dispatch_proposal
        context.update(dispatch_proposal(cases.get_case(case_id=item.case_id, actor=actor)))
    context.update(decision_context.facts_for(item.form_key, item.case_id))
    return context
