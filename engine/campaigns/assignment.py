"""Who calls whom: targets go to the campaign's agents evenly (the least loaded first) or by
skill (a target tagged 粤语 goes only to agents with that tag, evenly among them); the open
targets of an agent who is away (seat signed out) move to colleagues who are at their phones."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from engine.db import db
from engine.models import AgentStatus, Campaign, CampaignAgent, CampaignTarget

AWAY_STATES = ("logged_out",)     # a seat on a break is back in minutes; a signed-out one is not


def _tags(skills: str) -> set[str]:
    return {t for t in (skills or "").split(",") if t}


def _load(campaign_id: int) -> dict[int, int]:
    """Open targets per agent of the campaign."""
    return dict(db.session.execute(
        select(CampaignTarget.agent_id, func.count()).where(
            CampaignTarget.campaign_id == campaign_id, CampaignTarget.state == "open",
            CampaignTarget.agent_id.is_not(None)).group_by(CampaignTarget.agent_id)).all())


def _distribute(campaign: Campaign, targets: list[CampaignTarget], skills: dict[int, str]) -> int:
    """Give each target to the least loaded fitting agent (ties: the lower user id); returns how many."""
    load = _load(campaign.id)
    load.update({u: load.get(u, 0) for u in skills})
    tags = {u: _tags(s) for u, s in skills.items()}
    given = 0
    for target in targets:
        fitting = [u for u in skills if campaign.assignment != "skill" or not target.skill or target.skill in tags[u]]
        if not fitting:
            continue          # nobody has the skill: stays unassigned, the progress page says so
        agent = min(fitting, key=lambda u: (load[u], u))
        target.agent_id = agent
        load[agent] += 1
        given += 1
    return given


def assign_open(campaign_id: int) -> int:
    """Assign every open target without an agent (at start, and as targets are added)."""
    campaign = db.session.get(Campaign, campaign_id)
    skills = dict(db.session.execute(select(CampaignAgent.user_id, CampaignAgent.skills)
                                     .where(CampaignAgent.campaign_id == campaign_id)).all())
    targets = list(db.session.execute(select(CampaignTarget).where(
        CampaignTarget.campaign_id == campaign_id, CampaignTarget.state == "open",
        CampaignTarget.agent_id.is_(None)).order_by(CampaignTarget.id)).scalars())
    return _distribute(campaign, targets, skills) if skills else 0


def away(user_ids) -> set[int]:
    """Of these users, those not at a phone (never signed in to a seat, or signed out)."""
    present = set(db.session.execute(select(AgentStatus.user_id).where(
        AgentStatus.user_id.in_(list(user_ids)), AgentStatus.state.not_in(AWAY_STATES))).scalars())
    return set(user_ids) - present


def reassign_away(campaign_id: int, *, due_before: datetime | None = None) -> int:
    """Move the open targets of away agents (only those due before `due_before`, if given) to the
    campaign's agents who are at their phones; nothing moves when nobody is. Does not commit."""
    campaign = db.session.get(Campaign, campaign_id)
    skills = dict(db.session.execute(select(CampaignAgent.user_id, CampaignAgent.skills)
                                     .where(CampaignAgent.campaign_id == campaign_id)).all())
    gone = away(skills)
    here = {u: s for u, s in skills.items() if u not in gone}
    if not gone or not here:
        return 0
    query = select(CampaignTarget).where(CampaignTarget.campaign_id == campaign_id, CampaignTarget.state == "open",
                                         CampaignTarget.agent_id.in_(gone))
    if due_before is not None:
        query = query.where(CampaignTarget.next_attempt_at <= due_before)
    targets = list(db.session.execute(query.order_by(CampaignTarget.next_attempt_at, CampaignTarget.id)).scalars())
    return _distribute(campaign, targets, here)
