"""我的首问工单: the cases the signed-in user took first (首问责任人), open or closed, paged."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from api.inputs import parse_page
from api.pages.filters import department_names
from api.pages.web import page_actor, past_the_end
from engine.cases import first_contact

bp = Blueprint("first_contact_pages", __name__)
PAGE_SIZE = 30


@bp.get("/cases/first-contact")
@login_required
def mine():
    state = request.args.get("state") if request.args.get("state") in first_contact.STATES else None
    result = first_contact.mine(page_actor(), state=state, page=parse_page(request.args.get("page")),
                                page_size=PAGE_SIZE)
    if (last := past_the_end(result)) is not None:
        return last
    return render_template("pages/cases/first_contact.html", result=result, state=state, args=request.args,
                           departments=department_names(), page_size=PAGE_SIZE)
