"""首问责任制 (seed 5): the first person who took a request answers for it to the end.

The first-contact person (`case.first_contact_id`) is the agent who registered a telephone
request; a request that came in another way (web, app, mailbox, …) is first taken by whoever acts
on it in triage. They keep it whoever handles it later: every change of the case's stage made by
someone else is sent to them (the SMS outbox, one message per stage change, dedupe-keyed), and
their own list shows their cases, open and closed.
"""
from __future__ import annotations

from sqlalchemy import func, select

from engine import notifications
from engine.db import db
from engine.models import Case
from engine.organisation import Actor
from engine.paging import Page, clamp

KIND = "first_contact"
# The stage as the SMS names it (the SMS is Chinese like every message the hotline sends).
STAGE_NAMES = {
    "intake": "登记", "triage": "分拣", "dispatch": "派单", "return_review": "退回审核", "sign_for": "签收",
    "handling": "办理", "extension_review": "延期审核", "suspension_review": "挂起审核", "suspended": "挂起",
    "reply_approval": "答复审批", "review": "审核", "visit": "回访", "close_review": "结案审核", "closed": "办结",
}
TEXT = "【12345】您首问的工单{case_no}({title})已由“{old}”进入“{new}”环节。"
STATES = ("open", "closed")


def at_intake(channel: str, registered_by_id: int) -> int | None:
    """The first contact of a new case: for a telephone request the agent who registered it; for
    another channel nobody yet (whoever acts on it in triage)."""
    return registered_by_id if channel == "phone" else None


def after_action(action, *, actor_id: int | None) -> None:
    """Inside the action's transaction, after its projections: name the first contact of a request
    taken in triage, and tell the first contact of a stage change someone else made."""
    case = action.case
    if case.first_contact_id is None and actor_id is not None and action.start_stage == "triage":
        case.first_contact_id = actor_id
    if case.stage == action.start_stage or case.first_contact_id in (None, actor_id):
        return
    body = TEXT.format(case_no=case.case_no, title=case.title[:20], old=STAGE_NAMES.get(action.start_stage, action.start_stage),
                       new=STAGE_NAMES.get(case.stage, case.stage))
    # The case's version after this action names the change: a retry never texts twice. A first
    # contact who left or has no phone gets nothing; the list of their cases still shows the stage.
    notifications.enqueue_to_user(kind=KIND, user_id=case.first_contact_id, body=body, case_id=case.id,
                                  dedupe_key=f"first_contact:{case.id}:{case.version}:{case.stage}", now=action.now)


def mine(actor: Actor, *, state: str | None = None, page: int = 1, page_size: int = 30) -> Page:
    """The actor's first-contact cases, newest first; `state` open or closed (None: both)."""
    where = [Case.first_contact_id == actor.user_id]
    if state == "open":
        where.append(Case.status != "closed")
    elif state == "closed":
        where.append(Case.status == "closed")
    total = db.session.execute(select(func.count()).select_from(Case).where(*where)).scalar()
    page = clamp(page, total, page_size)
    rows = db.session.execute(select(Case.id, Case.case_no, Case.title, Case.stage, Case.status, Case.category,
                                     Case.created_at, Case.closed_at, Case.due_at, Case.lead_department_id)
                              .where(*where).order_by(Case.created_at.desc(), Case.id.desc())
                              .limit(page_size).offset((page - 1) * page_size)).all()
    return Page(items=[row._asdict() for row in rows], total=total, page=page, page_size=page_size)
