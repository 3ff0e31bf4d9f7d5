"""The outbound attempts a contact page lists (engine.contacts.history's extension point): contacts
cannot read the campaigns' tables, since campaigns build on contacts."""
from __future__ import annotations

from sqlalchemy import select

from engine import contacts
from engine.db import db
from engine.models import Campaign, CampaignAttempt, User


def attempt_rows(phones: list[str], limit: int) -> list[dict]:
    """Every attempt to one of the (normalised) phones, newest first: when, which campaign, the
    result's code (the page names it), the agent, and the call record when the dial made one."""
    if not phones:
        return []
    rows = db.session.execute(
        select(CampaignAttempt.at, CampaignAttempt.result, CampaignAttempt.note, CampaignAttempt.call_record_id,
               Campaign.name.label("campaign"), User.display_name.label("agent"))
        .join(Campaign, Campaign.id == CampaignAttempt.campaign_id)
        .outerjoin(User, User.id == CampaignAttempt.agent_id)
        .where(CampaignAttempt.phone.in_(phones))
        .order_by(CampaignAttempt.at.desc(), CampaignAttempt.id.desc()).limit(limit)).all()
    return [dict(row._mapping) for row in rows]


def register() -> None:
    contacts.history.register_attempt_source(attempt_rows)
