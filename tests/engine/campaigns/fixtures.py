"""What campaign tests share: a clean slate (the global cleanup deletes cases, which targets point
to), and a started campaign in one call."""
from __future__ import annotations

import pytest
from sqlalchemy import delete

from engine import campaigns
from engine.db import db
from engine.models import Campaign, CampaignAgent, CampaignAttempt, CampaignTarget
from engine.organisation import directory as org


@pytest.fixture(autouse=True)
def clean_campaigns(app):
    yield
    db.session.rollback()
    for model in (CampaignAttempt, CampaignTarget, CampaignAgent, Campaign):
        db.session.execute(delete(model))
    db.session.commit()


def user_id(login: str) -> int:
    return org.get_user(login).id


def started(lead, *, agents: dict[str, str], phones=(), purpose="general", **settings) -> Campaign:
    """A running campaign of these agents ({login: skill tags}) with a target per phone."""
    row = campaigns.service.create(actor=lead, data={"name": "测试外呼", "purpose": purpose, **settings},
                                   agents={user_id(login): tags for login, tags in agents.items()})
    rows = [campaigns.validate_list_row(p if isinstance(p, dict) else {"phone": p})[0] for p in phones]
    campaigns.add_list_rows(row.id, rows, lead)
    return campaigns.service.move(actor=lead, campaign_id=row.id, action="start")
