"""The supervision console (督办台): cases departments hold, most urgent first, with their urges
and an urge form per case (posting to the case page's urge route)."""
from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, render_template, request
from flask_login import login_required
from sqlalchemy import and_, func, select

from api.inputs import parse_id
from api.pages.consoles.common import require
from api.pages.filters import department_names, department_tree
from engine.cases import urges
from engine.db import db
from engine.deadlines.colours import COLOURS, colour_condition
from engine.models import Case, Department, Urge, User
from engine.organisation import scope
from engine.organisation.actor import Actor
from engine.organisation.dispatch_rules import HANDLING_KINDS
from engine.paging import clamp
from engine.ports import now as clock_now

bp = Blueprint("console_supervision", __name__)
PAGE_SIZE = 50


@bp.get("/supervision")
@login_required
def supervision():
    """One page of held cases, filtered by colour and lead department (with its subtree)."""
    actor = require(*urges.URGE_ROLES)
    colour = request.args.get("colour") if request.args.get("colour") in COLOURS else None
    department_id = _int_arg("department")
    page = max(_int_arg("page") or 1, 1)
    rows, total, page = held_cases(actor, colour=colour, department_id=department_id, page=page)
    history = urge_history([c.id for c in rows])
    people = _names({u.actor_id for us in history.values() for u in us})
    to_evaluate = urges.awaiting_evaluation(actor=actor)
    case_numbers = dict(db.session.execute(select(Case.id, Case.case_no).where(
        Case.id.in_({u.case_id for u in to_evaluate}))).all()) if to_evaluate else {}
    return render_template("pages/consoles/supervision.html", rows=rows, total=total, page=page,
                           to_evaluate=to_evaluate, case_numbers=case_numbers,
                           page_size=PAGE_SIZE, history=history, people=people, colour=colour,
                           department_id=department_id, departments=department_names(),
                           tree=department_tree(tuple(HANDLING_KINDS)))


def held_cases(actor: Actor, *, colour: str | None = None, department_id: int | None = None,
               page: int = 1) -> tuple[list[Case], int, int]:
    """(cases, total, page shown): cases in an urgeable stage, overdue first, then by due date;
    suspended ones last."""
    conditions = [Case.stage.in_(urges.URGEABLE_STAGES), Case.lead_department_id.is_not(None),
                  scope.case_visible(actor)]
    if colour:
        # A suspended case's clock stands still: it has no colour to filter on.
        conditions += [colour_condition(Case, colour, clock_now()), Case.suspended.is_(False)]
    if department_id:
        path = db.session.execute(select(Department.path).where(Department.id == department_id)).scalar()
        subtree = select(Department.id).where(Department.path.like((path or "-") + "%"))
        conditions.append(Case.lead_department_id.in_(subtree))
    where = and_(*conditions)
    total = db.session.execute(select(func.count()).select_from(Case).where(where)).scalar()
    page = clamp(page, total, PAGE_SIZE)
    rows = db.session.execute(
        select(Case).where(where)
        .order_by(Case.suspended, Case.due_at.is_(None), Case.due_at, Case.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).scalars().all()
    return list(rows), total, page


def urge_history(case_ids: list[int]) -> dict[int, list[Urge]]:
    """Every urge of these cases, oldest first, per case."""
    out: dict[int, list[Urge]] = defaultdict(list)
    if case_ids:
        for row in db.session.execute(select(Urge).where(Urge.case_id.in_(case_ids))
                                      .order_by(Urge.case_id, Urge.seq)).scalars():
            out[row.case_id].append(row)
    return out


def _names(user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return dict(db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all())


def _int_arg(name: str) -> int | None:
    return parse_id(request.args.get(name))
