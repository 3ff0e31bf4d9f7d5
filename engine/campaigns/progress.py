"""How far a campaign is, for the shift lead: targets by state and by last result, per agent,
the attempts made, and the share decided (done, failed or closed) of all targets."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from engine.campaigns.service import get_campaign
from engine.db import db
from engine.models import CampaignAttempt, CampaignTarget, User
from engine.models.campaign import RESULTS, TARGET_STATES
from engine.organisation import Actor
from engine.ports import now as clock_now


def progress(*, actor: Actor, campaign_id: int, now: datetime | None = None) -> dict:
    """{states, results, agents: [{user_id, name, open, due, done, failed, attempts}], unassigned,
    total, decided, percent}."""
    campaign = get_campaign(actor=actor, campaign_id=campaign_id)
    now = now or clock_now()
    target = CampaignTarget
    mine = target.campaign_id == campaign.id
    states = dict.fromkeys(TARGET_STATES, 0)
    states.update(dict(db.session.execute(select(target.state, func.count()).where(mine).group_by(target.state)).all()))
    results = dict.fromkeys(RESULTS, 0)
    results.update(dict(db.session.execute(select(CampaignAttempt.result, func.count())
                                           .where(CampaignAttempt.campaign_id == campaign.id)
                                           .group_by(CampaignAttempt.result)).all()))
    per_agent = db.session.execute(
        select(target.agent_id, User.display_name, func.count().filter(target.state == "open"),
               func.count().filter(target.state == "open", target.next_attempt_at <= now),
               func.count().filter(target.state == "done"), func.count().filter(target.state == "failed"),
               func.coalesce(func.sum(target.attempts), 0))
        .join(User, User.id == target.agent_id).where(mine).group_by(target.agent_id, User.display_name)
        .order_by(User.display_name)).all()
    unassigned = db.session.execute(select(func.count()).where(mine, target.state == "open",
                                                               target.agent_id.is_(None))).scalar()
    total = sum(states.values())
    decided = total - states["open"]
    return {"states": states, "results": results, "unassigned": unassigned, "total": total, "decided": decided,
            "percent": round(100 * decided / total) if total else 0,
            "agents": [{"user_id": r[0], "name": r[1], "open": r[2], "due": r[3], "done": r[4], "failed": r[5],
                        "attempts": int(r[6])} for r in per_agent]}


def targets_of(*, actor: Actor, campaign_id: int, limit: int = 500) -> list[CampaignTarget]:
    """The campaign's targets, open ones first by when they are due."""
    get_campaign(actor=actor, campaign_id=campaign_id)
    return list(db.session.execute(select(CampaignTarget).where(CampaignTarget.campaign_id == campaign_id)
                                   .order_by((CampaignTarget.state != "open"), CampaignTarget.next_attempt_at,
                                             CampaignTarget.id).limit(limit)).scalars())
