"""The accountability records list (filters: month, department, rule, decided), a record's page
with its evidence (the case's events, its deadline) and the decision form (CSRF, made once)."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from api.inputs import parse_id, parse_page
from api.pages.accountability.labels import decision_label, rule_label
from api.pages.consoles.registers import month_options, parse_month
from api.pages.filters import department_names
from api.pages.web import page_actor, past_the_end
from engine import accountability
from engine.accountability import records
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import Case, User

bp = Blueprint("accountability_pages", __name__)
PAGE_SIZE = 30
DECIDED = {"yes": True, "no": False}


def _filters() -> tuple[records.Filters, dict]:
    args, errors = request.args, {}
    try:
        month = parse_month(args.get("month"))
    except ValidationFailed as exc:
        month, errors = None, exc.errors
    rule = args.get("rule") if args.get("rule") in accountability.RULES else None
    return records.Filters(month=month, department_id=parse_id(args.get("department")), rule=rule,
                           decided=DECIDED.get(args.get("decided", ""))), errors


@bp.get("/accountability")
@login_required
def listing():
    actor = page_actor()
    filters, errors = _filters()
    result = records.listing(actor, filters, page=parse_page(request.args.get("page")), page_size=PAGE_SIZE)
    if (last := past_the_end(result)) is not None:
        return last
    return render_template("pages/accountability/records.html", result=result, filters=filters, errors=errors,
                           args=request.args, months=month_options(filters.month), departments=department_names(),
                           rules=accountability.RULES, rule_label=rule_label, decision_label=decision_label,
                           page_size=PAGE_SIZE), 422 if errors else 200


def _record_page(record_id: int, values: dict, errors: dict, status: int = 200):
    actor = page_actor()
    record = records.get(actor, record_id)
    events, limit = records.evidence(record)
    names = dict(db.session.execute(select_names({record.person_id, record.decided_by_id,
                                                  *(e.actor_id for e in events)})).all())
    case = db.session.get(Case, record.case_id)
    return render_template("pages/accountability/record.html", record=record, events=events, limit=limit,
                           case=case, names=names, departments=department_names(), rule_label=rule_label,
                           decision_label=decision_label, choices=accountability.decisions(),
                           may_decide=record.decided_at is None and records.may_decide(actor, record),
                           values=values, errors=errors), status


def select_names(user_ids: set):
    return select(User.id, User.display_name).where(User.id.in_({i for i in user_ids if i}))


@bp.get("/accountability/<id:record_id>")
@login_required
def record_page(record_id: int):
    return _record_page(record_id, {}, {})


@bp.post("/accountability/<id:record_id>/decision")
@login_required
def decide(record_id: int):
    values = {name: request.form.get(name, "").strip() for name in ("decision", "reason")}
    try:
        accountability.decide(actor=page_actor(), record_id=record_id, **values)
    except ValidationFailed as exc:
        return _record_page(record_id, values, exc.errors, 422)
    flash(_("Decision recorded."), "success")
    return redirect(url_for("accountability_pages.record_page", record_id=record_id))
