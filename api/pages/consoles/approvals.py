"""Leader approvals (领导审批): what waits for the viewer's decision, and nothing else.

Center leaders decide extensions, suspensions, overdue escalations and the closing of cases whose
citizen stayed dissatisfied; a department leader lets its own department's replies out.
"""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from api.pages.consoles.common import handle_action, require, result_label, section
from api.pages.filters import department_names
from engine.cases import natural
from engine.organisation import roles as R

bp = Blueprint("console_approvals", __name__)


def _asked_to_close(data: dict) -> bool:
    return data.get("decision") == "close"


@bp.get("/approvals")
@login_required
def approvals():
    """The viewer's approval queues, each row linking to its task page."""
    actor = require(R.CENTER_LEADER, R.DEPT_LEADER)
    queues = {}
    if actor.has(R.CENTER_LEADER):
        queues["extensions"] = section(actor, ("decide_extension",), facts_from=handle_action("extension"))
        queues["suspensions"] = section(actor, ("decide_suspension",), facts_from=handle_action("suspension"))
        queues["escalations"] = section(actor, ("escalation",), kinds=("escalation",))
        queues["closures"] = section(actor, ("confirm_close",), facts_from=("visit", _asked_to_close))
    if actor.has(R.DEPT_LEADER):
        queues["replies"] = section(actor, ("approve_reply",), own_department=True,
                                    facts_from=handle_action("reply", "natural_completion"))
    # Natural completions reported to the center director, waiting to be filed (备案).
    to_file = natural.listing(actor=actor, filed=False, page_size=1).total if actor.has(R.CENTER_LEADER) else None
    return render_template("pages/consoles/approvals.html", queues=queues, departments=department_names(),
                           result_label=result_label, to_file=to_file)
