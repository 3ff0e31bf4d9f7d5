"""Visits (回访): replied cases waiting for the satisfaction call, with the citizen's phone and
the department's reply, each linking to its visit task."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from api.pages.consoles.common import handle_action, require, result_label, section
from api.pages.filters import department_names
from api.rest.presenters import case_summary
from engine.organisation import roles as R

bp = Blueprint("console_visits", __name__)


@bp.get("/visits")
@login_required
def visits():
    """The visit queue, oldest first."""
    actor = require(R.VISITOR)
    queue = section(actor, ("visit",), facts_from=handle_action("reply", "natural_completion"))
    # The same masking as everywhere else: a visitor may see the phone, the summary decides.
    citizens = {case.id: case_summary(case, actor) for _, case in queue.rows}
    return render_template("pages/consoles/visits.html", queue=queue, citizens=citizens,
                           departments=department_names(), result_label=result_label)
