"""Campaigns themselves: who may do what, creating one with its retry rule and agents, and its
life draft → running ↔ paused → finished (a wrong move is 409, bad input 422 naming the field)."""
from __future__ import annotations

from sqlalchemy import select, update

from engine.campaigns.assignment import assign_open
from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import Campaign, CampaignAgent, CampaignTarget, User
from engine.models.campaign import ASSIGNMENTS, PURPOSES, RESULTS
from engine.organisation import Actor, roles as R
from engine.ports import now as clock_now
from forms.messages import msg

# the center roles that create campaigns and watch their progress
MANAGE_ROLES = (R.SHIFT_LEAD, R.CENTER_LEADER)
# the roles that sit at a phone (engine.telephony.call_center.PHONE_ROLES) work their own queue
WORK_ROLES = (R.AGENT, R.SHIFT_LEAD, R.DISPATCHER, R.VISITOR)
RETRYABLE = ("no_answer", "busy")      # results a rule may retry; the others decide the target
MAX_ATTEMPTS = 10
MAX_RETRY_MINUTES = 7 * 24 * 60
MOVES = {  # action -> (states it may start from, state it leads to)
    "start": (("draft",), "running"), "pause": (("running",), "paused"),
    "resume": (("paused",), "running"), "finish": (("running", "paused"), "finished"),
}


def get_campaign(*, actor: Actor, campaign_id: int) -> Campaign:
    """One campaign, for the roles that manage campaigns (others: 403; missing: 404)."""
    actor.require(*MANAGE_ROLES)
    row = db.session.get(Campaign, campaign_id)
    if row is None:
        raise NotFound(msg("campaign_not_found", "campaign %(id)s not found", id=campaign_id))
    return row


def list_campaigns(*, actor: Actor) -> list[Campaign]:
    actor.require(*MANAGE_ROLES)
    return list(db.session.execute(select(Campaign).order_by(Campaign.id.desc()).limit(200)).scalars())


def check_settings(data: dict) -> dict:
    """The campaign's fields cleaned, or ValidationFailed naming each bad one."""
    errors: dict[str, list] = {}
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = [msg("required", "required")]
    elif len(name) > 100:
        errors["name"] = [msg("max_length", "at most %(max)s characters", max=100)]
    for field, options in (("purpose", PURPOSES), ("assignment", ASSIGNMENTS)):
        if data.get(field, options[0]) not in options:
            errors[field] = [msg("not_an_option", "must be one of: %(options)s", options=", ".join(options))]
    numbers = {}
    for field, default, top in (("max_attempts", 3, MAX_ATTEMPTS), ("retry_minutes", 60, MAX_RETRY_MINUTES)):
        raw = str(data.get(field, default)).strip()
        if not raw.isdecimal() or not 1 <= int(raw) <= top:
            errors[field] = [msg("between", "a whole number from %(low)s to %(high)s", low=1, high=top)]
        else:
            numbers[field] = int(raw)
    retry = [r for r in data.get("retry_results", list(RETRYABLE)) if r]
    if any(r not in RETRYABLE for r in retry):
        errors["retry_results"] = [msg("not_an_option", "must be one of: %(options)s", options=", ".join(RETRYABLE))]
    if errors:
        raise ValidationFailed(errors)
    return {"name": name, "purpose": data.get("purpose", "general"), "assignment": data.get("assignment", "even"),
            "retry_results": ",".join(r for r in RESULTS if r in retry), **numbers}


def check_agents(agents: dict, purpose: str) -> dict[int, str]:
    """{user id: skill tags} of active users who sit at a phone; a re-visit needs visitors (the
    visit form is theirs)."""
    if not agents:
        raise ValidationFailed({"agents": [msg("campaign_agents", "choose at least one agent")]})
    wanted = R.VISITOR if purpose == "revisit" else None
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_(list(agents)))).scalars()}
    clean: dict[int, str] = {}
    for user_id, skills in agents.items():
        user = users.get(user_id)
        if user is None or not user.active or not user.roles & set(WORK_ROLES) or (wanted and wanted not in user.roles):
            raise ValidationFailed({"agents": [msg("campaign_agent_role", "%(who)s cannot work this campaign",
                                                   who=user.display_name if user else user_id)]})
        tags = ",".join(sorted({t.strip() for t in str(skills or "").replace("，", ",").split(",") if t.strip()}))
        if len(tags) > 200:
            raise ValidationFailed({"agents": [msg("max_length", "at most %(max)s characters", max=200)]})
        clean[user_id] = tags
    return clean


def create(*, actor: Actor, data: dict, agents: dict) -> Campaign:
    """A new draft campaign; re-visit and callback campaigns fill their list at once."""
    actor.require(*MANAGE_ROLES)
    errors: dict = {}
    fields = members = None
    try:
        fields = check_settings(data)
    except ValidationFailed as exc:
        errors.update(exc.errors)
    try:
        members = check_agents(agents, data.get("purpose", "general"))
    except ValidationFailed as exc:      # every bad field at once, the agents too
        errors.update(exc.errors)
    if errors:
        raise ValidationFailed(errors)
    row = Campaign(**fields, state="draft", owner_id=actor.user_id, created_at=clock_now())
    db.session.add(row)
    db.session.flush()
    db.session.add_all(CampaignAgent(campaign_id=row.id, user_id=u, skills=s) for u, s in members.items())
    db.session.commit()
    return row


def move(*, actor: Actor, campaign_id: int, action: str) -> Campaign:
    """start / pause / resume / finish; 409 from a state the move does not start from."""
    row = get_campaign(actor=actor, campaign_id=campaign_id)
    if action not in MOVES:
        raise NotFound(msg("campaign_action", "no such campaign action"))
    sources, goal = MOVES[action]
    if row.state not in sources:
        raise WrongState(msg("campaign_state", "not possible in the campaign's present state"))
    now = clock_now()
    changed = db.session.execute(update(Campaign).where(Campaign.id == row.id, Campaign.state == row.state)
                                 .values(state=goal)).rowcount
    if not changed:       # someone else moved it meanwhile
        db.session.rollback()
        raise WrongState(msg("campaign_state", "not possible in the campaign's present state"))
    if action == "start":
        row.started_at = now
        assign_open(row.id)
    if action == "finish":
        row.finished_at = now
        db.session.execute(update(CampaignTarget).where(CampaignTarget.campaign_id == row.id,
                                                        CampaignTarget.state == "open").values(state="closed"))
    db.session.commit()
    db.session.refresh(row)
    return row


def members(campaign_id: int) -> dict[int, str]:
    """{user id: skill tags} of the campaign's agents."""
    return dict(db.session.execute(select(CampaignAgent.user_id, CampaignAgent.skills)
                                   .where(CampaignAgent.campaign_id == campaign_id)).all())
