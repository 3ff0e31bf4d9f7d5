"""An agent's side of a campaign: the queue of calls to make now, click-to-call through the
telephony command table, and the result of each attempt with the retry rule applied.

A target is done when reached, failed on a wrong number, on a result the rule does not retry or
after its last attempt; "call back at …" puts it back in the queue at that moment. Every attempt
is kept with the agent, the moment, the note and the call (its record, once the switch wrote it).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from engine.campaigns.service import WORK_ROLES
from engine.db import db
from engine.errors import NotFound, ValidationFailed, WrongState
from engine.models import CallRecord, Campaign, CampaignAttempt, CampaignTarget, WorkItem
from engine.models.campaign import RESULTS
from engine.organisation import Actor
from engine.ports import now as clock_now
from engine.telephony import call_center
from forms.messages import msg

QUEUE_LIMIT = 200


@dataclass
class Queue:
    due: list[tuple[CampaignTarget, Campaign]]      # to call now, the longest due first
    later: list[tuple[CampaignTarget, Campaign]]    # retries and call-backs not due yet


@dataclass
class Outcome:
    target: CampaignTarget
    attempt: CampaignAttempt
    visit_item_id: int | None       # a re-visit reached: the case's visit form to fill in now


def my_queue(*, actor: Actor, now: datetime | None = None) -> Queue:
    """The actor's open targets of running campaigns (their own only)."""
    actor.require(*WORK_ROLES)
    now = now or clock_now()
    rows = db.session.execute(select(CampaignTarget, Campaign).join(Campaign, Campaign.id == CampaignTarget.campaign_id)
                              .where(CampaignTarget.agent_id == actor.user_id, CampaignTarget.state == "open",
                                     Campaign.state == "running")
                              .order_by(CampaignTarget.next_attempt_at, CampaignTarget.id).limit(QUEUE_LIMIT)).all()
    return Queue(due=[tuple(r) for r in rows if r[0].next_attempt_at <= now],
                 later=[tuple(r) for r in rows if r[0].next_attempt_at > now])


def my_target(*, actor: Actor, target_id: int, lock: bool = False) -> tuple[CampaignTarget, Campaign]:
    """A target assigned to the actor (anyone else's, or none: 404)."""
    actor.require(*WORK_ROLES)
    target = db.session.get(CampaignTarget, target_id, with_for_update=lock or None)
    if target is None or target.agent_id != actor.user_id:
        raise NotFound(msg("target_not_found", "no call %(id)s in your queue", id=target_id))
    return target, db.session.get(Campaign, target.campaign_id)


def _callable(target: CampaignTarget, campaign: Campaign) -> None:
    if campaign.state != "running":
        raise WrongState(msg("campaign_not_running", "the campaign is not running (paused or finished)"))
    if target.state != "open":
        raise WrongState(msg("target_closed", "this call is finished already"))


def dial(*, actor: Actor, target_id: int) -> call_center.Dial:
    """Click-to-call a target from the actor's seat: a command for the switch, like any dial."""
    target, campaign = my_target(actor=actor, target_id=target_id)
    _callable(target, campaign)
    placed = call_center.dial_number(actor=actor, number=target.phone, case_id=target.case_id)
    target.dial_call_id = placed.command.call_id
    db.session.commit()
    return placed


def check_result(result: str, note: str, call_back_at: datetime | None, now: datetime) -> None:
    errors: dict[str, list] = {}
    if result not in RESULTS:
        errors["result"] = [msg("not_an_option", "must be one of: %(options)s", options=", ".join(RESULTS))]
    if len(note) > 500:
        errors["note"] = [msg("max_length", "at most %(max)s characters", max=500)]
    if result == "call_back" and (call_back_at is None or call_back_at <= now):
        errors["call_back_at"] = [msg("call_back_future", "say when to call back (a moment still to come)")]
    if errors:
        raise ValidationFailed(errors)


def apply_rule(campaign: Campaign, target: CampaignTarget, result: str, now: datetime,
               call_back_at: datetime | None = None) -> None:
    """Where the target stands after this attempt's result."""
    target.attempts += 1
    target.last_result, target.last_attempt_at, target.dial_call_id = result, now, None
    retry = set(filter(None, campaign.retry_results.split(",")))
    if result == "reached":
        target.state = "done"
    elif result == "call_back":
        target.next_attempt_at = call_back_at        # the citizen's own moment, even after the last try
    elif result in retry and target.attempts < campaign.max_attempts:
        target.next_attempt_at = now + timedelta(minutes=campaign.retry_minutes)
    else:                                            # wrong number, not retried, or the last attempt
        target.state = "failed"


def record_result(*, actor: Actor, target_id: int, result: str, note: str = "",
                  call_back_at: datetime | None = None) -> Outcome:
    """Record one attempt's result; the target is then done, failed or due again (the rule)."""
    now = clock_now()
    note = (note or "").strip()
    target, campaign = my_target(actor=actor, target_id=target_id, lock=True)   # whose target: before the input
    check_result(result, note, call_back_at, now)
    _callable(target, campaign)
    call_record_id = db.session.execute(select(CallRecord.id).where(
        CallRecord.call_id == target.dial_call_id)).scalar() if target.dial_call_id else None
    attempt = CampaignAttempt(campaign_id=campaign.id, target_id=target.id, phone=target.phone, agent_id=actor.user_id,
                              at=now, result=result, note=note, call_back_at=call_back_at if result == "call_back" else None,
                              call_id=target.dial_call_id, call_record_id=call_record_id)
    db.session.add(attempt)
    apply_rule(campaign, target, result, now, call_back_at)
    if target.call_record_id and target.state != "open":     # the dissuaded caller's callback entry
        db.session.execute(update(CallRecord).where(CallRecord.id == target.call_record_id,
                                                    CallRecord.callback_status == "open").values(
            callback_status="done" if target.state == "done" else "failed", callback_by_id=actor.user_id,
            callback_at=now))
    finish_if_done(campaign, now)
    db.session.commit()
    visit = _visit_item(target) if campaign.purpose == "revisit" and result == "reached" else None
    return Outcome(target, attempt, visit)


def finish_if_done(campaign: Campaign, now: datetime) -> bool:
    """A running campaign whose every target is decided is finished (does not commit)."""
    if campaign.state != "running":
        return False
    db.session.flush()
    total, open_ = db.session.execute(select(func.count(), func.count().filter(CampaignTarget.state == "open"))
                                      .where(CampaignTarget.campaign_id == campaign.id)).one()
    if not total or open_:
        return False
    campaign.state, campaign.finished_at = "finished", now
    return True


def _visit_item(target: CampaignTarget) -> int | None:
    """The open visit task of the target's case (gone if someone visited meanwhile)."""
    if target.case_id is None:
        return None
    return db.session.execute(select(WorkItem.id).where(WorkItem.case_id == target.case_id, WorkItem.form_key == "visit",
                                                        WorkItem.state == "open")).scalar()


def attempts_of(target_id: int) -> list[CampaignAttempt]:
    return list(db.session.execute(select(CampaignAttempt).where(CampaignAttempt.target_id == target_id)
                                   .order_by(CampaignAttempt.id)).scalars())


def attempts_by_phone(phone: str, limit: int = 100) -> list[CampaignAttempt]:
    """Every outbound attempt to a (normalised) phone, newest first: the contact page's list."""
    return list(db.session.execute(select(CampaignAttempt).where(CampaignAttempt.phone == phone)
                                   .order_by(CampaignAttempt.at.desc(), CampaignAttempt.id.desc()).limit(limit)).scalars())
