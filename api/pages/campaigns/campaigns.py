"""外呼任务 for the shift lead: the campaigns, a new one (422 names the bad field), one campaign's
progress with its controls (a wrong move is 409), a pasted list, and moving the calls of agents
who are away. Agents and visitors work their own queue (api.pages.campaigns.queue) instead."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from api.inputs import parse_id
from api.pages.campaigns.labels import all_labels
from api.pages.web import page_actor
from engine import campaigns
from engine.campaigns.service import MANAGE_ROLES, WORK_ROLES
from engine.db import db
from engine.errors import ValidationFailed
from engine.models import User, UserRole
from engine.organisation import Actor

bp = Blueprint("campaigns", __name__)
FILLED_BY_PURPOSE = {"revisit": campaigns.targets.add_visits, "callback": campaigns.targets.add_callbacks}


def _lead() -> Actor:
    actor = page_actor()
    actor.require(*MANAGE_ROLES)
    return actor


@bp.get("/campaigns")
@login_required
def index():
    """Every campaign, newest first, with how far it is."""
    actor = _lead()
    rows = campaigns.service.list_campaigns(actor=actor)
    figures = {c.id: campaigns.progress.progress(actor=actor, campaign_id=c.id) for c in rows}
    return render_template("pages/campaigns/index.html", rows=rows, figures=figures, **all_labels())


def _candidates() -> list[User]:
    """Users who sit at a phone and may be given calls."""
    ids = select(UserRole.user_id).where(UserRole.role.in_(WORK_ROLES))
    return list(db.session.execute(select(User).where(User.id.in_(ids), User.active.is_(True))
                                   .order_by(User.display_name)).scalars())


def _agents_from_form() -> dict[int, str]:
    chosen = {parse_id(v) for v in request.form.getlist("agent")}
    return {uid: request.form.get(f"skills_{uid}", "") for uid in chosen if uid}


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
def new():
    """A new campaign: name, purpose, how calls are shared, the retry rule and the agents."""
    actor = _lead()
    if request.method == "GET":
        return _form({"purpose": request.args.get("purpose", "general"), "max_attempts": 3, "retry_minutes": 60,
                      "retry_results": ["no_answer", "busy"]}, {}, {})
    values = {k: request.form.get(k, "") for k in ("name", "purpose", "assignment", "max_attempts", "retry_minutes")}
    values["retry_results"] = request.form.getlist("retry_results")
    agents = _agents_from_form()
    try:
        row = campaigns.service.create(actor=actor, data=values, agents=agents)
    except ValidationFailed as exc:
        return _form(values, agents, exc.errors, 422)
    filled = FILLED_BY_PURPOSE.get(row.purpose)
    added = filled(actor=actor, campaign_id=row.id) if filled else 0
    flash(_("Campaign created with %(n)s calls to make.", n=added), "success")
    return redirect(url_for("campaigns.show", campaign_id=row.id))


def _form(values: dict, agents: dict, errors: dict, status: int = 200):
    return render_template("pages/campaigns/new.html", values=values, agents=agents, errors=errors,
                           candidates=_candidates(), **all_labels()), status


@bp.get("/campaigns/<id:campaign_id>")
@login_required
def show(campaign_id: int):
    return _page(_lead(), campaign_id)


def _page(actor: Actor, campaign_id: int, errors: dict | None = None, pasted: str = "", status: int = 200):
    row = campaigns.service.get_campaign(actor=actor, campaign_id=campaign_id)
    members = campaigns.service.members(row.id)
    people = {u.id: u.display_name for u in db.session.execute(select(User).where(User.id.in_(
        list(members) + [row.owner_id]))).scalars()}
    away = campaigns.assignment.away(members)
    return render_template("pages/campaigns/campaign.html", row=row, figures=campaigns.progress.progress(
        actor=actor, campaign_id=row.id), targets=campaigns.progress.targets_of(actor=actor, campaign_id=row.id),
        members=members, people=people, away=away, errors=errors or {}, pasted=pasted, **all_labels()), status


@bp.post("/campaigns/<id:campaign_id>/<any(start, pause, resume, finish):action>")
@login_required
def move(campaign_id: int, action: str):
    """Start, pause, resume or finish (409 from the wrong state)."""
    row = campaigns.service.move(actor=_lead(), campaign_id=campaign_id, action=action)
    flash(_("The campaign is now: %(state)s.", state=all_labels()["states"][row.state]), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


@bp.post("/campaigns/<id:campaign_id>/targets")
@login_required
def add_targets(campaign_id: int):
    """Targets from a pasted list (one a line: phone, name, notes, skill)."""
    actor = _lead()
    text = request.form.get("targets", "")
    try:
        added = campaigns.targets.add_pasted(actor=actor, campaign_id=campaign_id, text=text)
    except ValidationFailed as exc:
        db.session.rollback()
        return _page(actor, campaign_id, exc.errors, text, 422)
    flash(_("%(n)s calls added (numbers already on the list are skipped).", n=added), "success")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))


@bp.post("/campaigns/<id:campaign_id>/reassign")
@login_required
def reassign(campaign_id: int):
    """The open calls of agents who are away go to those at their phones."""
    campaigns.service.get_campaign(actor=_lead(), campaign_id=campaign_id)
    moved = campaigns.assignment.reassign_away(campaign_id)
    db.session.commit()
    flash(_("%(n)s calls moved to agents at their phones.", n=moved), "success" if moved else "info")
    return redirect(url_for("campaigns.show", campaign_id=campaign_id))
