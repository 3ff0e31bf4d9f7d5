"""The dispatcher console (派单台): cases to dispatch with the catalogue's proposal, returns to
decide with the department's reason, replies to review."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from api.pages.consoles.common import handle_action, require, result_label, section
from api.pages.filters import department_names
from engine.models import Case
from engine.organisation import catalogue, matters, roles as R

bp = Blueprint("console_dispatch", __name__)


@bp.get("/dispatch")
@login_required
def dispatch_console():
    """Three queues, each row linking to its task page."""
    actor = require(R.DISPATCHER)
    to_dispatch = section(actor, ("dispatch",))
    proposer = catalogue.Catalogue()
    proposals = {case.id: proposer.propose(category=case.category, title=case.title, content=case.content,
                                           matter_id=case.matter_id, area_id=case.area_id)
                 for _, case in to_dispatch.rows}
    returns = section(actor, ("decide_return",),
                      facts_from=("sign_for", lambda data: data.get("decision") == "return"))
    reviews = section(actor, ("review",), facts_from=handle_action("reply", "natural_completion"))
    return render_template("pages/consoles/dispatch.html", to_dispatch=to_dispatch, proposals=proposals,
                           returns=returns, reviews=reviews, departments=department_names(),
                           result_label=result_label)


def dispatch_proposal(case: Case) -> dict:
    """For the dispatch form: the proposal to show and the values to pre-select ({} if none)."""
    proposal = catalogue.propose(category=case.category, title=case.title, content=case.content,
                                 matter_id=case.matter_id, area_id=case.area_id)
    if proposal is None:
        return {}
    names = department_names()
    rule = proposal.rule
    return {
        "proposal": {"lead": names.get(proposal.lead_id), "co": [names.get(i) for i in proposal.co_ids],
                     "keyword": rule.keyword, "category": rule.category,
                     "matter": matters.labels({rule.matter_id}).get(rule.matter_id) if rule.matter_id else "",
                     "to_area": rule.to_area and proposal.lead_id != rule.lead_department_id},
        "initial": {"lead_department_id": proposal.lead_id, "co_department_ids": proposal.co_ids},
    }
