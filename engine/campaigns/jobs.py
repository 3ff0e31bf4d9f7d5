"""The scheduler's part (engine.scheduler): due calls of agents who are away go to colleagues at
their phones, re-visits already done another way leave the lists, and running campaigns with
every target decided are finished. Idempotent: a second run right after changes nothing."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, select, update

from engine.campaigns.assignment import reassign_away
from engine.campaigns.calling import finish_if_done
from engine.db import db
from engine.models import Campaign, CampaignTarget, WorkItem
from engine.ports import now as clock_now


def upkeep(now: datetime | None = None) -> dict[str, int]:
    """One pass over the running campaigns; commits."""
    now = now or clock_now()
    running = list(db.session.execute(select(Campaign).where(Campaign.state == "running")
                                      .order_by(Campaign.id)).scalars())
    moved = visited = finished = 0
    for campaign in running:
        moved += reassign_away(campaign.id, due_before=now)
        if campaign.purpose == "revisit":
            visited += _close_visited(campaign.id)
        finished += finish_if_done(campaign, now)
    db.session.commit()
    return {"reassigned": moved, "visited_elsewhere": visited, "finished": finished}


def _close_visited(campaign_id: int) -> int:
    """Open re-visit targets whose case no longer waits for its visit (the visitor used the visit
    console, or the case moved on) are closed: there is nothing left to ask."""
    waiting = exists().where(and_(WorkItem.case_id == CampaignTarget.case_id, WorkItem.form_key == "visit",
                                  WorkItem.state == "open"))
    return db.session.execute(update(CampaignTarget).where(
        CampaignTarget.campaign_id == campaign_id, CampaignTarget.state == "open",
        CampaignTarget.case_id.is_not(None), ~waiting).values(state="closed")
        .execution_options(synchronize_session=False)).rowcount
